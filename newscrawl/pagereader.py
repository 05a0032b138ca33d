"""From raw page bytes to extracted fields: the CPU-heavy step, run in worker processes.

One module-level function on picklable arguments, so a process pool can run it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newscrawl.access import free_access, tdm_meta
from newscrawl.cleanup import CleanupRules
from newscrawl.decoding import Unreadable, check_html, decode_html
from newscrawl.extraction import Extracted, extract
from newscrawl.language import detect_language, identify_language


@dataclass(frozen=True)
class Reading:
    """A page's extracted fields, the language of its text, and what the page says about its use
    (JSON-LD `isAccessibleForFree`, the `tdm-reservation` meta tag: see newscrawl.access)."""

    extracted: Extracted
    language: str | None
    language_score: float | None = None
    free_access: bool | None = None
    tdm_meta: bool | None = None


@dataclass(frozen=True)
class Rejected:
    """A page that yields no article, with the stats key of the reason."""

    reason: str
    detail: str


def read_page(
    body: bytes, content_type: str | None, url: str, rules: CleanupRules | None
) -> Reading | Rejected:
    """Decode, extract and identify the language of one page (all CPU-bound, so all here).

    Never raises for bad input: returns `Rejected` instead.
    """
    try:
        check_html(body, content_type)
        html = decode_html(body, content_type)
    except Unreadable as exc:
        return Rejected(exc.reason, str(exc))
    try:
        extracted = extract(html, url=url, rules=rules)
    except (ValueError, TypeError, RecursionError) as exc:
        # lxml and trafilatura raise these on pathological markup; one page must not stop a crawl.
        return Rejected("extraction_error", f"{type(exc).__name__}: {exc}")
    if extracted is None or not extracted.text.strip():
        return Rejected("no_text", "no extractable main text")
    language, score = identify_language(extracted.text)
    return Reading(extracted, language, score, free_access(html), tdm_meta(html))


# How often a worker checks that the crawl process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0
# A worker's time limit per page, set by `init_worker` (None: no limit).
_page_time_limit: float | None = None


class _PageTimeout(Exception):
    """Raised in a worker by its alarm when a page runs over the time limit."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _PageTimeout


def read_within_limit(
    function: Callable[..., Reading | Rejected], *args: Any
) -> Reading | Rejected:
    """Run an extract function on one page in a worker; over the time limit, reject the page.

    Pathological markup can keep a parser or a regular expression busy for hours, and pages
    leave the extraction stage in order: one stuck page would stall the whole crawl. The alarm
    interrupts Python code and regular expressions alike (both check for signals).
    """
    limit = _page_time_limit
    if not limit:
        return function(*args)
    try:
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return function(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _PageTimeout:
        return Rejected("extraction_timeout", f"extraction took over {limit:g} s")


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(0)


def init_worker(parent_pid: int, page_time_limit: float | None = None) -> None:
    """Worker-process initializer: exit when the crawl process dies; arm the page time limit.

    A crawl killed with SIGKILL cannot stop its pool; without this its workers would wait on
    their task queue for ever, holding memory and the crawl's log pipes.
    """
    global _page_time_limit
    _page_time_limit = page_time_limit
    signal.signal(signal.SIGALRM, _on_alarm)
    # py3langid loads its model on first use (0.4 s here): do it now, or the first page of each
    # worker would spend that against its time limit.
    detect_language("The model is loaded before the first page is timed.")
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
