"""Name what went wrong with a fetch, so every failed request lands under a stats key.

Scrapy already refuses what it should (HttpErrorMiddleware drops 4xx/5xx, RobotsTxtMiddleware
counts `robotstxt/forbidden`, RedirectMiddleware stops at `REDIRECT_MAX_TIMES`, the downloader
and HttpCompressionMiddleware stop at `DOWNLOAD_MAXSIZE`), but it reports most of these as log
lines or an errback's failure only. `fault_kind()` turns that failure into one short name.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError

if TYPE_CHECKING:
    from twisted.python.failure import Failure

# Kinds Scrapy counts itself, under its own stats key: not counted twice.
COUNTED_BY_SCRAPY = {"robots_refused": "robotstxt/forbidden"}


class PrivateAddressRefused(IgnoreRequest):
    """A request for a loopback, private or link-local address (ALLOW_PRIVATE_ADDRESSES off)."""


def fault_kind(failure: Failure) -> str | None:
    """The stats name of a failed request, or None when the request was skipped on purpose.

    >>> from twisted.python.failure import Failure
    >>> fault_kind(Failure(DownloadTimeoutError("took too long")))
    'download_error/timeout'
    """
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_error/{exc.response.status}"
    if isinstance(exc, PrivateAddressRefused):
        return "private_address_refused"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return "robots_refused"
        if "max redirections" in message:
            return "redirect_loop"
        if "DOWNLOAD_MAXSIZE" in message:
            return "too_large"
        if message.startswith("already written"):
            return None  # SkipWrittenUrlsMiddleware: written by an earlier run, not a fault
        return "ignored"
    if isinstance(exc, DownloadCancelledError):
        return "too_large"  # the downloader cancels a body only when it passes DOWNLOAD_MAXSIZE
    if isinstance(exc, DownloadTimeoutError):
        return "download_error/timeout"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "download_error/refused"
    if isinstance(exc, CannotResolveHostError):
        return "download_error/dns"
    return f"download_error/{type(exc).__name__}"


def is_private_address(address: str) -> bool:
    """Whether an IP address is loopback, private, link-local or otherwise not public.

    >>> [is_private_address(a) for a in ("127.0.0.1", "169.254.169.254", "93.184.216.34")]
    [True, True, False]
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global
