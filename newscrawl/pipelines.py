"""Item pipelines: thin Scrapy adapters over the pure modules, in data-flow order.

extract (Page -> Article, `newscrawl.extract_stage`) -> dateline -> enrich -> dedup -> write.
Every drop raises `ArticleDropped` with a `Reason` that is counted as
`newscrawl/dropped/<reason>` in the stats.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.dateline_lead import read_dateline
from newscrawl.dates import parse_datetime
from newscrawl.dedup.fingerprints import content_hash
from newscrawl.exporters import JsonlWriter
from newscrawl.items import Article
from newscrawl.quality import quality_signals
from newscrawl.reasons import Reason
from newscrawl.run import mark_written, recorded_verdict, run_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArticleDropped(DropItem):
    """An item that is not written, and why (`reason` is the stats key).

    `article` is the record as it was when dropped after extraction: the `item_dropped` signal
    carries only the page that entered the pipelines, and the exclusion file wants its text.
    """

    def __init__(self, reason: Reason, detail: str = "", article: Article | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail
        self.article = article


class Stage:
    """Common construction: every stage keeps its crawler, its stats and the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.run = run_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def drop(
        self, reason: Reason, detail: str = "", article: Article | None = None
    ) -> ArticleDropped:
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        return ArticleDropped(reason, detail, article)


def reference_date(article: Article) -> datetime | None:
    """Publication date, else modification date, else crawl time: what dates a dateline."""
    for value in (article.published, article.modified, article.crawled_at):
        moment = parse_datetime(value)
        if moment is not None:
            return moment
    return None


class DatelinePipeline(Stage):
    """Parse the dateline off the start of the text into `dateline`."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        reference = reference_date(item)
        reading = read_dateline(
            item.text,
            reference.date() if reference else None,
            agency_hint=item.agency,
            title=item.title,
            element=self.run.printed_datelines.pop(item.id, None),
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


class EnrichPipeline(Stage):
    """Word count and content hash of the final text; empty bodies stop here."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if not item.text.strip():
            raise self.drop(Reason.EMPTY_TEXT, item.url, item)
        item.word_count = len(item.text.split())
        item.content_hash = content_hash(item.text)
        item.quality = quality_signals(item.text)
        return item


class DedupPipeline(Stage):
    """URL, revision, exact and near-duplicate decisions against the persistent store."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        dedup = self.run.deduplicator
        verdict = dedup.check(id=item.id, canonical_url=item.canonical_url, text=item.text)
        item.revision = verdict.revision
        if verdict.kind == "unchanged":
            # Remember a newer lastmod anyway, so the page is not fetched again for it.
            mark_written(dedup, item, verdict)
            raise self.drop(Reason.ALREADY_WRITTEN, item.canonical_url, item)
        if verdict.kind in ("exact", "near"):
            if self.run.mode == "drop":
                reason = (
                    Reason.DUPLICATE_EXACT if verdict.kind == "exact" else Reason.DUPLICATE_NEAR
                )
                raise self.drop(reason, f"{item.url} of {verdict.duplicate_of}", item)
            self.stats.inc_value(f"newscrawl/marked/duplicate_{verdict.kind}")
            item.duplicate_of = verdict.duplicate_of
        if verdict.kind == "revision":
            self.stats.inc_value("newscrawl/revisions")
        return item


class WriteJsonlPipeline(Stage):
    """Append records to this run's JSONL file and mark them written once they are on disk."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.sync_every = crawler.settings.getint("OUTPUT_SYNC_EVERY")
        self.writer: JsonlWriter | None = None
        self.unsynced = 0

    def open_spider(self) -> None:
        self.writer = JsonlWriter(self.run.output_path)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        assert self.writer is not None
        self.writer.write(ItemAdapter(item).asdict())
        mark_written(self.run.deduplicator, item, recorded_verdict(item))
        self.stats.inc_value("newscrawl/written")
        self.unsynced += 1
        if self.unsynced >= self.sync_every:
            self.sync()
        return item

    def sync(self) -> None:
        """fsync the file, then commit the dedup marks: a URL is marked only once it is durable."""
        assert self.writer is not None
        self.writer.sync()
        self.run.deduplicator.flush()
        self.unsynced = 0

    def close_spider(self) -> None:
        if self.writer is None:
            return
        self.writer.sync()
        # The run flushes the store's marks when the spider closes, after this file is synced.
        count = self.writer.count
        path = self.writer.close()
        if path is not None:
            self.run.add_file(path, count)
