"""`scrapy cronrun [SPIDER ...]`: a crawl the way cron should run it.

Per spider: an exclusive lock (an overlapping run exits at once with EXIT_LOCKED), a time limit
below the schedule interval (CRON_TIME_LIMIT, a graceful stop), a log file per run under
LOG_DIR (those older than LOG_KEEP_DAYS removed), and the health-aware exit code of `crawl`.
With no spider, every wire spider runs, each in its own process, at the same time; the exit
code is the worst of theirs.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import UsageError

from newscrawl.commands.crawl import Command as CrawlCommand
from newscrawl.health import EXIT_LOCKED
from newscrawl.sources import SOURCES

if TYPE_CHECKING:
    import argparse


class Command(CrawlCommand):
    def syntax(self) -> str:
        return "[options] [spider ...]"

    def short_desc(self) -> str:
        return "Run spiders for cron: locked, time-limited, logged, health in the exit code"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        spiders = args or list(SOURCES)
        if len(spiders) > 1:
            self.exitcode = self.run_each(spiders, opts)
            return
        self.run_one(spiders[0], opts)

    def run_each(self, spiders: list[str], opts: argparse.Namespace) -> int:
        passthrough = [arg for name in opts.set for arg in ("-s", name)]
        processes = [
            subprocess.Popen([sys.executable, "-m", "scrapy", "cronrun", name, *passthrough])
            for name in spiders
        ]
        return max(process.wait() for process in processes)

    def run_one(self, spider: str, opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if spider not in self.crawler_process.spider_loader.list():
            raise UsageError(f"Spider not found: {spider}", print_help=False)
        lock_dir = Path(self.settings.get("LOCK_DIR"))
        lock_dir.mkdir(parents=True, exist_ok=True)
        lock = open(lock_dir / f"{spider}.lock", "w")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"newscrawl: {spider}: another run holds {lock.name}; exiting", file=sys.stderr)
            lock.close()
            self.exitcode = EXIT_LOCKED
            return
        try:
            remove_old_logs(
                Path(self.settings.get("LOG_DIR")), spider, self.settings.getfloat("LOG_KEEP_DAYS")
            )
            super().run([spider], opts)
        finally:
            lock.close()

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if len(args) > 1 or not args:
            return
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
        log_dir = Path(self.settings.get("LOG_DIR"))
        log_dir.mkdir(parents=True, exist_ok=True)
        if not opts.logfile:
            self.settings.set("LOG_FILE", str(log_dir / f"{args[0]}-{started}.log"), "cmdline")
        self.settings.set("CLOSESPIDER_TIMEOUT", self.settings.getint("CRON_TIME_LIMIT"), "cmdline")


def remove_old_logs(log_dir: Path, spider: str, keep_days: float) -> None:
    """Delete this spider's run logs older than `keep_days` (0 keeps all).

    Cron starts a run every few minutes for months: without this, logs would fill the disk.
    Each run prunes only its own spider's logs, under its lock, so no two runs race on a file.
    """
    if keep_days <= 0:
        return
    cutoff = time.time() - keep_days * 86_400
    for path in log_dir.glob(f"{spider}-*.log"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # removed meanwhile by hand
            continue
