from __future__ import annotations

import json
import subprocess
from pathlib import Path

from devtools.warc import write_warc
from tests.crawling import PROJECT_DIR, CrawlResult, crawl_command

# Runs `scrapy crawl warc ...` in this process and says, as it exits, which of the watched modules
# (Scrapy's HTTP and TLS download code, the remote-control extension and the cookies middleware,
# with the libraries they import) it loaded.
CRAWL_WITH_MODULE_REPORT = """
import atexit, json, sys
from scrapy.cmdline import execute

WATCHED = [
    "scrapy.core.downloader.handlers.http11",
    "scrapy.core.downloader.tls",
    "scrapy.extensions.remote_control",
    "aiohttp",
    "scrapy.downloadermiddlewares.cookies",
    "tldextract",
]
atexit.register(lambda: print(json.dumps([m for m in WATCHED if m in sys.modules])))
sys.argv = ["scrapy", *sys.argv[1:]]
execute()
"""

STORY = (
    "<html><head><title>Rain falls</title></head><body><article><h1>Rain falls</h1>"
    + "<p>Rain fell on the city for a third day on Tuesday, officials said.</p>" * 8
    + "</article></body></html>"
).encode()


def test_a_warc_crawl_loads_no_download_code_it_does_not_use(tmp_path: Path) -> None:
    # It downloads nothing; Scrapy's TLS modules, aiohttp (remote control, off in every crawl)
    # and tldextract (cookies) cost 0.1-0.16 CPU s each of the start to import.
    archive = write_warc(
        tmp_path / "pages.warc.gz",
        [("https://news.example/rain", 200, "text/html; charset=utf-8", STORY)],
    )
    python, _, _, *args = crawl_command(
        "crawl", "warc", tmp_path, "-a", f"path={archive}", settings={"EXTRACT_WORKERS": "0"}
    )
    done = subprocess.run(
        [python, "-c", CRAWL_WITH_MODULE_REPORT, *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    result = CrawlResult(done.returncode, done.stdout, done.stderr, tmp_path / "output")
    assert [r["url"] for r in result.records("warc")] == ["https://news.example/rain"]
