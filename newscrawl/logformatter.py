"""Log lines for dropped items: the URL and the reason, never the whole page body."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure


class NewsLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        level = getattr(exception, "log_level", None) or logging.INFO
        return {
            "level": getattr(logging, level) if isinstance(level, str) else level,
            "msg": "Dropped %(url)s: %(exception)s",
            # The exception's text, not the exception: Scrapy keeps this dict in a frame of the
            # exception's own traceback, and that cycle would hold the dropped page (its body, up
            # to DOWNLOAD_MAXSIZE) until the cyclic garbage collector runs, which with few but
            # large objects is rarely: a WARC of big dropped records then grew without bound.
            "args": {"url": getattr(item, "url", "?"), "exception": str(exception)},
        }

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Wrote %(url)s",
            "args": {"url": getattr(item, "url", "?")},
        }
