"""`scrapy sources`: the wire sources and their entry URLs; `--check` fetches them and reports.

The check is a Scrapy crawl, one small spider per source in one crawler process, with the
project's settings: robots.txt, the private-address guard, size limits, timeouts, retries and
politeness apply to it as to a crawl. Each entry document is fetched once (for a sitemap index,
its newest child too), then one sample article, which is read by `EXTRACT_FUNCTION` and the
dateline reader, as the crawl reads it. Nothing is written: no run file, no dedup store.
`newscrawl.source_check` turns what was fetched into the report and the verdict.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object

from newscrawl.dateline_lead import read_dateline
from newscrawl.dates import utc_now
from newscrawl.discovery import DiscoveryError, maybe_gunzip, parse_feed, parse_sitemap
from newscrawl.fetch_faults import fault_kind
from newscrawl.health import EXIT_UNHEALTHY
from newscrawl.reading import Rejected
from newscrawl.records import assemble
from newscrawl.source_check import (
    FEED,
    SAMPLE_TRIES,
    DocumentFetch,
    EntryFetch,
    SampleFetch,
    SourceReport,
    build_report,
    entry_documents,
    format_listing,
    format_report,
    report_json,
    sample_order,
)
from newscrawl.sources import SOURCES, Source, source_for_url
from newscrawl.spiders.base import DEPTH_META, newest_first, page_from_response
from newscrawl.spiders.wire import WireSpider
from newscrawl.urls import canonicalize_url, is_web_address

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

ENTRY_META = "newscrawl_entry"
# What a check must not run: the run (its store, recovery and manifest), the exclusion file,
# the item pipelines, and the already-written skip (the sample is read even when written).
NOT_RUN = {
    "EXTENSIONS": ("newscrawl.run.Run", "newscrawl.exclusions.ExclusionFile"),
    "DOWNLOADER_MIDDLEWARES": ("newscrawl.middlewares.SkipWrittenUrlsMiddleware",),
}


class SourceCheckSpider(WireSpider):
    """Fetches one source's entry documents once each, then one sample article.

    A `WireSpider`, so `-a site=` (a mirror, the tests' mock site) and the article filter
    (`is_article`: the source's hosts and `is_article_path`) are the crawl's own.
    """

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        for name, components in NOT_RUN.items():
            enabled = settings.getdict(name)
            enabled.update(dict.fromkeys(components))
            settings.set(name, enabled, priority="spider")
        settings.set("ITEM_PIPELINES", {}, priority="spider")
        # Never the shared frontier of REDIS_URL: its dupefilter would skip documents and pages
        # the crawls have seen, and the check reads each of them once, alone.
        settings.set("REDIS_URL", "", priority="cmdline")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [kind for kind, _ in entry_documents(self.source)]
        urls = self.sitemap_urls + self.feed_urls  # entry_documents' order, mirror applied
        self.entries = [EntryFetch(kind, url) for kind, url in zip(kinds, urls, strict=True)]
        self.sample: SampleFetch | None = None
        self._pending = 0
        self._tried: list[str] = []

    async def start(self) -> AsyncIterator[Any]:
        for index, entry in enumerate(self.entries):
            yield self._document(entry.url, index, depth=0)

    def _document(self, url: str, index: int, depth: int) -> scrapy.Request:
        self._pending += 1
        return scrapy.Request(
            url,
            callback=self.document_read,
            errback=self.document_lost,
            meta={"dont_merge_cookies": True, ENTRY_META: index, DEPTH_META: depth},
            dont_filter=True,
        )

    def document_read(self, response: Response) -> Iterator[scrapy.Request]:
        index, depth = response.meta[ENTRY_META], response.meta[DEPTH_META]
        entry = self.entries[index]
        document = _document_fetch(response.url, response.meta, response.status)
        parse = parse_feed if entry.kind == FEED else parse_sitemap
        try:
            listing = parse(maybe_gunzip(response.body, self._max_size()))
        except DiscoveryError as exc:
            document.fault = exc.kind
            listing = None
        entry.documents.append(document)
        if listing is not None:
            entry.lastmods += [c.lastmod for c in listing.candidates if c.lastmod]
            entry.articles += [
                c for c in listing.candidates if not c.is_index and self.is_article(c.url)
            ]
            children = [c for c in listing.candidates if c.is_index]
            if depth == 0:
                entry.children = len(children)
            if children and depth < self.settings.getint("SITEMAP_MAX_DEPTH"):
                yield self._document(newest_first(children)[0].url, index, depth + 1)
        yield from self._document_done()

    def document_lost(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        document = _document_fetch(request.url, request.meta, status)
        document.fault = fault_kind(failure) or "ignored"
        self.entries[request.meta[ENTRY_META]].documents.append(document)
        self.logger.warning("Could not read %s (%s)", request.url, document.fault)
        yield from self._document_done()

    def _document_done(self) -> Iterator[scrapy.Request]:
        self._pending -= 1
        if self._pending == 0:
            yield from self._next_sample()

    def _next_sample(self) -> Iterator[scrapy.Request]:
        untried = [url for url in sample_order(self.entries) if url not in self._tried]
        if untried and len(self._tried) < SAMPLE_TRIES:
            self._tried.append(untried[0])
            yield scrapy.Request(
                canonicalize_url(untried[0]),
                callback=self.sample_read,
                errback=self.sample_lost,
                meta={"dont_merge_cookies": True},
                dont_filter=True,
            )

    def sample_lost(self, failure: Failure) -> Iterator[scrapy.Request]:
        kind = fault_kind(failure) or "ignored"
        retry = list(self._next_sample()) if kind == "robots_refused" else []
        if retry:
            yield from retry
            return
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        self.sample = SampleFetch(failure.request.url, status, fault=kind)

    def sample_read(self, response: Response) -> None:
        """Read the page as the crawl's extraction and dateline stages do (in this process)."""
        # Imported here: the pipelines bring the dedup store, numpy and redis (0.18 s), which
        # every `scrapy` command would otherwise pay when Scrapy imports the command modules.
        from newscrawl.pipelines import reference_dates

        page = page_from_response(response, self.name, self.agency)
        source = source_for_url(page.url, fallback=self.source.name)
        read_page = load_object(self.settings.get("EXTRACT_FUNCTION"))
        rules = source.rules if source else None
        result = read_page(page.body, page.headers.get("content-type"), page.url, rules)
        if isinstance(result, Rejected):
            fault = f"{result.reason} ({result.detail})"
            self.sample = SampleFetch(page.url, page.status, fault=fault)
            return
        article = assemble(page, result, run_id=self.name, now=utc_now(), source=source)
        references = reference_dates(article)
        reading = read_dateline(
            article.text,
            references[0] if references else None,
            agency_hint=article.agency,
            title=article.title,
            element=result.extracted.dateline_element,
            fallback_references=references[1:],
        )
        self.sample = SampleFetch(
            page.url,
            page.status,
            title=article.title,
            words=len(reading.text.split()),
            dateline=reading.dateline.raw if reading.dateline else None,
        )


def _document_fetch(url: str, meta: dict[str, Any], status: int | None) -> DocumentFetch:
    """A document as fetched; after a redirect, `url` is where it led (Scrapy's meta says)."""
    redirects = meta.get("redirect_urls") or []
    if redirects:
        return DocumentFetch(redirects[0], status, redirected_to=url)
    return DocumentFetch(url, status)


def check_spider(source: Source) -> type[SourceCheckSpider]:
    """The check spider of one source (not in SPIDER_MODULES: `scrapy list` stays the crawls')."""
    return type(
        f"{source.name.capitalize()}CheckSpider",
        (SourceCheckSpider,),
        {"name": f"sources-{source.name}", "source": source, "agency": source.agency},
    )


def parse_sites(values: list[str] | None) -> dict[str, str]:
    """`--site NAME=URL` options as {source name: mirror origin}."""
    sites = {}
    for value in values or []:
        name, _, url = value.partition("=")
        if name not in SOURCES or not is_web_address(url):
            raise UsageError(f"--site takes SOURCE=http(s)://host[:port], not {value!r}")
        sites[name] = url
    return sites


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [source ...]"

    def short_desc(self) -> str:
        return "List the wire sources' entry URLs; --check fetches them and reports drift"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--check",
            action="store_true",
            help="fetch each entry document and a sample article; exit 1 if a source is broken",
        )
        parser.add_argument(
            "--site",
            action="append",
            metavar="SOURCE=URL",
            help="check a mirror of SOURCE at this origin, as the wire spiders' -a site= does",
        )
        parser.add_argument(
            "--max-age",
            type=float,
            metavar="HOURS",
            help="a newest lastmod older than this makes the source broken (default: no limit)",
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per source")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        unknown = sorted(set(args) - set(SOURCES))
        if unknown:
            known = ", ".join(SOURCES)
            raise UsageError(f"unknown source {', '.join(unknown)} (known: {known})")
        sources = [SOURCES[name] for name in args] if args else list(SOURCES.values())
        if not opts.check:
            sys.stdout.write(format_listing(sources))
            return
        max_age = timedelta(hours=opts.max_age) if opts.max_age is not None else None
        reports = self.check(sources, parse_sites(opts.site), max_age)
        for report in reports:
            if opts.json:
                print(json.dumps(report_json(report), ensure_ascii=False))
            else:
                sys.stdout.write(format_report(report))
        if any(report.broken for report in reports):
            self.exitcode = EXIT_UNHEALTHY

    def check(
        self, sources: list[Source], sites: dict[str, str], max_age: timedelta | None
    ) -> list[SourceReport]:
        assert self.crawler_process is not None
        crawlers: list[tuple[Source, Crawler]] = []
        for source in sources:
            crawler = self.crawler_process.create_crawler(check_spider(source))
            self.crawler_process.crawl(crawler, site=sites.get(source.name))
            crawlers.append((source, crawler))
        self.crawler_process.start()
        now = datetime.now(UTC)
        reports = []
        for source, crawler in crawlers:
            spider = crawler.spider
            if not isinstance(spider, SourceCheckSpider):  # the crawler did not start
                failed = [EntryFetch(kind, url) for kind, url in entry_documents(source)]
                reports.append(build_report(source.name, failed, None, now, max_age))
                continue
            reports.append(build_report(source.name, spider.entries, spider.sample, now, max_age))
        return reports
