"""The extraction workers' fork server, started as early in a crawl as its settings allow.

Kept apart from `extract_stage` (which imports the pipelines, the record builder and the source
rules: 0.18 s) so that `scrapy crawl` can start the server, whose preload is the longest step
before the first record, right after reading its command line (`newscrawl.commands.crawl`).
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from multiprocessing.spawn import get_preparation_data
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# The crawl's main script, for the fork server (see `newscrawl.worker_preload`).
CRAWL_MAIN_ENV = "NEWSCRAWL_CRAWL_MAIN"
EXTRACT_PIPELINE = "newscrawl.extract_stage.ExtractPipeline"


def start_fork_server() -> BaseContext:
    """Start the fork server every extraction pool of this process forks its workers from.

    It starts at most once per process and runs its preload in the background; the first spawn
    waits for it. forkserver, not fork: forking a process that runs threads (Twisted's) is
    unsafe. The fork server is a fresh single-threaded process that loads what every worker
    needs once (`worker_preload`), so a worker (and a restarted one) does not pay it again.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newscrawl.worker_preload"])
    main_path = get_preparation_data("extract").get("init_main_from_path")
    if main_path:  # for `worker_preload`: the fork server inherits the environment
        os.environ[CRAWL_MAIN_ENV] = main_path
    forkserver.ensure_running()
    return context


def worker_count(settings: BaseSettings) -> int:
    """The crawl's extraction workers: `EXTRACT_WORKERS`, or one per core when it is empty."""
    workers = settings.get("EXTRACT_WORKERS")
    return (os.cpu_count() or 1) if workers in (None, "") else int(workers)


def start_if_needed(settings: BaseSettings) -> None:
    """Start the fork server if a crawl with these settings will have extraction workers."""
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    if worker_count(settings) > 0 and EXTRACT_PIPELINE in pipelines:
        start_fork_server()


class EarlyForkServer:
    """Add-on: start the workers' fork server as soon as the crawl's settings are known.

    Its preload (the reading modules, py3langid's model, dateparser's regexes: about half a
    second of CPU) then runs while Scrapy builds the crawler, instead of after the spider has
    opened. `scrapy crawl` starts it earlier still; this covers crawls started otherwise (a
    `CrawlerProcess` of one's own, `scrapy runspider`).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        start_if_needed(settings)
