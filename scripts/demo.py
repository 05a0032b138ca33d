"""`make demo`: the whole pipeline, offline, on the bundled archive `data/demo.warc.gz`.

Runs `scrapy crawl warc` into `output/demo/` with a fresh dedup store (so the demo can be run
again and again), then says where the JSONL landed and what the run wrote and dropped, and
builds the corpus (`output/demo/corpus/`) and the report (`output/demo/report/index.html`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARCHIVE = PROJECT_DIR / "data" / "demo.warc.gz"
DEMO_DIR = PROJECT_DIR / "output" / "demo"


def main() -> int:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    argv = [
        sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"path={ARCHIVE}",
        "-s", f"OUTPUT_DIR={DEMO_DIR}",
        "-s", f"DEDUP_STORE=sqlite:///{DEMO_DIR / 'dedup.sqlite'}",
        "-s", f"LOG_FILE={DEMO_DIR / 'demo.log'}",
    ]  # fmt: skip
    print("$", " ".join(argv[2:]))
    status = subprocess.run(argv, cwd=PROJECT_DIR, check=False).returncode
    manifests = sorted(DEMO_DIR.glob("warc/*.manifest.json"))
    if not manifests:
        print(f"demo: no run manifest written; see {DEMO_DIR / 'demo.log'}", file=sys.stderr)
        return status or 1
    manifest = json.loads(manifests[-1].read_text("utf-8"))
    for entry in manifest["files"]:
        print(f"JSONL: {entry['path']} ({entry['records']} records)")
    print(f"Manifest: {manifests[-1]}")
    print(f"Log: {DEMO_DIR / 'demo.log'}")
    print(f"Summary: {manifest['summary']}")
    for command in ("corpus", "report"):
        argv = [sys.executable, "-m", "scrapy", command, "--output", str(DEMO_DIR)]
        print("$", " ".join(argv[2:]))
        status = status or subprocess.run(argv, cwd=PROJECT_DIR, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
