"""Rebuild the dedup store from the written JSONL files, which are the source of truth.

Every valid record of every run file is marked written as the writer marked it when it wrote
the record (`mark_written`, with the verdict read back from the record), oldest run first, so
revisions, exact copies and the near-duplicate window come out as the crawls left them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newscrawl.dedup.deduplicator import Deduplicator
from newscrawl.dedup.redis_store import RedisStore
from newscrawl.exclusions import is_exclusion_file
from newscrawl.exporters import parse_line
from newscrawl.items import Article
from newscrawl.run import mark_written, recorded_verdict

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from newscrawl.dedup.deduplicator import NearDupParams

# Records marked between two commits: a commit per thousand keeps memory flat and each
# transaction short.
FLUSH_EVERY = 1000


class StoreInUseError(RuntimeError):
    """The store to build already holds state: a rebuild adds to an empty store only."""


@dataclass
class RebuildReport:
    files: int = 0
    records: int = 0
    rejected: int = 0  # lines that are no valid record (counted, left out)


def run_files(output_dir: Path) -> list[Path]:
    """The finished run files under `output_dir`, oldest first.

    Run files are named after their run's start time (`OUTPUT_PATH`), so their names sort in
    run order across the spiders' folders. `.part` files are not finished: the next run of
    their spider recovers and marks them.
    """
    found = (path for path in output_dir.rglob("*.jsonl") if not is_exclusion_file(path))
    return sorted(found, key=lambda path: (path.name, str(path)))


def rebuild(deduplicator: Deduplicator, files: Iterable[Path]) -> RebuildReport:
    """Mark every valid record of `files` written in `deduplicator`'s store, then flush."""
    report = RebuildReport()
    for path in files:
        report.files += 1
        with open(path, "rb") as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                record, _ = parse_line(raw)
                if record is None:
                    report.rejected += 1
                    continue
                article = Article(**record)
                mark_written(deduplicator, article, recorded_verdict(article))
                report.records += 1
                if report.records % FLUSH_EVERY == 0:
                    deduplicator.flush()
    deduplicator.flush()
    return report


def rebuild_redis(url: str, files: Iterable[Path], params: NearDupParams) -> RebuildReport:
    """Build the Redis store `url` (a `DEDUP_STORE` URL) from `files`: the move to shared mode.

    Redis has no temporary name to build under and rename: the store is built in place, so it
    must be empty (`StoreInUseError` otherwise) and no crawl may use it meanwhile. A rebuild
    that was interrupted is a partial store: reset its keys and run it again.
    """
    store = RedisStore(url)
    if next(iter(store.keys()), None) is not None:
        where = store.where
        store.close()
        raise StoreInUseError(f"{where} holds a store already; reset it first")
    deduplicator = Deduplicator(store, params)
    try:
        return rebuild(deduplicator, files)
    finally:
        deduplicator.close()
