"""Extractors standing in for the real one (`EXTRACT_FUNCTION`) in crawl tests: one that takes
its time, to show what the crawl does meanwhile, one that reads only the head of a page (for
memory tests), and some that go wrong on one page of
data/demo.warc.gz as pathological pages make real extractors go wrong: the worker process dies at
once (a crash in a C parser, the OOM killer), or it never finishes (a runaway regular expression;
library code that catches `Exception` around it and tries again; a hang in C code, where no
signal handler runs).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

from newscrawl.pagereader import read_page

SLOW_SECONDS = 1.0
POISON = "danube-barge"  # in the URL of one article of data/demo.warc.gz


def read_page_slowly(*args: Any) -> Any:
    time.sleep(SLOW_SECONDS)
    return read_page(*args)


def read_page_or_die(body: bytes, content_type: str | None, url: str, rules: Any) -> Any:
    if POISON in url:
        os.kill(os.getpid(), signal.SIGKILL)
    return read_page(body, content_type, url, rules)


def read_page_or_hang(body: bytes, content_type: str | None, url: str, rules: Any) -> Any:
    while POISON in url:
        pass
    return read_page(body, content_type, url, rules)


def read_page_or_spin_catching_everything(
    body: bytes, content_type: str | None, url: str, rules: Any
) -> Any:
    while POISON in url:
        with contextlib.suppress(Exception):
            while True:
                pass
    return read_page(body, content_type, url, rules)


def read_page_or_block_signals(body: bytes, content_type: str | None, url: str, rules: Any) -> Any:
    if POISON in url:
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        while True:
            time.sleep(1)
    return read_page(body, content_type, url, rules)


HEAD_BYTES = 64 * 1024
HEAD_PAUSE = 0.5  # seconds: slower than reading a record, so pages pile up before extraction


def read_page_head(body: bytes, content_type: str | None, url: str, rules: Any) -> Any:
    """Read only a page's first 64 KB, after a pause: a memory test then measures the bodies the
    crawl holds on their way to extraction, not the extractor's own memory on a huge page."""
    time.sleep(HEAD_PAUSE)
    return read_page(body[:HEAD_BYTES], content_type, url, rules)
