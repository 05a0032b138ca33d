"""Downloader middleware: an article URL already written by any run is never fetched again.

Checked before the request is sent, unless the sitemap's `lastmod` is newer than what we wrote.
(scrapy-deltafetch did this once; it breaks on Scrapy >= 2.16, and JOBDIR is per job only.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from newscrawl.run import run_of
from newscrawl.spiders.base import ARTICLE_META
from newscrawl.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class SkipWrittenUrlsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get(ARTICLE_META):
            return
        lastmod = request.meta.get("discovery", {}).get("lastmod")
        deduplicator = self.run.deduplicator
        if deduplicator.url_written(canonicalize_url(request.url), lastmod):
            self.crawler.stats.inc_value("newscrawl/skipped/already_written")
            raise IgnoreRequest(f"already written: {request.url}")
