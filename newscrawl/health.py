"""Was a crawl healthy? `scrapy crawl` exits 0 even when it went badly; this decides for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Finish reasons of a crawl that ended as planned: ran out of work, or hit its time limit.
GOOD_FINISH_REASONS = ("finished", "closespider_timeout")

# Exit codes of `scrapy crawl` / `scrapy cronrun`: 0 healthy, then these.
EXIT_UNHEALTHY = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; cron will simply try again later


@dataclass(frozen=True)
class Health:
    ok: bool
    problems: list[str] = field(default_factory=list)


def error_count(stats: Mapping[str, Any]) -> int:
    """Errors of a run: ERROR log lines plus download and spider exceptions."""
    return int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))


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
    if written == 0 and errors > 0:
        problems.append(f"wrote nothing while {errors} errors occurred")
    if errors > max_errors:
        problems.append(f"{errors} errors, more than the {max_errors} allowed (HEALTH_MAX_ERRORS)")
    return Health(ok=not problems, problems=problems)
