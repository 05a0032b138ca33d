"""`scrapy rebuildstore`: build the dedup store again from the JSONL files under OUTPUT_DIR.

For a store that was lost or damaged (`StoreCorruptError`): the files are the source of
truth. The store is built under a temporary name and renamed into place once complete, so a
crawl never opens a half-built one. It refuses to run while the store exists (move it away
first: a crawl may have it open) or while a cron run holds its lock.

The store modules are imported where they are used: Scrapy imports every command module before
any command runs, and `scrapy crawl` would otherwise import them (and numpy and redis, 0.12 s)
before it could start its extraction workers (`newscrawl.commands.crawl`).
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import BaseSettings

    from newscrawl.store_rebuild import RebuildReport


def store_path(settings: BaseSettings) -> Path:
    """The SQLite file of the configured store (`DEDUP_STORE`)."""
    from newscrawl.run import store_url

    url = store_url(settings)
    if "://" not in url:
        return Path(url)
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        raise UsageError(f"rebuildstore rebuilds SQLite stores, not {url!r}", print_help=False)
    return Path(parts.path.removeprefix("/"))


def held_locks(lock_dir: Path) -> list[Path]:
    """The cron locks (`LOCK_DIR/*.lock`) some running process holds."""
    held = []
    for path in sorted(lock_dir.glob("*.lock")):
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(path)
    return held


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Rebuild the dedup store from the JSONL files under OUTPUT_DIR"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from newscrawl.run import store_url

        assert self.settings is not None
        if args:
            raise UsageError("rebuildstore takes no arguments", print_help=False)
        url = store_url(self.settings)
        if urlsplit(url).scheme in ("redis", "rediss"):
            self.rebuild_redis(url)
            return
        store = store_path(self.settings)
        problem = self.refusal(store)
        if problem:
            print(f"newscrawl: rebuildstore: {problem}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        try:
            report = self.rebuild_file(store)
        except OSError as exc:  # the store's folder is a file, the disk is full: one line
            print(f"newscrawl: rebuildstore: {store} not rebuilt: {exc}", file=sys.stderr)
            self.exitcode = EXIT_UNHEALTHY
            return
        print(
            f"newscrawl: rebuilt {store} from {report.records} records in {report.files} files"
            f" ({report.rejected} lines that are no valid record left out)",
            file=sys.stderr,
        )

    def rebuild_file(self, store: Path) -> RebuildReport:
        """Rebuild the SQLite store at `store` beside it, then put it in its place."""
        from newscrawl.dedup.deduplicator import Deduplicator
        from newscrawl.dedup.sqlite_store import SQLiteStore
        from newscrawl.run import near_dup_params
        from newscrawl.store_rebuild import rebuild, run_files

        assert self.settings is not None
        building = store.with_name(store.name + ".rebuilding")
        for leftover in (building, *_sidecars(building)):  # of an interrupted rebuild
            leftover.unlink(missing_ok=True)
        deduplicator = Deduplicator(SQLiteStore(building), near_dup_params(self.settings))
        try:
            report = rebuild(deduplicator, run_files(Path(self.settings.get("OUTPUT_DIR"))))
        finally:
            deduplicator.close()
        # The last connection's close folds the write-ahead log into the file: it is complete.
        if any(path.exists() for path in _sidecars(building)):
            raise RuntimeError(f"{building}: its write-ahead log was left behind; not renamed")
        os.replace(building, store)
        return report

    def rebuild_redis(self, url: str) -> None:
        """Build an empty Redis store in place: the move from the single-machine store."""
        from newscrawl.run import near_dup_params
        from newscrawl.store_rebuild import StoreInUseError, rebuild_redis, run_files

        assert self.settings is not None
        problem = self.cron_refusal()
        if problem:
            print(f"newscrawl: rebuildstore: {problem}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        files = run_files(Path(self.settings.get("OUTPUT_DIR")))
        try:
            report = rebuild_redis(url, files, near_dup_params(self.settings))
        except StoreInUseError as exc:
            print(f"newscrawl: rebuildstore: {exc}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        parts = urlsplit(url)
        where = f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"
        print(
            f"newscrawl: rebuilt {where} from {report.records} records in {report.files} files"
            f" ({report.rejected} lines that are no valid record left out)",
            file=sys.stderr,
        )

    def refusal(self, store: Path) -> str | None:
        assert self.settings is not None
        if store.exists():
            return f"{store} exists; move it away first (a crawl may still have it open)"
        return self.cron_refusal()

    def cron_refusal(self) -> str | None:
        """Why not now: a cron run holds its lock (it may have the store open)."""
        assert self.settings is not None
        held = held_locks(Path(self.settings.get("LOCK_DIR")))
        if held:
            return f"a cron run is active (it holds {held[0]}); try again when it has finished"
        return None


def _sidecars(database: Path) -> tuple[Path, Path]:
    return database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")
