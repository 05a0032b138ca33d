"""The run manifest: a JSON file next to each run's JSONL saying what the run did.

`build_manifest()` is pure; `RunManifest` is the Scrapy extension that writes it when the
spider closes and logs the one-line summary.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
import trafilatura
from scrapy import signals

from newscrawl import __version__
from newscrawl.health import fault_counts, uncounted_errors
from newscrawl.runtime import get_run

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from newscrawl.runtime import Run

# Settings that change what is written: the manifest carries a digest of them, so two runs'
# outputs are known to be comparable when their digests match.
OUTPUT_SHAPING_SETTINGS = (
    "DEDUP_MODE",
    "DEDUP_NUM_PERM",
    "DEDUP_BANDS",
    "DEDUP_ROWS",
    "DEDUP_THRESHOLD",
    "DEDUP_SHINGLE_SIZE",
    "DEDUP_WINDOW_DAYS",
    "DEDUP_UNCHANGED_SIMILARITY",
    "DOWNLOAD_MAXSIZE",
    "ROBOTSTXT_OBEY",
)
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
    run: Run, spider: str, stats: Mapping[str, Any], reason: str, settings: Mapping[str, Any]
) -> dict[str, Any]:
    files = [
        {**entry, "sha256": sha256_file(Path(str(entry["path"])))}
        for entry in run.files
        if Path(str(entry["path"])).exists()
    ]
    return {
        "run_id": run.run_id,
        "spider": spider,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "finish_reason": reason,
        "written": int(stats.get("newscrawl/written", 0)),
        "dropped": dropped_counts(stats),
        "skipped_already_written": int(stats.get("newscrawl/skipped/already_written", 0)),
        "errors": int(stats.get("log_count/ERROR", 0)),
        "uncounted_errors": uncounted_errors(stats),
        "faults": fault_counts(stats),
        "files": files,
        "summary": summary_line(stats),
        "versions": {
            "newscrawl": __version__,
            "scrapy": scrapy.__version__,
            "trafilatura": trafilatura.__version__,
        },
        "settings_digest": settings_digest(settings),
    }


def write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class RunManifest:
    """Writes `<run>.manifest.json` beside the run's JSONL and logs the run summary."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        run = get_run(self.crawler)
        stats = self.crawler.stats.get_stats()
        settings = {name: self.crawler.settings.get(name) for name in OUTPUT_SHAPING_SETTINGS}
        manifest = build_manifest(run, spider.name, stats, reason, settings)
        path = run.output_path.with_name(run.output_path.stem + ".manifest.json")
        write_json_atomically(path, manifest)
        spider.logger.info("Run %s: %s (manifest: %s)", run.run_id, manifest["summary"], path)
