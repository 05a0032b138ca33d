"""The Redis store under `make bench-dedup`'s synthetic stream, beside the SQLite figures.

`redis_scale` starts its own `redis-server` on a free loopback port (no persistence: the server's
disk settings are not what is measured), then runs `workers` processes at once, each with its
own `Deduplicator` on the shared store and its own share of the stream (`check`, `add` for what
drop mode writes, `flush` every `flush_every`, as `scale` does for SQLite). Prints, per worker,
check-and-add documents/s (target >= 2,000), per CPU second of the worker, and round trips per
document as the store counts them (every send-and-wait on its connection, a pipeline being one);
for the server, the scripts it ran per document (`INFO commandstats`: every store call but `bind`
is one script in one round trip, so the two counts agree), its CPU per document and its memory
per document (used_memory after minus before, over the documents checked).
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import redis

from devtools.redis_server import RedisServer
from newscrawl.dedup import Deduplicator
from newscrawl.dedup.redis_store import RedisStore
from newscrawl.urls import url_id

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

TARGET = 2_000  # documents/s per worker
CHUNK = 2_000
FLUSH_EVERY = 50  # the pipeline's OUTPUT_SYNC_EVERY, as for SQLite


class Stream(Protocol):
    def chunk(self, size: int) -> list[tuple[str, str, str]]: ...


def _worker(
    url: str,
    make_stream: type[Stream],
    args: tuple[int, float, int, int],
    part: int,
    start: Barrier,
    results: Queue[tuple[int, float, float, int, int]],
) -> None:
    """Run one worker's share; put (documents, seconds, CPU seconds, round trips, written).

    Every worker generates the whole stream and takes every `workers`-th chunk, so copies of a
    story reach other workers than its original, as on a shared frontier.
    """
    seed, days, total, workers = args
    stream = make_stream(seed, days, total)  # type: ignore[call-arg]
    store = RedisStore(url)
    dedup = Deduplicator(store)
    start.wait()
    elapsed = cpu = 0.0
    done = written = 0
    for index in range(0, total, CHUNK):
        docs = stream.chunk(min(CHUNK, total - index))
        if (index // CHUNK) % workers != part:
            continue
        started, cpu_started = time.perf_counter(), time.process_time()
        for canonical_url, text, written_at in docs:
            record_id = url_id(canonical_url)
            verdict = dedup.check(id=record_id, canonical_url=canonical_url, text=text)
            if verdict.kind in ("new", "revision"):
                written += 1
                dedup.add(
                    id=record_id,
                    canonical_url=canonical_url,
                    text=text,
                    verdict=verdict,
                    lastmod=None,
                    written_at=written_at,
                )
            done += 1
            if done % FLUSH_EVERY == 0:
                dedup.flush()
        dedup.flush()
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    trips = store.round_trips
    dedup.close()
    results.put((done, elapsed, cpu, trips, written))


def redis_scale(
    total: int, days: float, seed: int, make_stream: type[Stream], workers: int
) -> bool:
    """Bench `workers` processes sharing `total` documents on one Redis."""
    print(f"== scale: {total:,} synthetic documents, Redis store, {workers} worker(s) ==")
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        server = RedisServer(Path(folder)).start()
        try:
            client = server.client()
            before = int(client.info("memory")["used_memory"])
            server_cpu = _server_cpu(client)
            scripts = _scripts_run(client)
            context = multiprocessing.get_context("spawn")
            start, results = context.Barrier(workers), context.Queue()
            processes = [
                context.Process(
                    target=_worker,
                    args=(
                        server.url,
                        make_stream,
                        (seed, days, total, workers),
                        part,
                        start,
                        results,
                    ),
                )
                for part in range(workers)
            ]
            for process in processes:
                process.start()
            outcomes = [results.get(timeout=3600) for _ in processes]
            for process in processes:
                process.join(timeout=60)
            after = int(client.info("memory")["used_memory"])
            server_cpu = _server_cpu(client) - server_cpu
            scripts = _scripts_run(client) - scripts
            keys = client.dbsize()
            client.close()
        finally:
            server.stop()
    done = sum(o[0] for o in outcomes)
    written = sum(o[4] for o in outcomes)
    rates = [o[0] / o[1] for o in outcomes]
    for part, (count, seconds, cpu, trips, _) in enumerate(outcomes):
        print(
            f"   worker {part}: {count / seconds:>8,.0f} documents/s check-and-add "
            f"({count / cpu:,.0f} per CPU second of the worker), "
            f"{trips / count:.2f} round trips/document"
        )
    print(f"   slowest worker:   {min(rates):>8,.0f} documents/s   (target >= {TARGET:,})")
    print(
        f"   round trips:      {sum(o[3] for o in outcomes) / done:>8.2f} per document counted "
        f"by the store; the server ran {scripts / done:.2f} scripts per document "
        "(INFO commandstats, EVALSHA: one a round trip)"
    )
    print(
        f"   CPU per document: {sum(o[2] for o in outcomes) / done * 1e6:>8,.0f} µs in the "
        f"workers, {server_cpu / done * 1e6:,.0f} µs in redis-server"
    )
    print(
        f"   Redis memory:     {(after - before) / done:>8,.0f} bytes/document checked "
        f"({(after - before) / written:,.0f} per document written; {keys:,} keys)"
    )
    return min(rates) >= TARGET


def _server_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _scripts_run(client: redis.Redis) -> int:
    """EVALSHA commands the server ran so far (each store script is one round trip)."""
    return int(client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0))
