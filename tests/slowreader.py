"""An extractor that takes its time, to show what the crawl does meanwhile."""

from __future__ import annotations

import time
from typing import Any

from newscrawl.pagereader import read_page as real_read_page

SLOW_SECONDS = 1.0


def read_page(*args: Any) -> Any:
    time.sleep(SLOW_SECONDS)
    return real_read_page(*args)
