"""Shared archives end to end: `warc` workers on a real redis-server split an archive list.

Every worker has its own folder (output, locks), as N hosts do not share a disk; they share
the archive list (`newscrawl.archive_queue`) and the dedup store through one Redis.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

from devtools.redis_server import RedisServer, free_port
from devtools.warcgen import build_warc
from newscrawl.archives import ArchivedPage, read_archive
from newscrawl.shared_mode import EXIT_UNAVAILABLE
from newscrawl.spiders.warc import QUEUE_UNAVAILABLE
from tests.crawling import CrawlResult, crawl, start_crawl
from tests.sharing import fresh_db, workers

PAGES = 30  # per archive: a few seconds of extraction with one worker process
# A near-duplicate of a page in another archive is dropped by whichever worker sees it second.
DUPLICATES = ("duplicate_exact", "duplicate_near")


def _archives(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"cc-news-{n}.warc.gz" for n in range(count)]
    for seed, path in enumerate(paths, start=1):
        build_warc(path, PAGES, seed=seed)
    return paths


def _page_urls(archive: Path) -> set[str]:
    with open(archive, "rb") as stream:
        return {r.url for r in read_archive(stream) if isinstance(r, ArchivedPage)}


def _settings(redis_url: str, **more: str) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url,
        "DEDUP_STORE": redis_url,  # the tests' default is a local SQLite file
        "EXTRACT_WORKERS": "1",
        **more,
    }


def _written(results: list[CrawlResult]) -> Counter[str]:
    return Counter(r["url"] for result in results for r in result.records("warc"))


def _dropped_as_copies(results: list[CrawlResult]) -> set[str]:
    return {
        line["url"]
        for result in results
        for line in result.exclusions("warc")
        if line["reason"] in DUPLICATES
    }


def _assert_each_page_written_once(results: list[CrawlResult], archives: list[Path]) -> None:
    written = _written(results)
    assert set(written.values()) == {1}, [url for url, n in written.items() if n > 1]
    pages = set().union(*(_page_urls(archive) for archive in archives))
    assert set(written) <= pages
    assert pages - set(written) <= _dropped_as_copies(results)  # nothing lost


def _wait_for_lines(part_folder: Path, lines: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        parts = list(part_folder.glob("*.jsonl.part"))
        if parts and sum(p.read_bytes().count(b"\n") for p in parts) >= lines:
            return
        time.sleep(0.05)
    raise AssertionError(f"no {lines} records written in {part_folder}")


def _urls_of(archives: list[str]) -> set[str]:
    return set().union(*(_page_urls(Path(archive)) for archive in archives))


def test_two_workers_read_four_archives_each_once(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    archives = _archives(tmp_path / "archives", 4)
    path = ("-a", f"path={tmp_path / 'archives' / '*.warc.gz'}")
    settings = _settings(fresh_db(redis_server, 2))
    results = workers("warc", [tmp_path / "a", tmp_path / "b"], *path, settings=settings)
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    _assert_each_page_written_once(results, archives)
    read = [result.manifests("warc")[0]["archives"] for result in results]
    assert sorted(read[0] + read[1]) == [str(archive) for archive in archives]  # once each
    assert all(read), read  # both workers had a share
    for result, archives_read in zip(results, read, strict=True):
        assert {r["url"] for r in result.records("warc")} <= _urls_of(archives_read)

    again = workers("warc", [tmp_path / "c"], *path, settings=settings)[0]
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.manifests("warc")[0]["archives"] == []  # the crawl is over: nothing to lease


def _kill_while_reading(
    workdir: Path, path: tuple[str, str], settings: dict[str, str], lines: int
) -> None:
    killed = start_crawl("warc", workdir, *path, settings=settings)
    try:
        _wait_for_lines(workdir / "output" / "warc", lines)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL


def test_a_killed_workers_archive_is_taken_over_and_never_written_twice(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    archives = _archives(tmp_path / "archives", 2)
    path = ("-a", f"path={tmp_path / 'archives' / '*.warc.gz'}")
    url = fresh_db(redis_server, 3)
    # The killed worker confirms nothing to the store before it dies (OUTPUT_SYNC_EVERY), its
    # claims end 1 s and its lease 2 s after it: the taker writes its records again.
    settings = _settings(
        url, DEDUP_STORE=f"{url}?claim_ttl=1", ARCHIVE_LEASE="2", OUTPUT_SYNC_EVERY="1000"
    )
    _kill_while_reading(tmp_path / "a", path, settings, lines=10)
    (taker,) = workers("warc", [tmp_path / "b"], *path, settings=settings)
    assert taker.returncode == 0, taker.stderr[-3000:]
    assert f"Took over {archives[0]}" in taker.stderr
    assert sorted(taker.manifests("warc")[0]["archives"]) == [str(a) for a in archives]

    restarted = crawl("warc", tmp_path / "a", *path, settings=settings)  # on its own host
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    _assert_each_page_written_once([taker, restarted], archives)
    (dead_part,) = (tmp_path / "a" / "output" / "warc").glob("*.jsonl.quarantine")
    left_out = [json.loads(line) for line in dead_part.read_text("utf-8").splitlines()]
    assert len(left_out) >= 10  # the records the killed run had written, left out of recovery
    taker_run = taker.manifests("warc")[0]["run_id"]
    assert {r["reason"] for r in left_out} == {
        f"written again by run {taker_run} after this run stopped"
    }


def test_a_killed_worker_restarted_first_keeps_its_records_and_finishes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    archives = _archives(tmp_path / "archives", 2)
    path = ("-a", f"path={tmp_path / 'archives' / '*.warc.gz'}")
    url = fresh_db(redis_server, 4)
    settings = _settings(url, DEDUP_STORE=f"{url}?claim_ttl=1", ARCHIVE_LEASE="2")
    _kill_while_reading(tmp_path / "a", path, settings, lines=10)

    restarted = crawl("warc", tmp_path / "a", *path, settings=settings)
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    own = {Path(f["path"]) for f in restarted.manifests("warc")[0]["files"]}
    (recovered,) = (p for p in restarted.run_files("warc") if p not in own)
    assert "Took over" in restarted.stderr  # its own archive, after its old lease expired
    _assert_each_page_written_once([restarted], archives)
    assert not list((tmp_path / "a" / "output" / "warc").glob("*.quarantine"))
    assert len(recovered.read_text("utf-8").splitlines()) >= 10


def test_a_redis_restart_mid_crawl_loses_no_record(tmp_path: Path) -> None:
    archives = _archives(tmp_path / "archives", 4)
    path = ("-a", f"path={tmp_path / 'archives' / '*.warc.gz'}")
    # Its own server: this test stops it. Every write is logged (appendonly), as the README
    # tells a deployment, so the restarted server has the queue and the store as they were.
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    try:
        settings = _settings(server.url)
        worker = start_crawl("warc", tmp_path / "a", *path, settings=settings)
        _wait_for_lines(tmp_path / "a" / "output" / "warc", 10)
        server.stop()
        time.sleep(1)
        server = RedisServer(tmp_path / "redis", port=server.port, appendonly=True).start()
        stdout, stderr = worker.communicate(timeout=300)
        first = CrawlResult(worker.returncode, stdout, stderr, tmp_path / "a" / "output")
        (manifest,) = first.manifests("warc")
        assert manifest["uncounted_errors"] == 0, stderr[-3000:]
        # it went on (the client retried with backoff), or it stopped cleanly
        if manifest["finish_reason"] == "finished":
            assert first.returncode == 0, stderr[-3000:]
        else:
            assert manifest["finish_reason"] == QUEUE_UNAVAILABLE, stderr[-3000:]
        (rerun,) = workers("warc", [tmp_path / "b"], *path, settings=settings)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
    finally:
        server.stop()
    _assert_each_page_written_once([first, rerun], archives)


def test_redis_unreachable_at_start_reads_no_archive(tmp_path: Path) -> None:
    (archive,) = _archives(tmp_path / "archives", 1)
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    result = crawl("warc", tmp_path, "-a", f"path={archive}", settings=_settings(nowhere))
    assert result.returncode == EXIT_UNAVAILABLE
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"newscrawl: warc: Redis at {nowhere[8:]} is unreachable")
    assert lines[0].endswith("nothing was crawled")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_run_at_its_time_limit_leaves_the_other_archives_to_the_next(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    archives = _archives(tmp_path / "archives", 4)
    path = ("-a", f"path={tmp_path / 'archives' / '*.warc.gz'}")
    settings = _settings(fresh_db(redis_server, 7))
    first = crawl("warc", tmp_path / "a", *path, settings={**settings, "CLOSESPIDER_TIMEOUT": "1"})
    assert first.returncode == 0, first.stderr[-3000:]
    (manifest,) = first.manifests("warc")
    assert manifest["finish_reason"] == "closespider_timeout"
    assert 1 <= len(manifest["archives"]) < len(archives)  # its archive finished, no other taken
    (rest,) = workers("warc", [tmp_path / "b"], *path, settings=settings)
    assert rest.returncode == 0, rest.stderr[-3000:]
    assert sorted(manifest["archives"] + rest.manifests("warc")[0]["archives"]) == [
        str(archive) for archive in archives
    ]
    _assert_each_page_written_once([first, rest], archives)
