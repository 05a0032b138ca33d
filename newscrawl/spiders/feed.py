"""`scrapy crawl feed -a url=URL`: the stories of any RSS or Atom feed."""

from __future__ import annotations

from typing import Any

from newscrawl.spiders.base import DiscoverySpider


class FeedSpider(DiscoverySpider):
    """Fetches every story an RSS 2.0, RSS 1.0 or Atom feed links to, on any host."""

    name = "feed"
    url_argument = "FEED_URL"

    def __init__(self, *args: Any, url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_arguments(url=url)
        self.feed_urls = (url,)
