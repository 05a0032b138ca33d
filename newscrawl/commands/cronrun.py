"""`scrapy cronrun [SPIDER ...]`: a crawl the way cron should run it.

Per spider: an exclusive lock (an overlapping run exits at once with EXIT_LOCKED), a time limit
below the schedule interval (CRON_TIME_LIMIT, a graceful stop), a log file per run under
LOG_DIR (those older than LOG_KEEP_DAYS removed), and the health-aware exit code of `crawl`.

With several spiders (none named: every wire spider), each runs in a process of its own, with
every option of this command. The extraction workers (EXTRACT_WORKERS, one per core by default)
are a budget for the whole host: as many spiders run at once as each can have one worker, and
the workers are divided among them, so the host never runs more workers than that. One such
run at a time holds `cronrun.lock`: an overlapping one exits at once with EXIT_LOCKED.
"""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import UsageError

from newscrawl.commands.crawl import Command as CrawlCommand
from newscrawl.fork_server import worker_count
from newscrawl.health import EXIT_LOCKED, EXIT_USAGE
from newscrawl.sources import SOURCES

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Mapping, Sequence

# Options the children do not get: the pid file holds this process's id, written once.
_NOT_FORWARDED = frozenset({"help", "pidfile"})
# A child killed by signal N exits as a shell reports it: 128 + N.
_SIGNALLED = 128


class Command(CrawlCommand):
    def syntax(self) -> str:
        return "[options] [spider ...]"

    def short_desc(self) -> str:
        return "Run spiders for cron: locked, time-limited, logged, health in the exit code"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        self._parser = parser

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        spiders = args or list(SOURCES)
        if not self.check_settings("cronrun") or not self.check_folders():
            self.exitcode = EXIT_USAGE  # before any lock is taken or log removed
            return
        if len(spiders) > 1:
            self.exitcode = self.run_each(spiders)
            return
        self.run_one(spiders[0], opts)

    def check_folders(self) -> bool:
        """The lock and log folders can be made and written in; else one line, and False."""
        from newscrawl.run import SettingsError, check_folder

        assert self.settings is not None
        try:
            for name in ("LOCK_DIR", "LOG_DIR"):
                check_folder(name, Path(self.settings.get(name)))
        except SettingsError as exc:
            print(f"newscrawl: cronrun: {exc}", file=sys.stderr)
            return False
        return True

    def run_each(self, spiders: list[str]) -> int:
        assert self.settings is not None
        lock = _try_lock(Path(self.settings.get("LOCK_DIR")) / "cronrun.lock")
        if lock is None:
            print(
                "newscrawl: another cronrun of several spiders is running; exiting", file=sys.stderr
            )
            return EXIT_LOCKED
        with lock:
            at_once, workers = share_workers(len(spiders), worker_count(self.settings))
            # the parser's actions are argparse's own record of every option this command has
            options = child_options(self._parser._actions, self._given)
            options += ["-s", f"EXTRACT_WORKERS={workers}"]

            def run_child(spider: str) -> int:
                argv = [sys.executable, "-m", "scrapy", "cronrun", spider, *options]
                return subprocess.run(argv, check=False).returncode

            with ThreadPoolExecutor(max_workers=at_once) as pool:
                return combined_exit_code(list(pool.map(run_child, spiders)))

    def run_one(self, spider: str, opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if spider not in self.crawler_process.spider_loader.list():
            raise UsageError(f"Spider not found: {spider}", print_help=False)
        path = Path(self.settings.get("LOCK_DIR")) / f"{spider}.lock"
        lock = _try_lock(path)
        if lock is None:
            print(f"newscrawl: {spider}: another run holds {path}; exiting", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        with lock:
            remove_old_logs(
                Path(self.settings.get("LOG_DIR")), spider, self.settings.getfloat("LOG_KEEP_DAYS")
            )
            super().run([spider], opts)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        self._given = dict(vars(opts))  # as parsed: `crawl` turns -a values into a dict
        super().process_options(args, opts)
        assert self.settings is not None
        if len(args) > 1 or not args:
            return
        from newscrawl.run import SettingsError, check_folder

        started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
        log_dir = Path(self.settings.get("LOG_DIR"))
        try:  # Scrapy opens the log file before any command runs
            check_folder("LOG_DIR", log_dir)
        except SettingsError as exc:
            raise UsageError(str(exc), print_help=False) from None
        log_dir.mkdir(parents=True, exist_ok=True)
        if not opts.logfile:
            self.settings.set("LOG_FILE", str(log_dir / f"{args[0]}-{started}.log"), "cmdline")
        # an unusable limit is reported in one line by `check_settings` in `run`
        with contextlib.suppress(ValueError):
            limit = self.settings.getint("CRON_TIME_LIMIT")
            self.settings.set("CLOSESPIDER_TIMEOUT", limit, "cmdline")


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


def _try_lock(path: Path) -> IO[str] | None:
    """The file at `path`, flock'ed for as long as it stays open; None when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w")  # noqa: SIM115 - the caller holds it for the whole run
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def share_workers(spiders: int, budget: int) -> tuple[int, int]:
    """How many spiders run at once, and with how many extraction workers each.

    Every crawl gets at least one worker (a crawl extracting in its own process would have no
    per-page time limit), so with fewer workers than spiders the spiders take turns.
    `budget` 0 means extraction in each crawl process: then all run at once.

    >>> share_workers(4, 8)
    (4, 2)
    >>> share_workers(4, 2)
    (2, 1)
    >>> share_workers(4, 0)
    (4, 0)
    """
    if budget == 0:
        return spiders, 0
    at_once = min(spiders, budget)
    return at_once, budget // at_once


def child_options(actions: Iterable[argparse.Action], given: Mapping[str, Any]) -> list[str]:
    """The command line that gives a child process the options given to this one.

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> _ = parser.add_argument("-a", dest="spargs", action="append", default=[])
    >>> _ = parser.add_argument("-L", "--loglevel")
    >>> _ = parser.add_argument("--nolog", action="store_true")
    >>> given = vars(parser.parse_args(["-a", "x=1", "-a", "y=2", "-L", "INFO", "--nolog"]))
    >>> child_options(parser._actions, given)
    ['-a', 'x=1', '-a', 'y=2', '-L', 'INFO', '--nolog']
    """
    argv: list[str] = []
    for action in actions:
        if not action.option_strings or action.dest in _NOT_FORWARDED:
            continue
        value = given.get(action.dest, action.default)
        if value is None or value == action.default:
            continue
        flag = action.option_strings[0]
        if action.nargs == 0:  # a switch (store_true, store_const)
            argv.append(flag)
        elif isinstance(value, list):
            for item in value:
                argv += [flag, str(item)]
        else:
            argv += [flag, str(value)]
    return argv


def combined_exit_code(codes: Sequence[int]) -> int:
    """One exit code for several children: the worst of those that ran.

    A child killed by a signal (a negative return code) counts as 128 + the signal; EXIT_LOCKED
    means only that every child found its spider locked.

    >>> combined_exit_code([0, -9])
    137
    >>> combined_exit_code([75, 1])
    1
    >>> combined_exit_code([75, 75])
    75
    >>> combined_exit_code([75, 0])
    0
    """
    if codes and all(code == EXIT_LOCKED for code in codes):
        return EXIT_LOCKED
    ran = [_SIGNALLED - code if code < 0 else code for code in codes if code != EXIT_LOCKED]
    return max(ran, default=0)
