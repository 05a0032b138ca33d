"""Item pipelines: thin Scrapy adapters over the pure modules, in data-flow order.

extract (Page -> Article) -> dateline -> enrich -> dedup -> write. Every drop raises
`ArticleDropped` with a reason that is counted as `newscrawl/dropped/<reason>` in the stats.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet.defer import Deferred

from newscrawl.dateline_lead import read_dateline
from newscrawl.dedup.deduplicator import Deduplicator, Verdict
from newscrawl.dedup.fingerprints import content_hash
from newscrawl.exporters import JsonlWriter, recover_partials
from newscrawl.extraction import Extracted
from newscrawl.items import Article, Page
from newscrawl.pagereader import Reading, Rejected, init_worker, read_within_limit
from newscrawl.runtime import get_run
from newscrawl.sources import SOURCES
from newscrawl.urls import canonicalize_url, url_id

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def mark_written(deduplicator: Deduplicator, article: Article, verdict: Verdict) -> None:
    """Record an article in the dedup store, under its canonical URL and the URL it came from.

    The fetched URL is what the next run's download check sees; when it differs from the
    canonical one (a mirror, a syndication path), it is recorded as an alias of the record.
    """
    deduplicator.add(
        id=article.id,
        canonical_url=article.canonical_url,
        text=article.text,
        verdict=verdict,
        lastmod=article.lastmod,
        written_at=article.crawled_at,
    )
    fetched = canonicalize_url(article.url)
    if fetched != article.canonical_url:
        deduplicator.add(
            id=article.id,
            canonical_url=fetched,
            text=article.text,
            verdict=Verdict("exact", duplicate_of=article.id, revision=article.revision),
            lastmod=article.lastmod,
            written_at=article.crawled_at,
        )


def recorded_verdict(article: Article) -> Verdict:
    """The verdict a record was written under, read back from the record itself.

    Exact and near duplicates (written in mark mode) are recorded alike, so "near" stands for both.
    """
    if article.duplicate_of:
        return Verdict("near", duplicate_of=article.duplicate_of, revision=article.revision)
    return Verdict("revision" if article.revision > 1 else "new", revision=article.revision)


class ArticleDropped(DropItem):
    """An item that is not written, and why (`reason` is the stats key)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class _Stage:
    """Common construction: every stage keeps its crawler for stats and the shared run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def drop(self, reason: str, detail: str = "") -> ArticleDropped:
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        return ArticleDropped(reason, detail)


def _reference_date(article: Article) -> datetime | None:
    """Publication date, else modification date, else crawl time: what dates a dateline."""
    for value in (article.published, article.modified, article.crawled_at):
        if not value:
            continue
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
    return None


def http_date_iso(value: str | None) -> str | None:
    """An HTTP date header (`Last-Modified`) as ISO 8601, or None."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return None


def _published_from(extracted: Extracted, page: Page) -> str | None:
    if extracted.published:
        return "metadata"
    if page.discovery.get("published"):
        return "sitemap"
    return None


def _start_pool(workers: int, page_time_limit: float | None) -> ProcessPoolExecutor:
    # spawn, not fork: forking a process that runs threads (Twisted's) is unsafe.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(os.getpid(), page_time_limit),
    )


class ExtractPipeline(_Stage):
    """Page -> Article: decode, extract main text and metadata, give the record its identity.

    Extraction is CPU-bound; with EXTRACT_WORKERS > 0 it runs in a process pool so the reactor
    keeps downloading meanwhile.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        workers = crawler.settings.get("EXTRACT_WORKERS")
        self.workers = (os.cpu_count() or 1) if workers in (None, "") else int(workers)
        self.read_page = load_object(crawler.settings.get("EXTRACT_FUNCTION"))
        self.page_time_limit = crawler.settings.getfloat("EXTRACT_TIMEOUT") or None
        self.pool: ProcessPoolExecutor | None = None
        # Pages a dead worker took with it are read again here, one at a time (see _read).
        self.retry_pool: ProcessPoolExecutor | None = None
        self._retry_turn = asyncio.Lock()
        # Items leave this stage in the order they entered it, so the dedup stage sees the same
        # sequence (and keeps the same first copy of a story) as a single-process run.
        self._previous: Deferred[None] | None = None

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = _start_pool(self.workers, self.page_time_limit)

    def close_spider(self) -> None:
        for pool in (self.pool, self.retry_pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if item.status != 200:
            raise self.drop("http_status", f"{item.status} {item.url}")
        if self.pool is None:
            return self.finish(item, self.read_page(*self.read_args(item)))
        previous = self._previous
        self._previous = mine = Deferred()
        try:
            try:
                result = await self._read(item)
            finally:
                if previous is not None:
                    await maybe_deferred_to_future(previous)
            return self.finish(item, result)
        finally:
            # Released on the next loop turn, after this item has gone through the later,
            # synchronous stages: only then may the next item take its turn.
            call_later(0, mine.callback, None)

    async def _read(self, item: Page) -> Reading | Rejected:
        """Read a page in the pool; survive a worker that dies (a crash in a C parser, the OOM
        killer), which breaks the whole pool and fails every page in flight.

        Which of those pages killed the worker is unknown, so each is read again alone, in a
        one-worker pool, and only a page that kills that one too is dropped (`worker_crashed`).
        """
        pool = self.pool
        assert pool is not None
        try:
            return await self._run(pool, item)
        except BrokenProcessPool:
            if self.pool is pool:  # the first page to see it replaces the pool
                pool.shutdown(wait=False)
                self.pool = _start_pool(self.workers, self.page_time_limit)
                self.stats.inc_value("newscrawl/extract/pool_restarts")
                logger.error("An extraction worker died; its pages are read again one by one")
        async with self._retry_turn:
            self.stats.inc_value("newscrawl/extract/retried")
            if self.retry_pool is None:
                self.retry_pool = _start_pool(1, self.page_time_limit)
            try:
                return await self._run(self.retry_pool, item)
            except BrokenProcessPool:
                self.retry_pool.shutdown(wait=False)
                self.retry_pool = None
        raise self.drop("worker_crashed", f"{item.url} (the extraction worker died on it)")

    async def _run(self, pool: ProcessPoolExecutor, item: Page) -> Reading | Rejected:
        loop = asyncio.get_event_loop()
        args = self.read_args(item)
        future = loop.run_in_executor(pool, read_within_limit, self.read_page, *args)
        return await maybe_deferred_to_future(Deferred.fromFuture(future))

    def read_args(self, page: Page) -> tuple[Any, ...]:
        source = SOURCES.get(page.source)
        rules = source.rules if source else None
        return (page.body, page.headers.get("content-type"), page.url, rules)

    def finish(self, item: Page, result: Reading | Rejected) -> Article:
        if isinstance(result, Rejected):
            raise self.drop(result.reason, f"{item.url} ({result.detail})")
        for rule in result.extracted.rules_fired:
            self.stats.inc_value(f"newscrawl/rules/{rule}")
        article = self.article(item, result.extracted)
        article.language = result.language
        return article

    def article(self, page: Page, extracted: Extracted) -> Article:
        canonical = canonicalize_url(extracted.canonical_url or page.url)
        run = get_run(self.crawler)
        return Article(
            id=url_id(canonical),
            url=page.url,
            canonical_url=canonical,
            source=page.source,
            agency=page.agency,
            title=extracted.title or page.discovery.get("title"),
            text=extracted.text,
            credits=extracted.credits,
            authors=list(extracted.authors),
            published=extracted.published or page.discovery.get("published"),
            published_from=_published_from(extracted, page),
            modified=extracted.modified or http_date_iso(page.headers.get("last-modified")),
            crawled_at=page.fetched_at or datetime.now(UTC).isoformat(timespec="seconds"),
            run_id=run.run_id,
            lastmod=page.discovery.get("lastmod"),
        )


class DatelinePipeline(_Stage):
    """Parse the dateline off the lead of the text into `dateline` (see `read_dateline`)."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        reference = _reference_date(item)
        reading = read_dateline(
            item.text,
            reference.date() if reference else None,
            agency_hint=item.agency,
            title=item.title,
        )
        for rule in reading.rules:
            self.stats.inc_value(f"newscrawl/rules/{rule}")
        dateline = reading.dateline
        if dateline is None:
            return item
        self.stats.inc_value("newscrawl/dateline/found")
        item.text = reading.text
        item.dateline = dateline.as_dict()
        if not item.authors and reading.authors:
            item.authors = list(reading.authors)
        if item.agency is None and dateline.agency:
            item.agency = dateline.agency
        if item.published is None and dateline.date:
            item.published = dateline.date
            item.published_from = "dateline"
        return item


class EnrichPipeline(_Stage):
    """Word count and content hash of the final text; empty bodies stop here."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if not item.text.strip():
            raise self.drop("empty_text", item.url)
        item.word_count = len(item.text.split())
        item.content_hash = content_hash(item.text)
        return item


class DedupPipeline(_Stage):
    """URL, revision, exact and near-duplicate decisions against the persistent store."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        run = get_run(self.crawler)
        dedup = run.deduplicator
        verdict = dedup.check(id=item.id, canonical_url=item.canonical_url, text=item.text)
        item.revision = verdict.revision
        if verdict.kind == "unchanged":
            # Remember a newer lastmod anyway, so the page is not fetched again for it.
            mark_written(dedup, item, verdict)
            raise self.drop("already_written", item.canonical_url)
        if verdict.kind in ("exact", "near"):
            if run.mode == "drop":
                detail = f"{item.url} of {verdict.duplicate_of}"
                raise self.drop(f"duplicate_{verdict.kind}", detail)
            self.stats.inc_value(f"newscrawl/marked/duplicate_{verdict.kind}")
            item.duplicate_of = verdict.duplicate_of
        if verdict.kind == "revision":
            self.stats.inc_value("newscrawl/revisions")
        return item


class WriteJsonlPipeline(_Stage):
    """Append records to this run's JSONL file and mark them written once they are on disk."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.sync_every = crawler.settings.getint("OUTPUT_SYNC_EVERY")
        self.writer: JsonlWriter | None = None
        self.unsynced = 0

    def open_spider(self) -> None:
        run = get_run(self.crawler)
        for path, records in recover_partials(run.output_path.parent):
            for record in records:
                article = Article(**record)
                mark_written(run.deduplicator, article, recorded_verdict(article))
            run.deduplicator.flush()
            self.stats.inc_value("newscrawl/recovered_records", len(records))
            logger.warning("Recovered %d records of an interrupted run into %s", len(records), path)
        self.writer = JsonlWriter(run.output_path)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        assert self.writer is not None
        self.writer.write(ItemAdapter(item).asdict())
        mark_written(get_run(self.crawler).deduplicator, item, recorded_verdict(item))
        self.stats.inc_value("newscrawl/written")
        self.unsynced += 1
        if self.unsynced >= self.sync_every:
            self.sync()
        return item

    def sync(self) -> None:
        """fsync the file, then commit the dedup marks: a URL is marked only once it is durable."""
        assert self.writer is not None
        self.writer.sync()
        get_run(self.crawler).deduplicator.flush()
        self.unsynced = 0

    def close_spider(self) -> None:
        if self.writer is None:
            return
        run = get_run(self.crawler)
        self.sync()
        count = self.writer.count
        path = self.writer.close()
        if path is not None:
            run.files.append({"path": str(path), "records": count})
        run.deduplicator.close()
