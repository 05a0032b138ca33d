"""Helpers for the shared-mode tests: an emptied Redis database, workers running at once."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

from tests.crawling import PROJECT_DIR, CrawlResult, crawl_command

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.redis_server import RedisServer


def fresh_db(server: RedisServer, db: int) -> str:
    """The URL of an emptied database of the test server: a test's frontier starts empty."""
    client = server.client()
    client.execute_command("SELECT", db)
    client.flushdb()
    client.close()
    return f"{server.url.rsplit('/', 1)[0]}/{db}"


def workers(
    spider: str, folders: list[Path], *args: str, settings: dict[str, str], timeout: float = 180
) -> list[CrawlResult]:
    """Run one crawl per folder (a host each) at the same time and wait for all of them.

    Like `crawling.crawl`, asserts that no run left ERROR lines its counters do not explain.
    """
    before = {folder: set(folder.glob("output/*/*.manifest.json")) for folder in folders}
    running = [
        subprocess.Popen(
            crawl_command("crawl", spider, folder, *args, settings=settings),
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    results = []
    for process, folder in zip(running, folders, strict=True):
        stdout, stderr = process.communicate(timeout=timeout)
        result = CrawlResult(process.returncode, stdout, stderr, folder / "output")
        for path in sorted(set(folder.glob("output/*/*.manifest.json")) - before[folder]):
            errors = json.loads(path.read_text("utf-8"))["uncounted_errors"]
            assert errors == 0, f"{path.name}: {errors} uncounted ERROR lines\n{stderr[-3000:]}"
        results.append(result)
    return results
