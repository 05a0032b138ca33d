from __future__ import annotations

from newscrawl.health import assess


def test_healthy_run() -> None:
    assert assess({"finish_reason": "finished", "newscrawl/written": 5}, 10).ok


def test_time_limit_is_a_normal_end() -> None:
    assert assess({"finish_reason": "closespider_timeout", "newscrawl/written": 1}, 10).ok


def test_quiet_run_that_wrote_nothing_is_healthy() -> None:
    # Nothing new on the site and nothing went wrong: a normal incremental run.
    assert assess({"finish_reason": "finished"}, 10).ok


def test_unfinished_run() -> None:
    health = assess({"finish_reason": "shutdown", "newscrawl/written": 5}, 10)
    assert not health.ok
    assert health.problems == ["did not finish normally (shutdown)"]


def test_nothing_written_amid_errors() -> None:
    health = assess({"finish_reason": "finished", "log_count/ERROR": 2}, 10)
    assert health.problems == ["wrote nothing while 2 errors occurred"]


def test_too_many_errors() -> None:
    health = assess(
        {"finish_reason": "finished", "newscrawl/written": 9, "log_count/ERROR": 11}, 10
    )
    assert not health.ok
    assert "more than the 10 allowed" in health.problems[0]
