"""The wire services, as data: one `Source` entry per service.

A spider per entry is generated in `spiders/wire.py`; adding an agency is one entry here plus
fixtures for the mock site, no new code path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from newscrawl.cleanup import CleanupRules


@dataclass(frozen=True)
class Source:
    name: str
    agency: str
    allowed_domains: tuple[str, ...]
    article_pattern: str  # regex searched in the URL path: what counts as an article page
    news_sitemaps: tuple[str, ...] = ()  # Google News sitemaps (or indexes of them)
    sitemaps: tuple[str, ...] = ()  # ordinary sitemaps (or sitemap indexes)
    feeds: tuple[str, ...] = ()  # RSS / Atom feeds
    deny_pattern: str | None = None  # regex: URL paths never fetched even when they match
    rules: CleanupRules = field(default_factory=CleanupRules)

    @cached_property
    def _article_re(self) -> re.Pattern[str]:
        return re.compile(self.article_pattern)

    @cached_property
    def _deny_re(self) -> re.Pattern[str] | None:
        return re.compile(self.deny_pattern) if self.deny_pattern else None

    def is_article_path(self, path: str) -> bool:
        """True when a URL path is an article page of this source."""
        if self._deny_re is not None and self._deny_re.search(path):
            return False
        return self._article_re.search(path) is not None

    @property
    def entry_urls(self) -> tuple[str, ...]:
        return self.news_sitemaps + self.sitemaps + self.feeds


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            name="reuters",
            agency="Reuters",
            allowed_domains=("www.reuters.com", "reuters.com"),
            news_sitemaps=(
                "https://www.reuters.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml",
            ),
            sitemaps=("https://www.reuters.com/arc/outboundfeeds/sitemap-index/?outputType=xml",),
            # Story URLs end with the publication date: /world/...-2024-03-07/
            article_pattern=r"^/[a-z-]+/.+-\d{4}-\d{2}-\d{2}/?$",
            deny_pattern=r"^/(pictures|graphics|video)/",
            rules=CleanupRules(
                name="reuters",
                prune_xpaths=(
                    '//*[@data-testid="primary-image" or @data-testid="primary-gallery"]',
                ),
                trailer_patterns=(
                    r"(?P<trust_line>our standards: the thomson reuters trust principles\.?)",
                    # gallery and old slideshow captions: "[1/5] Workers ...", "1 of 4. Workers ..."
                    r"(?P<slideshow_caption>(?:\[\d+/\d+\]|\d+ of \d+\.)\s*\S.*)",
                ),
            ),
        ),
        Source(
            name="apnews",
            agency="AP",
            allowed_domains=("apnews.com",),
            news_sitemaps=("https://apnews.com/news-sitemap-content.xml",),
            sitemaps=("https://apnews.com/sitemap.xml",),
            article_pattern=r"^/article/[a-z0-9-]*-?[0-9a-f]{32}/?$",
            deny_pattern=r"^/(hub|video)/",
            rules=CleanupRules(
                name="apnews",
                prune_xpaths=(
                    # "What to know about ..." promo boxes and photo carousels inside the story
                    '//*[contains(concat(" ", normalize-space(@class), " "), " Infobox ")]',
                    '//*[contains(concat(" ", normalize-space(@class), " "), " CarouselSlide ")]',
                ),
            ),
        ),
        Source(
            name="afp",
            agency="AFP",
            allowed_domains=("www.afp.com", "afp.com"),
            sitemaps=("https://www.afp.com/sitemap.xml",),
            feeds=("https://www.afp.com/en/actus/afp_actualite/792,31,9,7,33/feed",),
            article_pattern=r"^/(en|fr|es|de|pt|ar)/(news|actus|noticias)/[^/]+/[^/]+$",
        ),
        Source(
            name="upi",
            agency="UPI",
            allowed_domains=("www.upi.com", "upi.com", "rss.upi.com"),
            feeds=(
                "https://rss.upi.com/news/top_news.rss",
                "https://rss.upi.com/news/world_news.rss",
            ),
            sitemaps=("https://www.upi.com/sitemap.xml",),
            # Story URLs: /<section>/<year>/<month>/<day>/<slug>/<id>/
            article_pattern=r"/\d{4}/\d{2}/\d{2}/[^/]+/\d+/?$",
        ),
    )
}


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def source_for_url(url: str, fallback: str | None = None) -> Source | None:
    """The wire source whose site a URL is on, whichever spider fetched it.

    Matches the host against each source's domains, `www.` and other subdomains included.
    A host that is no source's (a mirror, the tests' mock site) falls back to the source named
    `fallback`, the spider's own, when there is one.

    >>> source_for_url("https://uk.reuters.com/article/x").name
    'reuters'
    >>> source_for_url("https://www.apnews.com/article/x-0123", fallback="warc") is None
    False
    >>> source_for_url("http://127.0.0.1:8080/article/x", fallback="upi").name
    'upi'
    >>> source_for_url("https://notreuters.com/x") is None
    True
    """
    host = _host_of(url)
    if host:
        for source in SOURCES.values():
            for domain in source.allowed_domains:
                bare = domain.removeprefix("www.")
                if host == bare or host.endswith("." + bare):
                    return source
    return SOURCES.get(fallback) if fallback else None
