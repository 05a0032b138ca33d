"""Shared mode end to end: worker processes on one real Redis (`REDIS_URL`), the mock wire site."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import TYPE_CHECKING

from scrapy import Request

from devtools.redis_server import free_port
from newscrawl.shared_mode import EXIT_UNAVAILABLE, LastmodDupeFilter
from newscrawl.spiders.base import ARTICLE_META
from tests.crawling import crawl
from tests.sharing import fresh_db, workers

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.redis_server import RedisServer
    from tests.mocksite.server import MockWireSite

# One request at a time, one a second: the first worker cannot take the whole site before the
# second one has started.
SLOW = {"CONCURRENT_REQUESTS": "1", "DOWNLOAD_DELAY": "1", "RANDOMIZE_DOWNLOAD_DELAY": "False"}


def test_two_workers_write_each_article_once(
    redis_server: RedisServer, mock_site: MockWireSite, tmp_path: Path
) -> None:
    settings = {"REDIS_URL": fresh_db(redis_server, 1), "SHARED_IDLE_CLOSE": "3", **SLOW}
    site = ("-a", f"site={mock_site.base('reuters')}")
    results = workers("reuters", [tmp_path / "a", tmp_path / "b"], *site, settings=settings)
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    written = [[r["url"] for r in result.records("reuters")] for result in results]
    counts = Counter(url for urls in written for url in urls)
    articles = {mock_site.base("reuters") + path for path in mock_site.article_paths("reuters")}
    assert set(counts) == articles
    assert set(counts.values()) == {1}  # each article written exactly once across both files
    assert all(written), written  # and both workers did part of the work
    fetched = Counter(mock_site.hits("reuters"))
    assert all(fetched[path] == 1 for path in mock_site.article_paths("reuters"))

    again = workers("reuters", [tmp_path / "c"], *site, settings=settings)[0]
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.records("reuters") == []  # the shared store remembers what both wrote


def test_redis_unreachable_at_start_is_one_line_and_its_exit_code(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    site = ("-a", f"site={mock_site.base('reuters')}")
    result = crawl("reuters", tmp_path, *site, settings={"REDIS_URL": nowhere})
    assert result.returncode == EXIT_UNAVAILABLE
    lines = [line for line in result.stderr.splitlines() if line.startswith("newscrawl:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"newscrawl: reuters: Redis at {nowhere[8:]} is unreachable")
    assert "nothing was crawled" in lines[0]
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").rglob("*.jsonl"))
    assert mock_site.hits("reuters") == []


def test_dupefilter_keys_articles_by_lastmod_and_passes_discovery(
    redis_server: RedisServer,
) -> None:
    client = redis_server.client()
    dupefilter = LastmodDupeFilter(client, key=f"test:{uuid.uuid4().hex}")

    def article(lastmod: str | None) -> Request:
        discovery = {"lastmod": lastmod} if lastmod else {}
        return Request("https://wire.example/a", meta={ARTICLE_META: True, "discovery": discovery})

    assert not dupefilter.request_seen(article("2024-05-01"))
    assert dupefilter.request_seen(article("2024-05-01"))
    assert not dupefilter.request_seen(article("2024-05-02"))  # listed again, newer: a revision
    assert not dupefilter.request_seen(article(None))
    assert dupefilter.request_seen(article(None))
    sitemap = Request("https://wire.example/sitemap.xml")
    assert not dupefilter.request_seen(sitemap)
    assert not dupefilter.request_seen(sitemap)  # read again by every run
    client.close()
