from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from devtools.warc import write_warc
from newscrawl.spiders.warc import WarcSpider
from tests.crawling import PROJECT_DIR, CrawlResult, crawl_command

# Runs `scrapy crawl warc ...` in this process and says, as it exits, which of the watched modules
# (Scrapy's HTTP and TLS download code, the remote-control extension and the cookies middleware,
# with the libraries they import) it loaded.
CRAWL_WITH_MODULE_REPORT = """
import atexit, json, sys
from scrapy.cmdline import execute

WATCHED = [
    "scrapy.core.downloader.handlers.http11",
    "scrapy.core.downloader.tls",
    "scrapy.extensions.remote_control",
    "aiohttp",
    "scrapy.downloadermiddlewares.cookies",
    "tldextract",
]
atexit.register(lambda: print(json.dumps([m for m in WATCHED if m in sys.modules])))
sys.argv = ["scrapy", *sys.argv[1:]]
execute()
"""

STORY = (
    "<html><head><title>Rain falls</title></head><body><article><h1>Rain falls</h1>"
    + "<p>Rain fell on the city for a third day on Tuesday, officials said.</p>" * 8
    + "</article></body></html>"
).encode()


def crawl_one_story(
    script: str, tmp_path: Path, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `scrapy crawl warc` over an archive of STORY through `script` (`python -c`), which
    reports on the crawl's process and then calls Scrapy's `execute()`."""
    archive = write_warc(
        tmp_path / "pages.warc.gz",
        [("https://news.example/rain", 200, "text/html; charset=utf-8", STORY)],
    )
    python, _, _, *args = crawl_command(
        "crawl", "warc", tmp_path, "-a", f"path={archive}", settings=settings
    )
    return subprocess.run(
        [python, "-c", script, *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_warc_crawl_loads_no_download_code_it_does_not_use(tmp_path: Path) -> None:
    # It downloads nothing; Scrapy's TLS modules, aiohttp (remote control, off in every crawl)
    # and tldextract (cookies) cost 0.1-0.16 CPU s each of the start to import.
    done = crawl_one_story(CRAWL_WITH_MODULE_REPORT, tmp_path, {"EXTRACT_WORKERS": "0"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    result = CrawlResult(done.returncode, done.stdout, done.stderr, tmp_path / "output")
    assert [r["url"] for r in result.records("warc")] == ["https://news.example/rain"]


def _pages(count: int) -> list[tuple[str, int, str, bytes]]:
    return [
        (f"https://news.example/{n}", 200, "text/html; charset=utf-8", STORY) for n in range(count)
    ]


def test_pages_are_held_back_while_concurrent_items_are_in_flight(tmp_path: Path) -> None:
    """Scrapy would queue twice CONCURRENT_ITEMS more pages, with their bodies, behind those in
    its pipelines; the spider yields the next page only when one in flight has ended."""
    archive = write_warc(tmp_path / "pages.warc.gz", _pages(6))
    crawler = get_crawler(WarcSpider, {"CONCURRENT_ITEMS": 2})
    spider = WarcSpider.from_crawler(crawler, path=str(archive))
    crawler.spider = spider
    ended = [
        (signals.item_dropped, {"response": None, "exception": None}),
        (signals.item_scraped, {"response": None}),
        (signals.item_error, {"response": None, "failure": None}),
    ]

    async def read() -> list[str]:
        pages = spider.read_archives(TextResponse("data:,"))
        held = [await anext(pages), await anext(pages)]
        urls = [page.url for page in held]
        for signal, extra in ended + ended[:1]:
            waiting = asyncio.ensure_future(anext(pages))
            await asyncio.sleep(0.2)
            assert not waiting.done(), f"page {len(urls) + 1} was yielded with 2 in flight"
            crawler.signals.send_catch_log(signal, item=held.pop(0), spider=spider, **extra)
            held.append(await asyncio.wait_for(waiting, 5))
            urls.append(held[-1].url)
        with pytest.raises(StopAsyncIteration):
            await anext(pages)
        return urls

    assert asyncio.run(read()) == [url for url, *_ in _pages(6)]
