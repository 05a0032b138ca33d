"""An extractor whose worker process dies on one page, as on a crash in a C parser or the OOM
killer: the process is gone at once, with every page it held."""

from __future__ import annotations

import os
import signal
from typing import Any

from newscrawl.pagereader import read_page as real_read_page

POISON = "danube-barge"  # in the URL of one article of data/demo.warc.gz


def read_page(body: bytes, content_type: str | None, url: str, rules: Any) -> Any:
    if POISON in url:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_read_page(body, content_type, url, rules)
