"""The shape every sitemap- or feed-driven spider shares: discover candidates, fetch pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy

from newscrawl.discovery import (
    Candidate,
    DiscoveryError,
    Listing,
    maybe_gunzip,
    parse_feed,
    parse_sitemap,
)
from newscrawl.fetch_faults import COUNTED_BY_SCRAPY, fault_kind
from newscrawl.items import Page
from newscrawl.sitemap_state import STATE_NAME, SitemapState
from newscrawl.urls import canonicalize_url, is_web_address

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

# Response headers worth keeping on a Page: what the later stages read (charset, Last-Modified,
# and the publisher's text-and-data-mining reservation, W3C TDMRep).
KEPT_HEADERS = ("content-type", "last-modified", "tdm-reservation")

ARTICLE_META = "newscrawl_article"
# Request meta: how many sitemap indexes above this document (0: an entry document).
DEPTH_META = "newscrawl_sitemap_depth"
# Request meta of a child sitemap: the lastmod its index gave it.
LASTMOD_META = "newscrawl_lastmod"


def page_from_response(response: Response, source: str, agency: str | None) -> Page:
    """Build the raw `Page` item for a fetched article response."""
    headers = {}
    for name in KEPT_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            headers[name] = value.decode("latin-1")
    return Page(
        url=response.url,
        body=response.body,
        source=source,
        agency=agency,
        status=response.status,
        headers=headers,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        discovery=dict(response.meta.get("discovery", {})),
    )


def replace_origin(url: str, site: str) -> str:
    """Point `url` at another scheme and host (used to crawl a mirror or the local mock site).

    >>> replace_origin("https://apnews.com/sitemap.xml?x=1", "http://127.0.0.1:8080")
    'http://127.0.0.1:8080/sitemap.xml?x=1'
    """
    target = urlsplit(site)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))


def newest_first(children: list[Candidate]) -> list[Candidate]:
    """Child sitemaps by lastmod, newest first, undated ones last (in their listed order)."""
    dated = sorted((c for c in children if c.lastmod), key=lambda c: c.lastmod or "", reverse=True)
    return dated + [c for c in children if not c.lastmod]


class DiscoverySpider(scrapy.Spider):
    """Reads sitemaps (news sitemaps, indexes) and feeds, and fetches the article pages they list.

    Subclasses set `sitemap_urls`, `feed_urls` and may override `is_article()`. Every failed
    request is counted under `newscrawl/<fault>` (see `newscrawl.fetch_faults`); entry documents
    as `newscrawl/entry/ok` or `newscrawl/entry/failed`, article pages that could not be
    fetched as `newscrawl/page/failed`, which `newscrawl.health` judges.
    """

    # What `-a url=` names for the generic spiders ("FEED_URL"); None: no url argument.
    url_argument: ClassVar[str | None] = None

    @classmethod
    def check_arguments(cls, **kwargs: str) -> None:
        """Fail fast, before the crawl starts, without a URL when the spider needs one, with a
        `url` that is neither an http(s) address nor a local file:// one, or a `site` that is no
        http(s) address."""
        url, site = kwargs.get("url"), kwargs.get("site")
        if cls.url_argument and not url:
            raise ValueError(f"this spider needs -a url={cls.url_argument}")
        if url and not (is_web_address(url) or urlsplit(url).scheme == "file"):
            raise ValueError(f"-a url takes an http(s):// or file:// URL, not {url!r}")
        if site and not is_web_address(site):
            raise ValueError(f"-a site takes http(s)://host[:port], not {site!r}")

    agency: ClassVar[str | None] = None
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemap_urls:
            yield self._document_request(url, self.parse_sitemap, depth=0)
        for url in self.feed_urls:
            yield self._document_request(url, self.parse_feed, depth=0)

    def _document_request(
        self, url: str, callback: Any, depth: int, lastmod: str | None = None
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.document_failed,
            meta={"dont_merge_cookies": True, DEPTH_META: depth, LASTMOD_META: lastmod},
        )

    @property
    def sitemap_state(self) -> SitemapState:
        if not hasattr(self, "_sitemap_state"):
            folder = Path(self.crawler.settings.get("OUTPUT_DIR")) / self.name
            self._sitemap_state = SitemapState(folder / STATE_NAME)
        return self._sitemap_state

    def closed(self, reason: str) -> None:
        # Only a run that fetched everything it found may mark children as read: a run stopped
        # by its time limit, or one whose article fetches failed, must read them again.
        failed = self.crawler.stats.get_value("newscrawl/page/failed", 0)
        if reason == "finished" and not failed and hasattr(self, "_sitemap_state"):
            self._sitemap_state.save()

    def is_article(self, url: str) -> bool:
        """Whether a discovered URL is an article page worth fetching."""
        host = (urlsplit(url).hostname or "").lower()
        domains = getattr(self, "allowed_domains", None)
        return not domains or any(host == d or host.endswith("." + d) for d in domains)

    def _max_size(self) -> int:
        return self.crawler.settings.getint("DOWNLOAD_MAXSIZE")

    def _count(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{key}", count)

    def _count_fault(self, failure: Failure) -> str | None:
        kind = fault_kind(failure)
        if kind is not None and kind not in COUNTED_BY_SCRAPY:
            self._count(kind)
        return kind

    def document_failed(self, failure: Failure) -> None:
        """Errback of sitemaps and feeds: the fault is counted, and the run judged on it."""
        kind = self._count_fault(failure) or "ignored"
        if failure.request.meta.get(DEPTH_META) == 0:
            self._count("entry/failed")
        self.logger.warning("Could not read %s (%s)", failure.request.url, kind)

    def page_failed(self, failure: Failure) -> None:
        """Errback of article pages: counted; a page skipped as already written is not a fault."""
        kind = self._count_fault(failure)
        if kind is None:
            return
        if kind != "robots_refused":  # the site's policy, not a failure; counted by Scrapy
            self._count("page/failed")
        self.logger.warning("Could not fetch %s (%s)", failure.request.url, kind)

    def _read(self, response: Response, parse: Any) -> Listing | None:
        """Parse a sitemap or feed; count what was wrong with it (or with its entries)."""
        try:
            listing = parse(maybe_gunzip(response.body, self._max_size()))
        except DiscoveryError as exc:
            self._document_unreadable(response, exc.kind, str(exc))
            return None
        if response.meta.get(DEPTH_META) == 0:
            self._count("entry/ok")
        for kind, count in listing.errors.items():
            self._count(f"discovery_error/{kind}", count)
        if listing.errors:
            self.logger.warning(
                "Skipped entries of %s: %s", response.url, dict(sorted(listing.errors.items()))
            )
        return listing

    def _document_unreadable(self, response: Response, kind: str, message: str) -> None:
        self._count(f"discovery_error/{kind}")
        if response.meta.get(DEPTH_META) == 0:
            self._count("entry/failed")
        self.logger.warning("Unreadable %s: %s", response.url, message)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        listing = self._read(response, parse_sitemap)
        if listing is None:
            return
        depth = response.meta.get(DEPTH_META, 0)
        if response.meta.get(LASTMOD_META):
            self.sitemap_state.read(response.url, response.meta[LASTMOD_META])
        children = [c for c in listing.candidates if c.is_index]
        if children:
            yield from self._child_requests(children, depth + 1)
        for candidate in listing.candidates:
            if not candidate.is_index:
                yield from self._article_request(candidate)

    def _child_requests(self, children: list[Candidate], depth: int) -> Iterator[scrapy.Request]:
        settings = self.crawler.settings
        if depth > settings.getint("SITEMAP_MAX_DEPTH"):
            self._count("discovery_error/too_deep", len(children))
            self.logger.warning("Sitemap index nested deeper than SITEMAP_MAX_DEPTH: not read")
            return
        limit = settings.getint("SITEMAP_MAX_CHILDREN")
        ordered = newest_first(children)
        if len(ordered) > limit:
            self._count("discovery/children_over_limit", len(ordered) - limit)
            ordered = ordered[:limit]
        state = self.sitemap_state
        for child in ordered:
            if state.unchanged(child.url, child.lastmod):
                self._count("discovery/unchanged_sitemap")
                continue
            yield self._document_request(child.url, self.parse_sitemap, depth, child.lastmod)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        listing = self._read(response, parse_feed)
        if listing is None:
            return
        for candidate in listing.candidates:
            yield from self._article_request(candidate)

    def _article_request(self, candidate: Candidate) -> Iterator[scrapy.Request]:
        if not self.is_article(candidate.url):
            self._count("discovery/not_article")
            return
        self._count("discovery/article")
        discovery = {
            "lastmod": candidate.lastmod,
            "title": candidate.title,
            "published": candidate.published,
        }
        # Tracking parameters removed before the request: the default dupefilter would fetch
        # every utm_* variant of one story.
        yield scrapy.Request(
            canonicalize_url(candidate.url),
            callback=self.parse_page,
            errback=self.page_failed,
            meta={"discovery": {k: v for k, v in discovery.items() if v}, ARTICLE_META: True},
        )

    def parse_page(self, response: Response) -> Iterator[Page]:
        yield page_from_response(response, self.name, self.agency)
