"""`scrapy crawl warc -a path=PATH_OR_GLOB_OR_URL [-a domains=a.com,b.com]`: archived pages.

Every HTTP 200 HTML response record goes through the same pipelines as a live fetch, with the
record's original URL and fetch date; other records are skipped and counted. A damaged or
empty archive ends that archive only: the others are read, and the run then closes as
`archive_damaged` (or `archive_empty`), which makes the exit code non-zero.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import CloseSpider

from newscrawl.archives import (
    ArchivedPage,
    ArchiveError,
    EmptyArchive,
    expand_locations,
    open_location,
    read_archive,
)
from newscrawl.items import Page

if TYPE_CHECKING:
    from scrapy.http import Response


class WarcSpider(scrapy.Spider):
    """Reads WARC files (plain or gzipped; local, globbed or over http) without downloading."""

    name = "warc"

    def __init__(
        self, *args: Any, path: str | None = None, domains: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.locations = expand_locations(path or "")
        self.domains = [d.strip() for d in domains.split(",") if d.strip()]

    @classmethod
    def check_arguments(cls, **kwargs: str) -> None:
        """Fail fast, before the crawl starts, on a missing archive."""
        expand_locations(kwargs.get("path") or "")

    async def start(self) -> AsyncIterator[Any]:
        # Records are read in a callback, not here: Scrapy waits for items from a callback when
        # a crawl closes early (time limit, damaged archive), but not for items from start().
        yield scrapy.Request("data:,", callback=self.read_archives, dont_filter=True)

    async def read_archives(self, response: Response) -> AsyncIterator[Page]:
        stats = self.crawler.stats
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        for location in self.locations:
            self.logger.info("Reading %s", location)
            try:
                with open_location(location) as stream:
                    for record in read_archive(stream, self.domains, max_size):
                        if isinstance(record, ArchivedPage):
                            stats.inc_value("newscrawl/warc/page")
                            yield self._page(record)
                        elif record.malformed:
                            stats.inc_value(f"newscrawl/warc/bad_record/{record.reason}")
                            self.logger.warning(
                                "Skipped a %s record: %s", record.reason, record.url
                            )
                        else:
                            stats.inc_value(f"newscrawl/warc/skipped/{record.reason}")
            except EmptyArchive:
                stats.inc_value("newscrawl/warc/empty")
                self.logger.warning("Empty archive %s: no record in it", location)
            except ArchiveError as exc:
                stats.inc_value("newscrawl/warc/damaged")
                self.logger.warning("Stopped reading %s: %s", location, exc)
        # Raised once every archive was read, so the finish reason says what went wrong.
        if stats.get_value("newscrawl/warc/damaged"):
            raise CloseSpider("archive_damaged")
        if stats.get_value("newscrawl/warc/empty"):
            raise CloseSpider("archive_empty")

    def _page(self, record: ArchivedPage) -> Page:
        return Page(
            url=record.url,
            body=record.body,
            source=self.name,
            status=record.status,
            headers=record.headers,
            fetched_at=record.fetched_at,
        )
