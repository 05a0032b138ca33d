"""`scrapy crawl sitemap -a url=URL`: any site's sitemap, news sitemap or sitemap index."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from newscrawl.spiders.base import DiscoverySpider


class SitemapSpider(DiscoverySpider):
    """Fetches every page a sitemap (or sitemap index) lists on the sitemap's own site."""

    name = "sitemap"
    url_argument = "SITEMAP_URL"

    def __init__(self, *args: Any, url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_arguments(url=url)
        self.sitemap_urls = (url,)
        host = (urlsplit(url).hostname or "").lower()
        self.allowed_domains = [host.removeprefix("www.")]
