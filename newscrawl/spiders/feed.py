"""`scrapy crawl feed -a url=URL`: the stories of any RSS or Atom feed."""

from __future__ import annotations

from typing import Any

from newscrawl.spiders.base import DiscoverySpider


class FeedSpider(DiscoverySpider):
    """Fetches every story an RSS 2.0, RSS 1.0 or Atom feed links to, on any host."""

    name = "feed"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError("the feed spider needs -a url=FEED_URL")
        self.feed_urls = (url,)
