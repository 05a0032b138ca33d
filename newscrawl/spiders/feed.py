"""`scrapy crawl feed -a url=URL`: the stories of any RSS or Atom feed."""

from __future__ import annotations

from typing import Any

from newscrawl.spiders.base import DiscoverySpider


class FeedSpider(DiscoverySpider):
    """Fetches every story an RSS 2.0, RSS 1.0 or Atom feed links to, on any host."""

    name = "feed"

    @classmethod
    def check_arguments(cls, **kwargs: str) -> None:
        """Fail fast, before the crawl starts, without a URL."""
        if not kwargs.get("url"):
            raise ValueError("this spider needs -a url=FEED_URL")

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_arguments(url=url or "")
        self.feed_urls = (url,)
