"""Exclusion files: every page a run did not write, one JSON line each, next to the run.

`<run>.excluded.jsonl` holds the page's url, its drop reason (newscrawl.reasons), the detail and
the stage that dropped it; a page dropped after extraction (a near-duplicate, say) also keeps
its id, title and text, so a false drop can be audited, as datatrove's exclusion writers do.
`exclusion_line()` is pure; `ExclusionFile` is the Scrapy extension, fed by the `item_dropped`
signal, so no stage has to know about it. `EXCLUSIONS_ENABLED = False` turns it off.

The file is written like the run's JSONL (newscrawl.exporters): a locked `.part` file, flushed
line by line, fsync'ed every `OUTPUT_SYNC_EVERY` lines and renamed into place at the end; a
crashed run's file is recovered by the next run in the same folder.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.exporters import JsonlWriter, json_object_problem, recover_partials
from newscrawl.items import Article, Page
from newscrawl.reasons import Reason
from newscrawl.run import run_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

EXCLUDED_SUFFIX = ".excluded.jsonl"

# The stage that drops a page for each reason, in data-flow order.
STAGES: dict[Reason, str] = {
    Reason.HTTP_STATUS: "fetch",
    Reason.EMPTY: "decode",
    Reason.BINARY: "decode",
    Reason.NOT_HTML: "decode",
    Reason.UNDECODABLE: "decode",
    Reason.NO_TEXT: "extract",
    Reason.EMPTY_TEXT: "extract",
    Reason.EXTRACTION_ERROR: "extract",
    Reason.EXTRACTION_TIMEOUT: "extract",
    Reason.WORKER_CRASHED: "extract",
    Reason.ALREADY_WRITTEN: "dedup",
    Reason.DUPLICATE_EXACT: "dedup",
    Reason.DUPLICATE_NEAR: "dedup",
}


def is_exclusion_file(path: Path) -> bool:
    """Whether `path` is an exclusion file (finished or `.part`), not a run's records.

    >>> is_exclusion_file(Path("2026-11-24T22-11-03Z-d3c2456d.excluded.jsonl.part"))
    True
    >>> is_exclusion_file(Path("2026-11-24T22-11-03Z-d3c2456d.jsonl"))
    False
    """
    return path.name.removesuffix(".part").endswith(EXCLUDED_SUFFIX)


def excluded_path(run_path: Path) -> Path:
    """`<run>.excluded.jsonl` beside `<run>.jsonl`.

    >>> excluded_path(Path("output/warc/2026-11-24T22-11-03Z-d3c24569.jsonl")).name
    '2026-11-24T22-11-03Z-d3c24569.excluded.jsonl'
    """
    return run_path.with_name(run_path.name.removesuffix(".jsonl") + EXCLUDED_SUFFIX)


def exclusion_line(item: Any, exception: BaseException, run_id: str) -> dict[str, Any] | None:
    """The exclusion record of a dropped item, or None for a drop without a registry reason.

    A drop after extraction carries the record (`exception.article`); its id, title and text
    are kept.
    """
    try:
        reason = Reason(getattr(exception, "reason", None))
    except ValueError:
        return None
    article = getattr(exception, "article", None)
    if isinstance(article, Article):
        item = article
    if not isinstance(item, Page | Article):
        return None
    line: dict[str, Any] = {
        "url": item.url,
        "reason": reason.value,
        "detail": getattr(exception, "detail", ""),
        "stage": STAGES.get(reason),
        "source": item.source,
        "run_id": run_id,
    }
    if isinstance(item, Article):
        line |= {"id": item.id, "title": item.title, "text": item.text}
    return line


class ExclusionFile:
    """Writes the exclusion file of a run from the `item_dropped` signal."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("EXCLUSIONS_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.sync_every = crawler.settings.getint("OUTPUT_SYNC_EVERY")
        self.writer: JsonlWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_opened(self) -> None:
        path = excluded_path(run_of(self.crawler).output_path)
        for recovered, lines in recover_partials(
            path.parent,
            suffix=EXCLUDED_SUFFIX,
            check=json_object_problem,
            on_quarantine=run_of(self.crawler).count_quarantined,
        ):
            logger.warning(
                "Recovered %d exclusions of an interrupted run into %s", len(lines), recovered
            )
        self.writer = JsonlWriter(path)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        line = exclusion_line(item, exception, run_of(self.crawler).run_id)
        if line is None or self.writer is None:
            return
        self.writer.write(line)
        if self.writer.count % self.sync_every == 0:
            self.writer.sync()

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
