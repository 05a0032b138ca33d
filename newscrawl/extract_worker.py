"""The worker side of the extraction pool (`newscrawl.extract_stage` is the crawl's side).

Workers exit with the crawl process and give up on a page that runs over the time limit. Nothing
here imports Scrapy or Twisted: a worker imports this module for its first task, and with them
it would spend 0.6 CPU s before reading a page.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from newscrawl.language import detect_language
from newscrawl.reading import Reading, Rejected
from newscrawl.reasons import Reason

# How often a worker checks that the crawl process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0
# A worker's time limit per page, set by `init_worker` (None: no limit). It counts the worker's
# CPU time (ITIMER_PROF, SIGPROF), not the clock: on a loaded machine an ordinary page can wait
# seconds for a core, while a runaway parser burns CPU. Hangs that burn none (waiting, blocked
# signals) are the crawl process's deadline's to end.
_page_time_limit: float | None = None
LIMIT_TIMER = signal.ITIMER_PROF
LIMIT_SIGNAL = signal.SIGPROF


class _PageTimeout(BaseException):
    """Raised in a worker by its alarm when a page runs over the time limit.

    A BaseException, not an Exception: trafilatura wraps its fallback extractors, JSON-LD parsing
    and retries in `except Exception`, which would swallow the alarm and let the page run on.
    """


def _on_alarm(signum: int, frame: object) -> None:
    raise _PageTimeout


ExtractFunction = Callable[..., Reading | Rejected]


@functools.cache
def extract_function(path: ExtractFunction | str) -> ExtractFunction:
    """The function a dotted path names (`EXTRACT_FUNCTION`), or the function given.

    Not Scrapy's `load_object`: importing Scrapy here would cost each worker 0.6 CPU s.
    """
    if not isinstance(path, str):
        return path
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def read_within_limit(function: ExtractFunction | str, *args: Any) -> Reading | Rejected:
    """Run an extract function (or the one a dotted path names) on one page in a worker; over the
    time limit, reject the page.

    Pathological markup can keep a parser or a regular expression busy for hours, and pages
    leave the extraction stage in order: one stuck page would stall the whole crawl. The alarm
    interrupts Python code and regular expressions alike (both check for signals); a hang where
    no signal handler runs (C code, signals masked) is ended by the crawl process's deadline.
    """
    function = extract_function(function)
    limit = _page_time_limit
    if not limit:
        return function(*args)
    try:
        signal.setitimer(LIMIT_TIMER, limit)
        try:
            return function(*args)
        finally:
            signal.setitimer(LIMIT_TIMER, 0)
    except _PageTimeout:
        return Rejected(Reason.EXTRACTION_TIMEOUT, f"extraction took over {limit:g} CPU s")


def _running(pid: int) -> bool:
    """Whether process `pid` runs; a killed one is a zombie until its own parent reaps it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _exit_with_parent(parent_pid: int) -> None:
    # The crawl process, not this worker's parent: that is the pool's fork server, which lives
    # as long as any worker does.
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if not _running(parent_pid):
            os._exit(0)


def init_worker(parent_pid: int, page_time_limit: float | None = None) -> None:
    """Worker-process initializer: exit when the crawl process dies; arm the page time limit.

    A crawl killed with SIGKILL cannot stop its pool; without this its workers would wait on
    their task queue for ever, holding memory and the crawl's log pipes.
    """
    global _page_time_limit
    _page_time_limit = page_time_limit
    signal.signal(LIMIT_SIGNAL, _on_alarm)
    # py3langid loads its model on first use (0.4 s here): do it now, or the first page of each
    # worker would spend that against its time limit.
    detect_language("The model is loaded before the first page is timed.")
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
