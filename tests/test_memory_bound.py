"""In-flight page bodies are bounded: a WARC full of 10 MB records keeps the crawl's memory bounded.

The `warc` spider yields every record from one callback and keeps at most CONCURRENT_ITEMS of
them in flight (Scrapy alone would take as many into the item pipelines and queue twice as many
for them), each holding its page's body until the extraction stage is done with it.
The test reads archives of many records of DOWNLOAD_MAXSIZE (the largest a record can be and
still be read) and measures the memory of the crawl's whole process tree (the crawl process, the
extraction pool's fork server and workers).
"""

from __future__ import annotations

import gc
import hashlib
import os
import subprocess
import threading
import time
import weakref
from pathlib import Path

from devtools.warc import write_warc
from newscrawl.items import Page
from newscrawl.logformatter import NewsLogFormatter
from newscrawl.pipelines import ArticleDropped
from newscrawl.reasons import Reason
from newscrawl.settings import DOWNLOAD_MAXSIZE
from tests.crawling import start_crawl

MB = 1024 * 1024
# A record body that still fits under DOWNLOAD_MAXSIZE with its HTTP headers.
RECORD_BYTES = DOWNLOAD_MAXSIZE - 64 * 1024
SAMPLE_SECONDS = 0.05


def random_page(size: int, seed: str) -> bytes:
    """An HTML page of paragraphs of hex words, which compresses poorly (to about 0.65 with
    gzip): no layer that compresses (an archive, a transfer encoding) makes it small."""
    head = b"<html><head><title>A very long page</title></head><body><article>\n"
    tail = b"</article></body></html>\n"
    paragraphs = []
    size_so_far = len(head) + len(tail)
    counter = 0
    while size_so_far < size:
        digest = hashlib.sha512(f"{seed}-{counter}".encode()).hexdigest()
        paragraph = f"<p>{' '.join(digest[i : i + 8] for i in range(0, 128, 8))}.</p>\n".encode()
        paragraphs.append(paragraph)
        size_so_far += len(paragraph)
        counter += 1
    return (head + b"".join(paragraphs))[: size - len(tail)] + tail


def write_big_archive(path: Path, records: int) -> Path:
    """An archive of `records` pages of RECORD_BYTES each (one body, shared to save time)."""
    body = random_page(RECORD_BYTES, path.name)
    pages = [
        (f"https://example.com/news/{number}", 200, "text/html; charset=utf-8", body)
        for number in range(records)
    ]
    # Not gzipped: reading a record then takes milliseconds, not most of a second, so the
    # records pile up before the extraction stage as they do behind a slow extractor.
    return write_warc(path, pages, gzip=False)


def _tree(root: int) -> list[int]:
    """`root` and every process descended from it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                parent = int(handle.read().rpartition(")")[2].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes: its share of pages it shares with others
    (the pool's processes share what their fork server loaded), so a tree's sum is its memory."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def peak_memory(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Wait for a crawl, sampling its process tree's memory; the peak (bytes) and its stderr."""
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.communicate()))
    reader.start()
    peak = 0
    while reader.is_alive():
        peak = max(peak, sum(_pss(pid) for pid in _tree(process.pid)))
        time.sleep(SAMPLE_SECONDS)
    reader.join()
    return peak, output[1]


# Memory of the crawl's process tree before its bodies: Python, Scrapy, trafilatura and the
# extraction pool (measured 334 MB reading an archive of one record, on Linux x86-64).
BASE_BYTES = 400 * MB
RECORDS = 32
BOUND_SETTINGS = {
    "CONCURRENT_ITEMS": "2",
    "EXTRACT_WORKERS": "1",
    "EXTRACT_FUNCTION": "tests.readers.read_page_head",
}


def memory_bound(concurrent_items: int, workers: int) -> int:
    """The stated bound: the base, plus the bodies in flight (CONCURRENT_ITEMS and the one the
    spider is handing over), one being read from the archive, and each worker's copy (as sent
    and as received)."""
    bodies = concurrent_items + 2 + 2 * workers
    return BASE_BYTES + bodies * DOWNLOAD_MAXSIZE


def test_a_warc_of_10_mb_records_keeps_memory_bounded(tmp_path: Path) -> None:
    """32 records of 10 MB (320 MB of bodies) read with CONCURRENT_ITEMS=2 and one worker: the
    crawl's process tree stays under its bound (measured 341 MB against 460 MB). Earlier designs
    peaked higher: 389 MB while Scrapy queued 2 x CONCURRENT_ITEMS more pages behind those in
    the pipelines, 598 MB with Scrapy's default of 100 items, 569 MB with dropped pages held by
    their log line's reference cycle."""
    archive = write_big_archive(tmp_path / "big.warc", RECORDS)
    process = start_crawl("warc", tmp_path, "-a", f"path={archive}", settings=BOUND_SETTINGS)
    peak, stderr = peak_memory(process)
    assert process.returncode == 0, stderr
    bound = memory_bound(concurrent_items=2, workers=1)
    assert peak < bound, f"peak {peak / MB:.0f} MB, bound {bound / MB:.0f} MB"


def _drop(page: Page) -> None:
    raise ArticleDropped(Reason.DUPLICATE_EXACT, page.url)


def _pipeline_drops(formatter: NewsLogFormatter, page: Page) -> None:
    """What Scrapy does with a dropped item: keep the log line's dict in the catching frame."""
    try:
        _drop(page)
    except ArticleDropped as exception:
        logkws = formatter.dropped(page, exception, None, None)  # type: ignore[arg-type]
        assert "Dropped" in logkws["msg"]


def test_a_dropped_page_is_freed_without_the_garbage_collector() -> None:
    page = Page(url="https://example.com/news/1", body=b"x" * MB, source="warc")
    freed = weakref.ref(page)
    gc.disable()
    try:
        _pipeline_drops(NewsLogFormatter(), page)
        del page
        assert freed() is None, "the log line's exception holds the page in a reference cycle"
    finally:
        gc.enable()


if __name__ == "__main__":
    # python -m tests.test_memory_bound RECORDS [NAME=VALUE ...]: the peak of one such crawl.
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        big = write_big_archive(workdir / "big.warc", int(sys.argv[1]))
        overrides = dict(arg.split("=", 1) for arg in sys.argv[2:])
        settings = {"EXTRACT_FUNCTION": "tests.readers.read_page_head", **overrides}
        crawl_process = start_crawl("warc", workdir, "-a", f"path={big}", settings=settings)
        measured, _ = peak_memory(crawl_process)
        print(f"exit {crawl_process.returncode}, peak {measured / MB:.0f} MB")
