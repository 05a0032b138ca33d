"""Unattended operation: crash safety, incremental runs, concurrency, locks, health exit codes."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import time
from pathlib import Path

from devtools.warc import write_warc
from newscrawl.exclusions import is_exclusion_file
from newscrawl.exporters import quarantined
from newscrawl.health import EXIT_LOCKED, EXIT_UNHEALTHY
from tests.crawling import PROJECT_DIR, crawl, lines_in, start_crawl
from tests.mocksite.server import MockWireSite

# Slow the crawl down enough that a signal reliably lands in the middle of it.
SLOW = {
    "DOWNLOAD_DELAY": "1",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    "EXTRACT_FUNCTION": "tests.readers.read_page_slowly",
    "EXTRACT_WORKERS": "1",
}
WAIT_SECONDS = 60


def _wait_for_first_record(output: Path, spider: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        parts = [p for p in (output / spider).glob("*.jsonl.part") if not is_exclusion_file(p)]
        if parts and lines_in(parts) >= 1:
            return
        time.sleep(0.05)
    raise AssertionError("the crawl wrote no record in time")


def _article_urls(site: MockWireSite, service: str) -> set[str]:
    return {site.base(service) + path for path in site.article_paths(service)}


def _final_files(output: Path, spider: str) -> list[Path]:
    return sorted(p for p in output.glob(f"{spider}/*.jsonl") if not is_exclusion_file(p))


def _records(files: list[Path]) -> list[dict[str, object]]:
    return [json.loads(line) for path in files for line in path.read_text("utf-8").splitlines()]


def test_sigkill_mid_run_loses_nothing_and_writes_nothing_twice(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    spider_args = ("-a", f"site={mock_site.base('apnews')}")
    process = start_crawl("apnews", tmp_path, *spider_args, settings=SLOW)
    _wait_for_first_record(tmp_path / "output", "apnews")
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert _final_files(tmp_path / "output", "apnews") == []  # nothing presented as complete

    result = crawl("apnews", tmp_path, *spider_args)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output" / "apnews"
    assert list(output.glob("*.part")) == []
    files = _final_files(tmp_path / "output", "apnews")
    for path in files:
        assert path.read_bytes().endswith(b"\n")
    records = _records(files)
    urls = [record["url"] for record in records]
    assert len(urls) == len(set(urls)), "an article was written twice"
    assert set(urls) == _article_urls(mock_site, "apnews")
    assert "Recovered" in result.stderr

    # The store agrees with the files: a third run downloads no article and writes nothing.
    before = len(mock_site.hits("apnews"))
    third = crawl("apnews", tmp_path, *spider_args)
    assert third.returncode == 0, third.stderr
    article_hits = [
        p for p in mock_site.hits("apnews")[before:] if p in mock_site.article_paths("apnews")
    ]
    assert article_hits == []
    assert third.manifests("apnews")[-1]["written"] == 0


def test_sigterm_finishes_writing_what_it_had(mock_site: MockWireSite, tmp_path: Path) -> None:
    spider_args = ("-a", f"site={mock_site.base('reuters')}")
    process = start_crawl("reuters", tmp_path, *spider_args, settings=SLOW)
    _wait_for_first_record(tmp_path / "output", "reuters")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_UNHEALTHY, stderr  # stopped early: not a healthy run
    assert "did not finish normally (shutdown)" in stderr
    output = tmp_path / "output" / "reuters"
    assert list(output.glob("*.part")) == []
    (first_file,) = _final_files(tmp_path / "output", "reuters")
    first = _records([first_file])
    assert first
    (manifest,) = [json.loads(p.read_text("utf-8")) for p in output.glob("*.manifest.json")]
    assert manifest["finish_reason"] == "shutdown"
    assert manifest["written"] == len(first)

    rest = crawl("reuters", tmp_path, *spider_args)
    assert rest.returncode == 0, rest.stderr
    urls = [r["url"] for r in _records(_final_files(tmp_path / "output", "reuters"))]
    assert len(urls) == len(set(urls))
    assert set(urls) == _article_urls(mock_site, "reuters")


def test_incremental_run_downloads_only_what_changed(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    spider_args = ("-a", f"site={mock_site.base('apnews')}")
    first = crawl("apnews", tmp_path, *spider_args)
    assert first.returncode == 0, first.stderr
    written = first.manifests("apnews")[0]["written"]
    assert written == len(mock_site.article_paths("apnews"))

    articles = set(mock_site.article_paths("apnews"))
    before = len(mock_site.hits("apnews"))
    second = crawl("apnews", tmp_path, *spider_args)
    assert second.returncode == 0, second.stderr
    assert [p for p in mock_site.hits("apnews")[before:] if p in articles] == []
    manifest = second.manifests("apnews")[-1]
    assert manifest["written"] == 0
    assert manifest["skipped_already_written"] == written
    assert manifest["summary"].startswith("0 written")
    assert f"{written} not downloaded (already written)" in manifest["summary"]

    changed = sorted(articles)[0]
    mock_site.touch("apnews", changed, "2030-01-01T00:00:00Z")
    before = len(mock_site.hits("apnews"))
    third = crawl("apnews", tmp_path, *spider_args)
    assert third.returncode == 0, third.stderr
    assert [p for p in mock_site.hits("apnews")[before:] if p in articles] == [changed]
    (revision,) = third.records("apnews")[-1:]
    assert revision["url"] == mock_site.base("apnews") + changed
    assert revision["revision"] == 2


def test_two_spiders_at_once_share_the_store(mock_site: MockWireSite, tmp_path: Path) -> None:
    ap = start_crawl("apnews", tmp_path, "-a", f"site={mock_site.base('apnews')}")
    paper = start_crawl("sitemap", tmp_path, "-a", f"url={mock_site.base('newspaper')}/sitemap.xml")
    for process in (ap, paper):
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, stderr
    texts = [r["text"] for r in _records(_final_files(tmp_path / "output", "*"))]
    battery = [t for t in texts if "battery" in t.lower() and "mill" in t.lower()]
    assert len(battery) == 1, "the syndicated story was written twice"


def test_overlapping_cron_run_exits_at_once(mock_site: MockWireSite, tmp_path: Path) -> None:
    lock_dir = tmp_path / "locks"
    lock_dir.mkdir()
    with open(lock_dir / "apnews.lock", "w") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        result = crawl(
            "apnews", tmp_path, "-a", f"site={mock_site.base('apnews')}", command="cronrun"
        )
    assert result.returncode == EXIT_LOCKED
    assert "another run holds" in result.stderr
    assert time.monotonic() - started < 30
    assert mock_site.hits("apnews") == []


def test_cron_run_logs_and_stops_at_its_time_limit(mock_site: MockWireSite, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    old_run, recent_run, other_spider = (
        logs / "apnews-2026-01-01T00-00-00Z.log",
        logs / "apnews-2026-11-01T00-00-00Z.log",
        logs / "reuters-2026-01-01T00-00-00Z.log",
    )
    for path, days in ((old_run, 40), (recent_run, 2), (other_spider, 40)):
        path.write_text("an earlier run\n")
        os.utime(path, (time.time() - days * 86_400,) * 2)
    result = crawl(
        "apnews",
        tmp_path,
        "-a",
        f"site={mock_site.base('apnews')}",
        command="cronrun",
        settings={**SLOW, "DOWNLOAD_DELAY": "3", "CRON_TIME_LIMIT": "2"},
    )
    assert result.returncode == 0, result.stderr
    (log,) = set(logs.glob("apnews-*.log")) - {recent_run}
    assert "closespider_timeout" in log.read_text("utf-8")
    # LOG_KEEP_DAYS (30): the run removed its own spider's logs of over a month ago, no others
    assert not old_run.exists()
    assert recent_run.exists() and other_spider.exists()
    (manifest,) = result.manifests("apnews")
    assert manifest["finish_reason"] == "closespider_timeout"
    assert manifest["written"] < len(mock_site.article_paths("apnews"))


def _feed(tmp_path: Path, links: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    path = tmp_path / "feed.xml"
    path.write_text(f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>")
    return path.as_uri()


# Port 1 on loopback: nothing listens there, so a download fails with "connection refused".
DEAD_LINK = "http://127.0.0.1:1/story"


def test_exit_code_when_nothing_written_amid_errors(tmp_path: Path) -> None:
    result = crawl(
        "feed", tmp_path, "-a", f"url={_feed(tmp_path, [DEAD_LINK])}", settings={"RETRY_TIMES": "0"}
    )
    assert result.returncode == EXIT_UNHEALTHY
    assert "wrote nothing while" in result.stderr


def test_exit_code_when_errors_pass_the_threshold(mock_site: MockWireSite, tmp_path: Path) -> None:
    good = mock_site.base("apnews") + mock_site.article_paths("apnews")[0]
    url = f"url={_feed(tmp_path, [good, DEAD_LINK])}"
    settings = {"RETRY_TIMES": "0", "DEDUP_MODE": "off"}
    tolerant = crawl("feed", tmp_path / "a", "-a", url, settings=settings)
    assert tolerant.returncode == 0, tolerant.stderr
    assert tolerant.manifests("feed")[0]["written"] == 1
    strict = crawl(
        "feed", tmp_path / "b", "-a", url, settings={**settings, "HEALTH_MAX_ERRORS": "0"}
    )
    assert strict.returncode == EXIT_UNHEALTHY
    assert "more than the 0 allowed" in strict.stderr


def _dead_record(number: int, **changes: object) -> str:
    url = f"https://apnews.com/article/dead-run-{number}"
    record = {
        "id": f"dead{number}",
        "url": url,
        "canonical_url": url,
        "source": "apnews",
        "text": f"A story written by a run that was killed, number {number}.",
        "crawled_at": "2024-03-07T12:00:00+00:00",
        **changes,
    }
    return json.dumps(record) + "\n"


def test_damaged_leftovers_never_stop_a_run(mock_site: MockWireSite, tmp_path: Path) -> None:
    output = tmp_path / "output" / "apnews"
    output.mkdir(parents=True)
    (output / "2024-03-07T12-00-00Z-dead.manifest.json.part").write_text("{\n", "utf-8")
    (output / "2024-03-07T12-00-00Z-dead.jsonl.part").write_text(
        _dead_record(1)
        + "not JSON at all\n"
        + _dead_record(2, mood="cheerful")
        + _dead_record(3, published="the day before yesterday")
        + _dead_record(4)
        + '{"id": "torn',
        "utf-8",
    )
    (output / "2024-03-07T12-00-00Z-dead.excluded.jsonl.part").write_text(
        '{"url": "https://apnews.com/article/x", "reason": "no_text"}\n[1, 2]\n', "utf-8"
    )
    spider_args = ("-a", f"site={mock_site.base('apnews')}")
    quarantined_lines = []
    for run in range(2):
        result = crawl("apnews", tmp_path, *spider_args)
        assert result.returncode == 0, (run, result.stderr)
        manifest = result.manifests("apnews")[-1]
        assert manifest["errors"] == 0
        quarantined_lines.append(manifest["faults"].get("recovery/quarantined_lines", 0))
    # 3 bad record lines and 1 bad exclusion line, counted by the run that recovered them only
    assert quarantined_lines == [4, 0]
    recovered = output / "2024-03-07T12-00-00Z-dead.jsonl"
    assert [r["id"] for r in _records([recovered])] == ["dead1", "dead4"]
    rejects = [json.loads(line) for line in quarantined(recovered).read_text("utf-8").splitlines()]
    assert [(r["line"], r["reason"].split(" (")[0]) for r in rejects] == [
        (2, "not JSON"),
        (3, "unknown field mood"),
        (4, "bad date in published: 'the day before yesterday'"),
    ]
    urls = [r["url"] for r in _records(_final_files(tmp_path / "output", "apnews"))]
    assert len(urls) == len(set(urls))
    assert _article_urls(mock_site, "apnews") <= set(urls)


def _archive(path: Path) -> Path:
    pages = sorted((PROJECT_DIR / "devtools" / "mocksite" / "sites" / "apnews" / "pages").iterdir())
    records = [
        (
            f"https://apnews.com/article/{page.stem}",
            200,
            "text/html; charset=utf-8",
            page.read_bytes(),
        )
        for page in pages
    ]
    return write_warc(path, records)


# Each attempt is two crawl processes; the race itself is hammered by test_exporters' 20 rounds.
STARTS_TOGETHER = 3


def test_two_runs_starting_together_on_one_folder(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "pages.warc.gz")
    settings = {"EXTRACT_WORKERS": "0"}
    for attempt in range(STARTS_TOGETHER):
        workdir = tmp_path / str(attempt)
        output = workdir / "output" / "warc"
        output.mkdir(parents=True)
        (output / "2024-03-07T12-00-00Z-dead.jsonl.part").write_text(
            _dead_record(1) + _dead_record(2), "utf-8"
        )
        runs = [
            start_crawl("warc", workdir, "-a", f"path={archive}", settings=settings)
            for _ in range(2)
        ]
        for run in runs:
            _, stderr = run.communicate(timeout=120)
            assert run.returncode == 0, (attempt, stderr)
        assert list(output.glob("*.part")) == []
        urls = [r["url"] for r in _records(_final_files(workdir / "output", "warc"))]
        assert len(urls) == len(set(urls)), (attempt, sorted(urls))
        assert {u for u in urls if "dead-run" in u} == {
            "https://apnews.com/article/dead-run-1",
            "https://apnews.com/article/dead-run-2",
        }
        assert len(urls) > 2  # the archive's articles were written too
