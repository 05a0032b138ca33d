"""The run manifest: a JSON file next to each run's JSONL saying what the run did.

Pure: `build_manifest()` gathers it from the run's stats and files; `newscrawl.run.Run` writes it
when the spider closes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import scrapy

from newscrawl import __version__
from newscrawl.dates import format_utc, utc_now
from newscrawl.exporters import write_atomically
from newscrawl.health import fault_counts, uncounted_errors

DROPPED_PREFIX = "newscrawl/dropped/"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def settings_digest(values: Mapping[str, Any]) -> str:
    """A short, order-independent digest of the output-shaping settings."""
    canonical = json.dumps({k: str(v) for k, v in values.items()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def dropped_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    return {
        key.removeprefix(DROPPED_PREFIX): int(value)
        for key, value in sorted(stats.items())
        if key.startswith(DROPPED_PREFIX)
    }


def summary_line(stats: Mapping[str, Any]) -> str:
    """'12 written, 3 dropped (duplicate_exact 2, no_text 1), 40 skipped as already written'."""
    dropped = dropped_counts(stats)
    parts = [f"{int(stats.get('newscrawl/written', 0))} written"]
    if dropped:
        reasons = ", ".join(f"{reason} {count}" for reason, count in dropped.items())
        parts.append(f"{sum(dropped.values())} dropped ({reasons})")
    else:
        parts.append("0 dropped")
    skipped = int(stats.get("newscrawl/skipped/already_written", 0))
    if skipped:
        parts.append(f"{skipped} not downloaded (already written)")
    return ", ".join(parts)


def build_manifest(
    *,
    run_id: str,
    spider: str,
    started_at: datetime,
    files: list[tuple[Path, int]],
    stats: Mapping[str, Any],
    reason: str,
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """The manifest of a finished run. `settings` are those that change what is written: the
    manifest carries a digest of them, so two runs' outputs are comparable when digests match."""
    return {
        "run_id": run_id,
        "spider": spider,
        "started_at": format_utc(started_at),
        "finished_at": utc_now(),
        "finish_reason": reason,
        "written": int(stats.get("newscrawl/written", 0)),
        "dropped": dropped_counts(stats),
        "skipped_already_written": int(stats.get("newscrawl/skipped/already_written", 0)),
        "errors": int(stats.get("log_count/ERROR", 0)),
        "uncounted_errors": uncounted_errors(stats),
        "faults": fault_counts(stats),
        "files": [
            {"path": str(path), "records": records, "sha256": sha256_file(path)}
            for path, records in files
            if path.exists()
        ],
        # the archives a `warc` run read (in shared mode, those it leased)
        "archives": list(stats.get("newscrawl/warc/archives") or []),
        "summary": summary_line(stats),
        "versions": {
            "newscrawl": __version__,
            "scrapy": scrapy.__version__,
            # from its metadata: importing it would load the extraction stack in the crawl process
            "trafilatura": version("trafilatura"),
        },
        "settings_digest": settings_digest(settings),
    }


def write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
