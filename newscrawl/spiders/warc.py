"""`scrapy crawl warc -a path=PATH_OR_GLOB_OR_URL [-a domains=a.com,b.com]`: archived pages.

Every HTTP 200 HTML response record goes through the same pipelines as a live fetch, with the
record's original URL and fetch date; other records are skipped and counted. A damaged or
empty archive ends that archive only: the others are read, and the run then closes as
`archive_damaged` (or `archive_empty`), which makes the exit code non-zero.

With `REDIS_URL` set, the same command on N hosts shares the archive list
(`newscrawl.archive_queue`): it is pushed once, each worker leases one archive at a time and
renews the lease while it reads, takes over archives whose lease expired, and closes when no
archive is left and none is leased. The archives a run read are listed in its manifest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

import redis
import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import create_looping_call

from newscrawl.archive_queue import ArchiveQueue, crawl_name
from newscrawl.archives import (
    ArchivedPage,
    ArchiveError,
    EmptyArchive,
    expand_locations,
    open_location,
    read_archive,
)
from newscrawl.dedup.redis_store import connect
from newscrawl.items import Article, Page
from newscrawl.scrapy_defaults import base_without

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

ARCHIVES_STAT = "newscrawl/warc/archives"
# Finish reason of a shared run whose Redis stayed away through the client's retries.
QUEUE_UNAVAILABLE = "archive_queue_unavailable"
# A lease is renewed three times per lease time: two renewals may be late before it is lost.
_RENEWALS_PER_LEASE = 3
# Longest wait between two looks at a queue that is empty while other workers hold leases.
_MAX_WAIT = 5.0


class WarcSpider(scrapy.Spider):
    """Reads WARC files (plain or gzipped; local, globbed or over http) without downloading."""

    name = "warc"
    # Nothing is downloaded: records come from files or urllib streams, and the one request is
    # "data:,". Without these, Scrapy would build its HTTP, FTP and S3 handlers and import its TLS
    # modules (whose deprecation shims walk the stack with source lines) for the retry
    # middleware's exception list and the handlers: 0.1 CPU s of the start. Nor are cookies
    # kept: the cookies middleware's module imports tldextract (0.1 CPU s), so it is left out of
    # Scrapy's base list (COOKIES_ENABLED=False would still import it).
    custom_settings: ClassVar[dict[str, Any]] = {
        "DOWNLOAD_HANDLERS": dict.fromkeys(("http", "https", "ftp", "s3")),
        "RETRY_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES_BASE": base_without(
            "DOWNLOADER_MIDDLEWARES_BASE", "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
        ),
    }
    queue: ArchiveQueue | None = None

    def __init__(
        self, *args: Any, path: str | None = None, domains: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.locations = expand_locations(path or "")
        self.domains = [d.strip() for d in domains.split(",") if d.strip()]
        self._lease_lost = False
        self._in_flight = 0  # pages yielded whose pipelines have not finished
        self._room = asyncio.Event()  # set when a page in flight finishes
        self.max_in_flight = 1

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_in_flight = max(settings.getint("CONCURRENT_ITEMS"), 1)
        crawler.signals.connect(spider.item_written, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_done, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_done, signal=signals.item_error)
        url = settings.get("REDIS_URL")
        if url:
            crawl = crawl_name(spider.name, spider.locations, settings.get("ARCHIVE_CRAWL"))
            lease_ms = int(settings.getfloat("ARCHIVE_LEASE") * 1000)
            spider.queue = ArchiveQueue(connect(url), crawl, lease_ms)
        return spider

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
        if self.queue is None:
            for location in self.locations:
                for page in self._read(location):
                    await self._wait_for_room()
                    yield page
        else:
            shared = self._read_shared(self.queue)
            try:
                async for page in shared:
                    yield page
            except redis.RedisError as exc:
                stats.inc_value(f"newscrawl/warc/{QUEUE_UNAVAILABLE}")
                self.logger.warning("Stopped: the shared archive list is unavailable: %s", exc)
                raise CloseSpider(QUEUE_UNAVAILABLE) from None
            finally:
                await shared.aclose()  # a run closed early gives its archive back
        # Raised once every archive was read, so the finish reason says what went wrong.
        if stats.get_value("newscrawl/warc/damaged"):
            raise CloseSpider("archive_damaged")
        if stats.get_value("newscrawl/warc/empty"):
            raise CloseSpider("archive_empty")

    async def _read_shared(self, queue: ArchiveQueue) -> AsyncIterator[Page]:
        """Lease archives one at a time until none is left and no other worker holds one."""
        added = queue.push(self.locations)
        self.logger.info("Shared archive list %s: %d new archives pushed", queue.key, added)
        wait = min(_MAX_WAIT, queue.lease_ms / 1000 / 2)
        while not self._closing():
            taken = queue.take()
            if taken is None:
                if not queue.busy():
                    return
                await asyncio.sleep(wait)
                continue
            if taken.taken_over:
                self.crawler.stats.inc_value("newscrawl/warc/taken_over")
                self.logger.warning("Took over %s: its worker's lease expired", taken.archive)
            self._lease_lost = False
            renewal = create_looping_call(self._renew, queue, taken.archive)
            renewal.start(queue.lease_ms / 1000 / _RENEWALS_PER_LEASE, now=False)
            try:
                for page in self._read(taken.archive):
                    await self._wait_for_room()
                    yield page
                # Done means written: pages handed on are in memory until the pipelines end.
                await self._wait_below(1)
            except GeneratorExit:  # the run is closing (time limit): another worker finishes it
                renewal.stop()
                self._release(queue, taken.archive)
                raise
            renewal.stop()
            if not self._lease_lost:
                queue.done(taken.archive)

    async def _wait_for_room(self) -> None:
        """Hold the next page back while CONCURRENT_ITEMS pages are in flight.

        Scrapy takes up to CONCURRENT_ITEMS items of one callback into the pipelines and queues
        twice as many more, each with its body. Counting the pages from their yield to their end
        (written, dropped or failed) bounds the bodies at CONCURRENT_ITEMS instead, so all of
        them can be in the pipelines: an extraction stage that hands items on in order then
        has that many pages of room behind a slow one before its workers run out of work.
        """
        await self._wait_below(self.max_in_flight)
        self._in_flight += 1

    async def _wait_below(self, limit: int) -> None:
        """Wait until fewer than `limit` pages are in flight (`item_done` wakes it)."""
        while self._in_flight >= limit:
            self._room.clear()
            await self._room.wait()

    def _closing(self) -> bool:
        """Whether the run is closing (time limit, shutdown): no new archive is taken then.

        Scrapy has no signal for it, but lets a closing run finish its callbacks. Asked only
        between archives, when this run's pages are all through the pipelines and it has no
        download, so the engine backs out for no other reason than closing.
        """
        engine = self.crawler.engine
        return engine is None or engine.needs_backout()

    def _release(self, queue: ArchiveQueue, archive: str) -> None:
        try:
            queue.release(archive)
        except redis.RedisError as exc:  # its lease expires instead
            self.logger.warning("Could not give %s back: %s", archive, exc)

    def _renew(self, queue: ArchiveQueue, archive: str) -> None:
        try:
            held = queue.renew(archive)
        except redis.RedisError as exc:  # the lease may lapse; the next renewal tries again
            self.logger.warning("Could not renew the lease of %s: %s", archive, exc)
            return
        if not held:
            self._lease_lost = True
            self.crawler.stats.inc_value("newscrawl/warc/lease_lost")
            self.logger.warning("Lost the lease of %s: another worker reads it now", archive)

    def _read(self, location: str) -> Iterator[Page]:
        """The pages of one archive, counting what is skipped; stops when its lease is lost."""
        stats = self.crawler.stats
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.logger.info("Reading %s", location)
        stats.set_value(ARCHIVES_STAT, [*(stats.get_value(ARCHIVES_STAT) or []), location])
        try:
            with open_location(location) as stream:
                for record in read_archive(stream, self.domains, max_size):
                    if self._lease_lost:
                        return
                    if isinstance(record, ArchivedPage):
                        stats.inc_value("newscrawl/warc/page")
                        yield self._page(record)
                    elif record.malformed:
                        stats.inc_value(f"newscrawl/warc/bad_record/{record.reason}")
                        self.logger.warning("Skipped a %s record: %s", record.reason, record.url)
                    else:
                        stats.inc_value(f"newscrawl/warc/skipped/{record.reason}")
        except EmptyArchive:
            stats.inc_value("newscrawl/warc/empty")
            self.logger.warning("Empty archive %s: no record in it", location)
        except ArchiveError as exc:
            stats.inc_value("newscrawl/warc/damaged")
            self.logger.warning("Stopped reading %s: %s", location, exc)

    def item_written(self, item: Any) -> None:
        """A page became a record; shared mode notes which run wrote it (`written_elsewhere`)."""
        try:
            if isinstance(item, Article) and self.queue is not None:
                self.queue.wrote(item.id, item.run_id)
        except redis.RedisError as exc:  # only a recovery after a crash asks for it
            self.crawler.stats.inc_value("newscrawl/warc/writer_not_noted")
            self.logger.warning("Could not note the run that wrote %s: %s", item.id, exc)
        finally:
            self.item_done()

    def item_done(self) -> None:
        self._in_flight = max(self._in_flight - 1, 0)
        self._room.set()

    def written_elsewhere(self, record: dict[str, Any]) -> str | None:
        """Why a record of a killed run's `.part` must not be recovered, or None.

        A worker killed before it confirmed its last records to the dedup store leaves them
        in its `.part`; the worker that took its archive over wrote them again. Recovery
        (`newscrawl.run.Run.recover`) leaves those out of the recovered file.
        """
        if self.queue is None:
            return None
        writer = self.queue.written_by(record["id"])
        if writer is None or writer == record.get("run_id"):
            return None
        return f"written again by run {writer} after this run stopped"

    def _page(self, record: ArchivedPage) -> Page:
        return Page(
            url=record.url,
            body=record.body,
            source=self.name,
            status=record.status,
            headers=record.headers,
            fetched_at=record.fetched_at,
        )
