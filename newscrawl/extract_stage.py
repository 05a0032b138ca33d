"""The extraction stage: Page -> Article, with the CPU-heavy reading done in worker processes.

The crawl process's side of the process pool (`ExtractPipeline`): pages leave in the order they
came, the pool is started, restarted when a worker dies, and the pages a dead worker took with it
are read again; a page that outlives its deadline has its worker killed. The workers' side
(`init_worker`, `read_within_limit`) is `newscrawl.extract_worker`.

What a worker runs on each page is `EXTRACT_FUNCTION` (`newscrawl.pagereader.read_page`); the
record is assembled from its result by `newscrawl.records.assemble`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from newscrawl.dates import utc_now
from newscrawl.extract_worker import (
    extract_function,
    init_worker,
    read_within_limit,
)
from newscrawl.fork_server import start_fork_server, worker_count
from newscrawl.items import Article, Page
from newscrawl.pipelines import Stage
from newscrawl.reading import Reading, Rejected
from newscrawl.reasons import Reason
from newscrawl.records import assemble
from newscrawl.sources import Source, source_for_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def deadline_for(page_time_limit: float | None) -> float | None:
    """Seconds the crawl process waits for one page before it kills the worker reading it.

    Past the worker's own limit, with room for a loaded machine: the worker's alarm should have
    fired long before, so reaching this means a hang no signal handler can end.

    >>> deadline_for(60), deadline_for(2), deadline_for(None)
    (90.0, 12.0, None)
    """
    if not page_time_limit:
        return None
    return page_time_limit + max(10.0, page_time_limit / 2)


class _Overdue(Exception):
    """A page outlived its deadline in the crawl process; its worker was killed."""


class _Pool:
    """A process pool of extraction workers, and when they are ready to take pages.

    A page's deadline must not count a worker's start-up (spawning a process and importing the
    extractors takes seconds on a loaded machine), so pages wait until the workers are up. They
    are started from a thread of their own: `submit` spawns a worker in the calling thread, and
    the first spawn waits for the fork server's preload, which would stall the reactor (and the
    reading of the first pages) for as long.
    """

    def __init__(self, workers: int, page_time_limit: float | None) -> None:
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=start_fork_server(),
            initializer=init_worker,
            initargs=(os.getpid(), page_time_limit),
        )
        self._ready: Future[None] = Future()
        threading.Thread(
            target=self._start, args=(workers,), name="extract-pool-start", daemon=True
        ).start()

    def _start(self, workers: int) -> None:
        try:
            # broken or shut down meanwhile: the next `submit`, in `run`, raises it again
            with suppress(BrokenProcessPool, RuntimeError):
                wait([self.executor.submit(os.getpid) for _ in range(workers)])
        finally:
            self._ready.set_result(None)

    async def run(
        self, deadline: float | None, function: Callable[..., Any], *args: Any
    ) -> Reading | Rejected:
        """Run `function(*args)` in a worker; past `deadline` seconds, kill the workers."""
        if not self._ready.done():  # the first pages wait for the workers; later ones find them up
            await asyncio.wrap_future(self._ready)
        future = self.executor.submit(read_within_limit, function, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), deadline)
        except TimeoutError:
            self.kill()
            raise _Overdue from None

    def kill(self) -> None:
        # ProcessPoolExecutor has no public way to kill its workers before Python 3.14
        # (`kill_workers()`); the pool then breaks, as if a worker had died.
        for process in list((getattr(self.executor, "_processes", None) or {}).values()):
            process.kill()
        self.shutdown(wait=False)

    def shutdown(self, *, wait: bool) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=True)


class ExtractPipeline(Stage):
    """Page -> Article: decode, extract main text and metadata, give the record its identity.

    Extraction is CPU-bound; with EXTRACT_WORKERS > 0 it runs in a process pool so the reactor
    keeps downloading meanwhile.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.workers = worker_count(crawler.settings)
        # A dotted path is sent to the workers as it is, and only they import what it names: the
        # crawl process then loads none of the extraction stack (0.3-0.5 s of its start-up).
        self.extract_function = crawler.settings.get("EXTRACT_FUNCTION")
        self.page_time_limit = crawler.settings.getfloat("EXTRACT_TIMEOUT") or None
        self.deadline = deadline_for(self.page_time_limit)
        self.pool: _Pool | None = None
        # As many pages in the pool as it has workers: a page's deadline then runs from when a
        # worker takes it, not from when it joined a queue.
        self._slots = asyncio.Semaphore(max(self.workers, 1))
        # Pages a dead worker took with it are read again here, one at a time (see _read).
        self.retry_pool: _Pool | None = None
        self._retry_turn = asyncio.Lock()
        # Items leave this stage in the order they entered it, so the dedup stage sees the same
        # sequence (and keeps the same first copy of a story) as a single-process run.
        self._previous: Deferred[None] | None = None

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = _Pool(self.workers, self.page_time_limit)

    def close_spider(self) -> None:
        for pool in (self.pool, self.retry_pool):
            if pool is not None:
                pool.shutdown(wait=True)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if item.status != 200:
            raise self.drop(Reason.HTTP_STATUS, f"{item.status} {item.url}")
        source = source_for_url(item.url, fallback=item.source)
        if self.pool is None:
            read_page = extract_function(self.extract_function)
            return self.finish(item, source, read_page(*self.read_args(item, source)))
        previous = self._previous
        self._previous = mine = Deferred()
        try:
            try:
                result = await self._read(item, source)
            finally:
                if previous is not None:
                    await maybe_deferred_to_future(previous)
            return self.finish(item, source, result)
        finally:
            # Released on the next loop turn, after this item has gone through the later,
            # synchronous stages: only then may the next item take its turn.
            call_later(0, mine.callback, None)

    async def _read(self, item: Page, source: Source | None) -> Reading | Rejected:
        """Read a page in the pool; survive a worker that dies (a crash in a C parser, the OOM
        killer) or hangs, which breaks the whole pool and fails every page in flight.

        Which of those pages killed the worker is unknown, so each is read again alone, in a
        one-worker pool, and only a page that kills that one too is dropped (`worker_crashed`).
        """
        args = self.read_args(item, source)
        async with self._slots:
            pool = self.pool  # taken in turn: an earlier page may have replaced it meanwhile
            assert pool is not None
            try:
                return await pool.run(self.deadline, self.extract_function, *args)
            except _Overdue:
                self._replace_pool(pool, "An extraction worker hung on %s and was killed", item.url)
                return self._overdue()
            except BrokenProcessPool:
                self._replace_pool(pool, "An extraction worker died; its pages are read again")
        async with self._retry_turn:
            self.stats.inc_value("newscrawl/extract/retried")
            if self.retry_pool is None:
                self.retry_pool = _Pool(1, self.page_time_limit)
            try:
                return await self.retry_pool.run(self.deadline, self.extract_function, *args)
            except _Overdue:
                self.retry_pool = None
                return self._overdue()
            except BrokenProcessPool:
                self.retry_pool.shutdown(wait=False)
                self.retry_pool = None
        raise self.drop(Reason.WORKER_CRASHED, f"{item.url} (the extraction worker died on it)")

    def _replace_pool(self, pool: _Pool, message: str, *args: object) -> None:
        if self.pool is pool:  # the first page to see it broken replaces the pool
            pool.shutdown(wait=False)
            self.pool = _Pool(self.workers, self.page_time_limit)
            self.stats.inc_value("newscrawl/extract/pool_restarts")
            logger.error(message, *args)

    def _overdue(self) -> Rejected:
        self.stats.inc_value("newscrawl/extract/killed_overdue")
        return Rejected(Reason.EXTRACTION_TIMEOUT, f"no result after {self.deadline:g} s")

    def read_args(self, page: Page, source: Source | None) -> tuple[Any, ...]:
        rules = source.rules if source else None
        return (page.body, page.headers.get("content-type"), page.url, rules)

    def finish(self, item: Page, source: Source | None, result: Reading | Rejected) -> Article:
        if isinstance(result, Rejected):
            raise self.drop(result.reason, f"{item.url} ({result.detail})")
        for rule in result.extracted.rules_fired:
            self.stats.inc_value(f"newscrawl/rules/{rule}")
        article = assemble(item, result, run_id=self.run.run_id, now=utc_now(), source=source)
        if result.extracted.dateline_element:
            self.run.printed_datelines[article.id] = result.extracted.dateline_element
        return article
