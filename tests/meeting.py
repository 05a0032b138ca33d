"""A test-only item stage that makes crawls meet on one story, right after the dedup stage.

Put it between the dedup stage and the writer (`ITEM_PIPELINES`), with `MEETING_DIR` (a folder
the crawls share), `MEETING_WORD` (in the URL of each crawl's copy of the story) and
`MEETING_PARTIES` (how many crawls meet). A crawl's copy that passed the dedup check waits here
until every crawl has checked its own copy, or for at most `MEETING_SECONDS`: so all the checks
happen before any copy is written and marked in the store. A copy an earlier stage drops (a
duplicate) has checked too: it arrives through the `item_dropped` signal. Each arrival leaves
a file in `MEETING_DIR`, so the test sees that the meeting took place.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

MEETING_SECONDS = 60.0
MEETING_POLL = 0.01


class MeetAfterDedup:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.folder = Path(settings["MEETING_DIR"])
        self.word = str(settings["MEETING_WORD"])
        self.parties = settings.getint("MEETING_PARTIES", 2)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _is_copy(self, item: Any) -> bool:
        return self.word in str(getattr(item, "url", ""))

    def _arrive(self) -> None:
        (self.folder / f"{os.getpid()}-{time.monotonic_ns()}").touch()

    def item_dropped(self, item: Any) -> None:
        if self._is_copy(item):
            self._arrive()

    async def process_item(self, item: Any) -> Any:
        if not self._is_copy(item):
            return item
        self._arrive()
        deadline = time.monotonic() + MEETING_SECONDS
        while len(list(self.folder.iterdir())) < self.parties and time.monotonic() < deadline:
            await asyncio.sleep(MEETING_POLL)
        return item
