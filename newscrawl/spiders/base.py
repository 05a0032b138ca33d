"""The shape every sitemap- or feed-driven spider shares: discover candidates, fetch pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy

from newscrawl.discovery import Candidate, DiscoveryError, maybe_gunzip, parse_feed, parse_sitemap
from newscrawl.items import Page
from newscrawl.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy.http import Response

# Response headers worth keeping on a Page: what the later stages read (charset, Last-Modified,
# and the publisher's text-and-data-mining reservation, W3C TDMRep).
KEPT_HEADERS = ("content-type", "last-modified", "tdm-reservation")

ARTICLE_META = "newscrawl_article"


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


class DiscoverySpider(scrapy.Spider):
    """Reads sitemaps (news sitemaps, indexes) and feeds, and fetches the article pages they list.

    Subclasses set `sitemap_urls`, `feed_urls` and may override `is_article()`.
    """

    # What `-a url=` names for the generic spiders ("FEED_URL"); None: no url argument.
    url_argument: ClassVar[str | None] = None

    @classmethod
    def check_arguments(cls, **kwargs: str) -> None:
        """Fail fast, before the crawl starts, without a URL when the spider needs one."""
        if cls.url_argument and not kwargs.get("url"):
            raise ValueError(f"this spider needs -a url={cls.url_argument}")

    agency: ClassVar[str | None] = None
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemap_urls:
            yield scrapy.Request(
                url, callback=self.parse_sitemap, meta={"dont_merge_cookies": True}
            )
        for url in self.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed, meta={"dont_merge_cookies": True})

    def is_article(self, url: str) -> bool:
        """Whether a discovered URL is an article page worth fetching."""
        host = (urlsplit(url).hostname or "").lower()
        domains = getattr(self, "allowed_domains", None)
        return not domains or any(host == d or host.endswith("." + d) for d in domains)

    def _max_size(self) -> int:
        return self.crawler.settings.getint("DOWNLOAD_MAXSIZE")

    def _discovery_failed(self, kind: str, response: Response, exc: DiscoveryError) -> None:
        self.crawler.stats.inc_value(f"newscrawl/discovery_error/{kind}")
        self.logger.error("Unreadable %s %s: %s", kind, response.url, exc)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            candidates = parse_sitemap(maybe_gunzip(response.body, self._max_size()))
        except DiscoveryError as exc:
            self._discovery_failed("sitemap", response, exc)
            return
        for candidate in candidates:
            if candidate.is_index:
                yield response.follow(candidate.url, callback=self.parse_sitemap)
            else:
                yield from self._article_request(candidate)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            candidates = parse_feed(maybe_gunzip(response.body, self._max_size()))
        except DiscoveryError as exc:
            self._discovery_failed("feed", response, exc)
            return
        for candidate in candidates:
            yield from self._article_request(candidate)

    def _article_request(self, candidate: Candidate) -> Iterator[scrapy.Request]:
        if not self.is_article(candidate.url):
            self.crawler.stats.inc_value("newscrawl/discovery/not_article")
            return
        self.crawler.stats.inc_value("newscrawl/discovery/article")
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
            meta={"discovery": {k: v for k, v in discovery.items() if v}, ARTICLE_META: True},
        )

    def parse_page(self, response: Response) -> Iterator[Page]:
        yield page_from_response(response, self.name, self.agency)
