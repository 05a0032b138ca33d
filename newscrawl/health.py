"""Was a crawl healthy? `scrapy crawl` exits 0 even when it went badly; this decides for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Finish reasons of a crawl that ended as planned: ran out of work, or hit its time limit.
GOOD_FINISH_REASONS = ("finished", "closespider_timeout")

# Exit codes of `scrapy crawl` / `scrapy cronrun` (and `scrapy sources --check`, whose 1 means a
# source is broken): 0 healthy, then these.
EXIT_UNHEALTHY = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; cron will simply try again later

# Stats of the faults a run counted (see newscrawl.fetch_faults, spiders/base.py, warc.py).
FAULT_PREFIXES = (
    "newscrawl/http_error/",
    "newscrawl/download_error/",
    "newscrawl/discovery_error/",
    "newscrawl/warc/damaged",
    "newscrawl/warc/empty",
    "newscrawl/warc/bad_record/",
)
FAULT_KEYS = (
    "newscrawl/entry/failed",
    "newscrawl/page/failed",
    "newscrawl/redirect_loop",
    "newscrawl/too_large",
    "newscrawl/ignored",
    "newscrawl/private_address_refused",
)
# Faults Scrapy counts under its own keys, reused rather than counted twice.
SCRAPY_FAULTS = {"robotstxt/forbidden": "robots_refused"}
# Counters whose every increment comes with one ERROR log line: RobotsTxtMiddleware logs a
# robots.txt it could not download (and then fetches as if allowed); the extraction stage logs
# a dead worker pool.
ERROR_LINE_COUNTERS = (
    "robotstxt/exception_count/",
    "newscrawl/extract/pool_restarts",
    "newscrawl/store_unusable",
)


@dataclass(frozen=True)
class Health:
    ok: bool
    problems: list[str] = field(default_factory=list)


def uncounted_errors(stats: Mapping[str, Any]) -> int:
    """ERROR and CRITICAL log lines that no counter explains.

    Every fault newscrawl expects (an HTTP error, a bad sitemap entry, a damaged archive) is
    counted under its own key and logged as a warning. A few components log an ERROR line per
    fault they also count (`ERROR_LINE_COUNTERS`); any other ERROR line is one nobody counted.
    The tests' crawls assert there are none.

    >>> uncounted_errors({"log_count/ERROR": 3, "newscrawl/extract/pool_restarts": 1})
    2
    """
    lines = int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))
    explained = sum(
        int(value) for key, value in stats.items() if key.startswith(ERROR_LINE_COUNTERS)
    )
    return max(lines - explained, 0)


def error_count(stats: Mapping[str, Any]) -> int:
    """Errors of a run: uncounted errors plus failed fetches (entry documents and pages).

    A page refused by robots.txt or skipped as already written is not a failed fetch.
    """
    failed = int(stats.get("newscrawl/entry/failed", 0)) + int(
        stats.get("newscrawl/page/failed", 0)
    )
    return uncounted_errors(stats) + failed


def fault_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """The counted faults of a run, keyed without the `newscrawl/` prefix (for the manifest).

    >>> fault_counts({"newscrawl/http_error/403": 2, "robotstxt/forbidden": 1, "newscrawl/x": 5})
    {'http_error/403': 2, 'robots_refused': 1}
    """
    faults = {
        key.removeprefix("newscrawl/"): int(value)
        for key, value in stats.items()
        if key in FAULT_KEYS or key.startswith(FAULT_PREFIXES)
    }
    for key, name in SCRAPY_FAULTS.items():
        if stats.get(key):
            faults[name] = int(stats[key])
    robots_errors = sum(
        int(v) for k, v in stats.items() if k.startswith("robotstxt/exception_count/")
    )
    if robots_errors:
        faults["robots_unreachable"] = robots_errors
    return dict(sorted(faults.items()))


def assess(stats: Mapping[str, Any], max_errors: int) -> Health:
    """Judge a finished crawl from its stats.

    >>> assess({"finish_reason": "finished", "newscrawl/written": 3}, max_errors=10).ok
    True
    >>> assess({"finish_reason": "shutdown"}, max_errors=10).problems
    ['did not finish normally (shutdown)']
    """
    problems = []
    reason = stats.get("finish_reason")
    if reason not in GOOD_FINISH_REASONS:
        problems.append(f"did not finish normally ({reason})")
    errors = error_count(stats)
    written = int(stats.get("newscrawl/written", 0))
    failed_entries = int(stats.get("newscrawl/entry/failed", 0))
    if failed_entries and not stats.get("newscrawl/entry/ok"):
        problems.append(f"every entry document failed ({failed_entries}): site moved or blocked?")
    elif written == 0 and errors > 0:
        problems.append(f"wrote nothing while {errors} errors occurred{_breakdown(stats)}")
    if errors > max_errors:
        problems.append(f"{errors} errors, more than the {max_errors} allowed (HEALTH_MAX_ERRORS)")
    return Health(ok=not problems, problems=problems)


def _breakdown(stats: Mapping[str, Any]) -> str:
    """' (http_error/403 3, download_error/timeout 1)': the fetch faults behind the errors."""
    faults = [
        f"{key} {count}"
        for key, count in fault_counts(stats).items()
        if key.startswith(("http_error/", "download_error/"))
        or key in ("too_large", "redirect_loop")
    ]
    return f" ({', '.join(faults)})" if faults else ""
