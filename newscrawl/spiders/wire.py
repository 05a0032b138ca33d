"""One spider per wire service, generated from the entries in `newscrawl.sources`.

`-a site=http://host:port` points a wire spider at a mirror (the tests' local mock site):
every entry URL keeps its path and query but takes that scheme and host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from newscrawl.sources import SOURCES, Source
from newscrawl.spiders.base import DiscoverySpider, replace_origin


class WireSpider(DiscoverySpider):
    """Discovers a wire service's articles from its news sitemaps, sitemaps and feeds."""

    source: Source

    def __init__(self, *args: Any, site: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.source
        sitemaps = source.news_sitemaps + source.sitemaps
        feeds = source.feeds
        self.allowed_domains = list(source.allowed_domains)
        if site:
            sitemaps = tuple(replace_origin(url, site) for url in sitemaps)
            feeds = tuple(replace_origin(url, site) for url in feeds)
            self.allowed_domains = [urlsplit(site).hostname or ""]
        self.sitemap_urls = sitemaps
        self.feed_urls = feeds

    def is_article(self, url: str) -> bool:
        return super().is_article(url) and self.source.is_article_path(urlsplit(url).path)


def _spider_class(source: Source) -> type[WireSpider]:
    class_name = source.name.capitalize() + "Spider"
    return type(
        class_name,
        (WireSpider,),
        {
            "name": source.name,
            "source": source,
            "agency": source.agency,
            "__module__": __name__,
            "__doc__": f"Crawls {source.agency} stories from {', '.join(source.allowed_domains)}.",
        },
    )


# Scrapy's spider loader finds spider classes among a module's attributes.
globals().update({cls.__name__: cls for cls in map(_spider_class, SOURCES.values())})
