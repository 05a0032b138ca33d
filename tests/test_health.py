from __future__ import annotations

from newscrawl.health import assess, fault_counts


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


def test_failed_fetches_count_as_errors() -> None:
    stats = {"finish_reason": "finished", "newscrawl/written": 1, "newscrawl/page/failed": 2}
    assert assess(stats, 1).problems == ["2 errors, more than the 1 allowed (HEALTH_MAX_ERRORS)"]


def test_too_many_errors() -> None:
    health = assess(
        {"finish_reason": "finished", "newscrawl/written": 9, "log_count/ERROR": 11}, 10
    )
    assert not health.ok
    assert "more than the 10 allowed" in health.problems[0]


def test_every_entry_document_failed() -> None:
    stats = {
        "finish_reason": "finished",
        "newscrawl/entry/failed": 2,
        "newscrawl/http_error/404": 2,
    }
    health = assess(stats, 10)
    assert health.problems == ["every entry document failed (2): site moved or blocked?"]


def test_one_entry_document_of_two_failed_is_counted_not_fatal() -> None:
    stats = {
        "finish_reason": "finished",
        "newscrawl/entry/failed": 1,
        "newscrawl/entry/ok": 1,
        "newscrawl/written": 2,
    }
    assert assess(stats, 10).ok
    assert assess({**stats, "newscrawl/written": 0}, 10).problems == [
        "wrote nothing while 1 errors occurred"
    ]


def test_nothing_written_while_articles_were_refused() -> None:
    stats = {
        "finish_reason": "finished",
        "newscrawl/entry/ok": 1,
        "newscrawl/page/failed": 3,
        "newscrawl/http_error/403": 3,
    }
    health = assess(stats, 10)
    assert health.problems == ["wrote nothing while 3 errors occurred (http_error/403 3)"]
    assert assess({**stats, "newscrawl/written": 1}, 10).ok


def test_robots_refusals_alone_are_counted_not_fatal() -> None:
    # A sitemap listing a page robots.txt forbids is ordinary; a site that forbids its sitemaps
    # fails every entry document instead.
    stats = {"finish_reason": "finished", "newscrawl/entry/ok": 1, "robotstxt/forbidden": 1}
    assert assess(stats, 10).ok
    assert fault_counts(stats) == {"robots_refused": 1}


def test_fault_counts_leave_out_what_is_not_a_fault() -> None:
    stats = {
        "newscrawl/written": 4,
        "newscrawl/discovery/article": 9,
        "newscrawl/discovery_error/bad_url": 2,
        "newscrawl/download_error/timeout": 1,
        "newscrawl/warc/skipped/not_html": 3,
        "newscrawl/warc/bad_record/bad_status": 1,
    }
    assert fault_counts(stats) == {
        "discovery_error/bad_url": 2,
        "download_error/timeout": 1,
        "warc/bad_record/bad_status": 1,
    }
