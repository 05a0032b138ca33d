"""Unattended operation: crash safety, incremental runs, concurrency, locks, health exit codes."""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

from devtools.warc import write_warc
from newscrawl.dedup.stores import open_store
from newscrawl.exclusions import is_exclusion_file
from newscrawl.exporters import quarantined
from newscrawl.health import EXIT_LOCKED, EXIT_UNHEALTHY, assess
from newscrawl.settings import ITEM_PIPELINES
from tests.crawling import PROJECT_DIR, crawl, crawl_settings, lines_in, start_crawl
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
    """A wire story and its syndicated copy, found by two crawls at once: one record.

    The crawls meet on the story right after the dedup stage (`tests.meeting`): a copy that
    passed its check waits there until the other crawl has checked its own copy, so both checks
    happen before either copy is written and its mark flushed to the store. Only the store's
    claims keep the story from being written twice.
    """
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    pipelines = {**ITEM_PIPELINES, "tests.meeting.MeetAfterDedup": 450}
    settings = {
        "ITEM_PIPELINES": json.dumps(pipelines),
        "MEETING_DIR": str(meeting),
        "MEETING_WORD": "battery",
    }
    ap = start_crawl(
        "apnews", tmp_path, "-a", f"site={mock_site.base('apnews')}", settings=settings
    )
    paper_sitemap = f"url={mock_site.base('newspaper')}/sitemap.xml"
    paper = start_crawl("sitemap", tmp_path, "-a", paper_sitemap, settings=settings)
    for process in (ap, paper):
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, stderr
    assert len(list(meeting.iterdir())) == 2, "the two crawls did not meet on the story"
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


# Issue 12: two runs start together on one folder that holds a dead `.part`, twenty times.
STARTS_TOGETHER = 20
# The dead run wrote this many records before it was killed. Marking them written takes the run
# that recovers them a few tenths of a second: the window in which a run starting beside it
# would, without the folder's recovery lock, check a recovered story before its mark is
# committed and write it a second time (without the lock, 19 rounds of 20 failed so).
DEAD_RECORDS = 200
DEAD_PAGES = 4  # of the archive's pages, the dead run had written these
RACE_TIMEOUT = 600


def _story(number: int) -> str:
    """A text of its own for each number: stories that share no phrase, as real ones."""
    words = hashlib.sha256(str(number).encode()).hexdigest()
    return " ".join(words[i : i + 5] for i in range(0, 60, 4)) + "."


def _dead_part(archive_records: list[dict[str, object]]) -> str:
    """A killed run's `.part`: hundreds of records, among them some of the archive's pages."""
    filler = "".join(_dead_record(number, text=_story(number)) for number in range(DEAD_RECORDS))
    return filler + "".join(json.dumps(r) + "\n" for r in archive_records[:DEAD_PAGES])


def _crawl_each_folder(archive: str, workdirs: list[str], barrier: Any, verdicts: Any) -> None:
    """One of two racing processes: in each folder in turn, a `warc` crawl that starts when the
    other process starts its own (the barrier), and whether `scrapy crawl` would have exited 0
    (`newscrawl.commands.crawl`: the crawl started, and `newscrawl.health.assess` finds it healthy).
    """
    os.environ["SCRAPY_SETTINGS_MODULE"] = "newscrawl.settings"
    install_reactor(get_project_settings()["TWISTED_REACTOR"])
    from twisted.internet import reactor

    async def crawl_all() -> None:
        try:
            for workdir in workdirs:
                settings = get_project_settings()
                overrides = crawl_settings(Path(workdir), {"EXTRACT_WORKERS": "0"})
                settings.setdict(overrides, priority="cmdline")
                runner = AsyncCrawlerRunner(settings)
                crawler = runner.create_crawler("warc")
                barrier.wait()
                await runner.crawl(crawler, path=archive)
                health = assess(crawler.stats.get_stats(), settings.getint("HEALTH_MAX_ERRORS"))
                started = [] if crawler.spider else ["did not start"]
                verdicts.put((workdir, started + health.problems))
        finally:
            reactor.stop()

    reactor.callWhenRunning(deferred_from_coro, crawl_all())
    reactor.run(installSignalHandlers=False)


def test_two_runs_starting_together_on_one_folder(tmp_path: Path) -> None:
    """Both runs healthy (exit code 0) with no uncounted error, every URL written once, every
    round.

    The dead `.part` holds records of pages the archive holds too: whichever run recovers it,
    the other must not write those pages again, nor the archive's other pages a second time.

    Each round is two real crawls, but not two `scrapy crawl` commands: starting those costs
    about 3 s of CPU a round (importing Scrapy, trafilatura and the rest), and their start-up
    jitter is as long as the race window. Two processes are started once, and each runs the
    rounds' crawls one after the other, both sides of a round released by a barrier just
    before the crawl opens, so the two recoveries really start together. Whether each crawl
    would have exited 0 is decided as `scrapy crawl` decides it. The twenty rounds take about
    30 s on two loaded cores.
    """
    archive = _archive(tmp_path / "pages.warc.gz")
    template = crawl(
        "warc", tmp_path / "template", "-a", f"path={archive}", settings={"EXTRACT_WORKERS": "0"}
    )
    assert template.returncode == 0, template.stderr
    pages = template.records("warc")
    expected = {str(r["url"]) for r in pages} | {
        f"https://apnews.com/article/dead-run-{number}" for number in range(DEAD_RECORDS)
    }
    workdirs = [tmp_path / str(attempt) for attempt in range(STARTS_TOGETHER)]
    for workdir in workdirs:
        # What the dead run left: its `.part`, and the store it had opened (two runs creating a
        # store together is another race, not this test's).
        output = workdir / "output" / "warc"
        output.mkdir(parents=True)
        (output / "2024-03-07T12-00-00Z-dead.jsonl.part").write_text(_dead_part(pages), "utf-8")
        open_store(crawl_settings(workdir)["DEDUP_STORE"]).close()

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2, timeout=RACE_TIMEOUT)
    verdicts = context.Queue()
    sides = [
        context.Process(
            target=_crawl_each_folder,
            args=(str(archive), [str(w) for w in workdirs], barrier, verdicts),
        )
        for _ in range(2)
    ]
    for side in sides:
        side.start()
    problems = [verdicts.get(timeout=RACE_TIMEOUT) for _ in range(2 * STARTS_TOGETHER)]
    for side in sides:
        side.join(timeout=RACE_TIMEOUT)
        assert side.exitcode == 0
    assert sorted(problems) == sorted((str(w), []) for w in workdirs for _ in range(2))

    for attempt, workdir in enumerate(workdirs):
        output = workdir / "output" / "warc"
        assert list(output.glob("*.part")) == [], attempt
        manifests = [json.loads(p.read_text("utf-8")) for p in output.glob("*.manifest.json")]
        assert [m["uncounted_errors"] for m in manifests] == [0, 0], attempt
        urls = Counter(r["url"] for r in _records(_final_files(workdir / "output", "warc")))
        assert [url for url, count in urls.items() if count > 1] == [], attempt
        assert set(urls) == expected, attempt
