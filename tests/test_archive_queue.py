"""The shared archive list (`newscrawl.archive_queue`) on a real redis-server."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from newscrawl.archive_queue import ArchiveQueue, Progress, Taken, crawl_name

if TYPE_CHECKING:
    from devtools.redis_server import RedisServer

ARCHIVES = [f"/data/cc-news/{n}.warc.gz" for n in range(4)]


def _queues(server: RedisServer, count: int, lease_ms: int = 60_000) -> list[ArchiveQueue]:
    crawl = f"test-{uuid.uuid4().hex}"
    return [ArchiveQueue(server.client(), crawl, lease_ms, owner=f"w{n}") for n in range(count)]


def test_workers_starting_together_push_the_list_once(redis_server: RedisServer) -> None:
    queues = _queues(redis_server, 8)
    with ThreadPoolExecutor(8) as pool:
        added = list(pool.map(lambda q: q.push(ARCHIVES), queues))
    assert sorted(added) == [0] * 7 + [4]
    assert queues[0].progress() == Progress(known=4, pending=4, leased=0, done=0)
    assert queues[1].push([*ARCHIVES, "/data/cc-news/new.warc.gz"]) == 1  # a grown glob


def test_each_archive_is_leased_to_one_worker_in_order(redis_server: RedisServer) -> None:
    first, second = _queues(redis_server, 2)
    first.push(ARCHIVES)
    taken = [first.take(), second.take(), first.take(), second.take()]
    assert taken == [Taken(archive, taken_over=False) for archive in ARCHIVES]
    assert first.take() is None
    assert first.busy()
    assert first.progress() == Progress(known=4, pending=0, leased=4, done=0)
    assert not second.done(ARCHIVES[0])  # not its lease
    assert first.done(ARCHIVES[0]) and first.done(ARCHIVES[2])
    assert second.done(ARCHIVES[1]) and second.done(ARCHIVES[3])
    assert not first.busy()
    assert first.progress() == Progress(known=4, pending=0, leased=0, done=4)
    first.push(ARCHIVES)  # the same command again: the crawl is over
    assert first.take() is None


def test_an_expired_lease_is_taken_over(redis_server: RedisServer) -> None:
    dead, alive = _queues(redis_server, 2, lease_ms=300)
    dead.push(ARCHIVES[:2])
    assert dead.take() == Taken(ARCHIVES[0], taken_over=False)
    assert alive.take() == Taken(ARCHIVES[1], taken_over=False)
    for _ in range(4):  # the live worker renews, the dead one does not
        time.sleep(0.1)
        assert alive.renew(ARCHIVES[1])
    assert alive.take() == Taken(ARCHIVES[0], taken_over=True)
    assert not dead.renew(ARCHIVES[0])  # came back too late: the lease is the other's
    assert not dead.done(ARCHIVES[0])
    assert alive.done(ARCHIVES[0]) and alive.done(ARCHIVES[1])
    assert alive.progress() == Progress(known=2, pending=0, leased=0, done=2)


def test_a_released_archive_goes_back_to_the_head_of_the_queue(
    redis_server: RedisServer,
) -> None:
    stopped, other = _queues(redis_server, 2)
    stopped.push(ARCHIVES)
    assert stopped.take() == Taken(ARCHIVES[0], taken_over=False)
    assert stopped.release(ARCHIVES[0])
    assert other.take() == Taken(ARCHIVES[0], taken_over=False)
    assert other.progress().leased == 1


def test_writers_of_records_and_reset(redis_server: RedisServer) -> None:
    (queue,) = _queues(redis_server, 1)
    queue.push(ARCHIVES)
    assert queue.written_by("ab12") is None
    queue.wrote("ab12", "warc-run-a")
    queue.wrote("ab12", "warc-run-b")
    queue.wrote("cd34", "warc-run-a")
    assert queue.written_by("ab12") == "warc-run-b"
    assert queue.written_by("cd34") == "warc-run-a"
    assert queue.reset() > 0
    assert queue.progress() == Progress(0, 0, 0, 0)
    assert queue.written_by("ab12") is None


def test_crawl_names_follow_the_archive_list() -> None:
    assert crawl_name("warc", ARCHIVES) == crawl_name("warc", list(reversed(ARCHIVES)))
    assert crawl_name("warc", ARCHIVES) != crawl_name("warc", ARCHIVES[:3])
    assert crawl_name("warc", ARCHIVES, "ccnews") == "ccnews"
