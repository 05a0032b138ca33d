"""Downloader middleware: no request to a loopback, private or link-local address.

A sitemap or feed is untrusted input: a `<loc>` of `http://169.254.169.254/` or
`http://localhost:6379/` would make the crawler probe its own network. Scrapy has no such
check, so this one resolves each new host once (`getaddrinfo`, as the downloader does) and
refuses the request when any of its addresses is not public. A name whose DNS answer changes
between this check and the download (DNS rebinding) is not caught. Off with
`ALLOW_PRIVATE_ADDRESSES = True` (the tests' mock site runs on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.fetch_faults import PrivateAddressRefused, is_private_address

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class PrivateAddressMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._private: dict[str, bool] = {}  # host -> refused

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return
        host = parts.hostname
        if host not in self._private:
            self._private[host] = await self._is_private(host)
        if self._private[host]:
            self.crawler.stats.inc_value("newscrawl/private_address_refused")
            raise PrivateAddressRefused(f"private address: {request.url}")

    async def _is_private(self, host: str) -> bool:
        try:
            return is_private_address(host)
        except ValueError:
            pass  # a name, not an address literal
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
        except OSError:
            return False  # unresolvable: the download fails and is counted as a DNS error
        return any(is_private_address(info[4][0]) for info in infos)
