"""The `DedupStore` contract: the same tests against every implementation (SQLite and Redis).

`backend` opens stores by URL through `newscrawl.dedup.stores.open_store`, as a crawl does; each
test gets an empty store. The Redis store runs on a real `redis-server` (the `redis_server`
fixture), with claims that expire after two seconds so a killed crawl's claims end in the test.
"""

from __future__ import annotations

import multiprocessing
import random
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pytest

from devtools.dedup_corpus import load_stories, see
from newscrawl.dedup import Deduplicator, NearDupParams, StoreMismatchError
from newscrawl.dedup.store import Claim, StoredRecord
from newscrawl.dedup.stores import open_store, sqlite_url
from newscrawl.urls import url_id

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier
    from pathlib import Path

    from devtools.redis_server import RedisServer
    from newscrawl.dedup.store import DedupStore

STORIES = [s.text for s in load_stories()]
REDIS_CLAIM_TTL = 2


@dataclass(frozen=True)
class Backend:
    """One store implementation under test: its URL, and how long a dead crawl's claims last."""

    url: str
    claims_outlive_death: float  # seconds
    claims_on_look: bool  # `look` claims a text the store knows nothing of (else it never does)

    def open(self) -> DedupStore:
        return open_store(self.url)

    def dedup(self, params: NearDupParams | None = None) -> Deduplicator:
        return Deduplicator(self.open(), params or NearDupParams())


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        # a killed crawl's process id is gone at once
        return Backend(sqlite_url(str(tmp_path / "dedup.sqlite")), 0.0, claims_on_look=False)
    server = request.getfixturevalue("redis_server")
    prefix = f"test:{uuid.uuid4().hex[:8]}"
    url = f"{server.url}?prefix={prefix}&claim_ttl={REDIS_CLAIM_TTL}"
    return Backend(url, REDIS_CLAIM_TTL, claims_on_look=True)


def write(d: Deduplicator, url: str, text: str, when: str = "2024-05-01T12:00:00Z") -> str:
    """check() and, when drop mode would write it, add(); return the verdict kind."""
    return see(d, url, text, when=when).kind


def copy_of(text: str) -> str:
    """A syndicated copy: dateline added, last paragraph trimmed."""
    return "SYDNEY (AP) \u2014 " + "\n".join(text.split("\n")[:-1])


def record(
    url_key: int, revision: int = 1, *, doc_text: int = 0, bands: tuple[int, ...] = ()
) -> StoredRecord:
    return StoredRecord(
        url_key=url_key,
        id=f"id{url_key}",
        content_key=1000 + doc_text,
        revision=revision,
        lastmod=None,
        written_at=1_700_000_000,
        size=10,
        sketch=bytes([doc_text % 256]) * 128,
        band_keys=np.array(bands, dtype="<u4").tobytes(),
        index_content=True,
    )


def test_second_run_sees_the_first(backend: Backend) -> None:
    first = backend.dedup()
    for i, text in enumerate(STORIES[:5]):
        assert write(first, f"https://wire.example/{i}", text) == "new"
    first.flush()
    first.close()

    second = backend.dedup()
    assert second.url_written("https://wire.example/3")  # URL keys
    assert write(second, "https://wire.example/3", STORIES[3]) == "unchanged"
    assert write(second, "https://paper.example/3", STORIES[3]) == "exact"  # content keys
    assert write(second, "https://paper.example/4", copy_of(STORIES[4])) == "near"  # bands
    assert write(second, "https://paper.example/9", STORIES[9]) == "new"
    second.close()


def test_url_state_round_trips(backend: Backend) -> None:
    store = backend.open()
    store.bind("params")
    assert store.get_url(7) is None
    stored = record(7, bands=(5, 6))
    store.write([stored], {}, expire_before=0)
    state = store.get_url(7)
    assert state is not None
    assert (state.id, state.content_key, state.revision, state.lastmod) == ("id7", 1000, 1, None)
    assert (state.written_at, state.size, state.sketch) == (1_700_000_000, 10, stored.sketch)
    assert store.first_with_content(1000) == "id7"
    assert store.first_with_content(1001) is None
    store.close()


def test_revisions_keep_the_higher_one_and_the_earlier_document(backend: Backend) -> None:
    store = backend.open()
    store.bind("params")
    store.write([record(7, 2, doc_text=2, bands=(20,))], {}, expire_before=0)
    store.write([record(7, 1, doc_text=1, bands=(10,))], {}, expire_before=0)  # a late writer
    state = store.get_url(7)
    assert state is not None and state.revision == 2 and state.content_key == 1002
    store.write([record(7, 3, doc_text=3, bands=(30,))], {}, expire_before=0)
    assert store.get_url(7).revision == 3
    # every revision's text stays a near-duplicate target, and its content key stays the first
    docs = store.candidates(np.array([10, 20, 30], dtype=np.uint32))
    assert len(docs) == 3
    assert store.first_with_content(1002) == "id7"
    store.close()


def test_newer_lastmod_of_an_unchanged_recrawl_is_remembered(backend: Backend) -> None:
    store = backend.open()
    store.bind("params")
    store.write([record(7)], {}, expire_before=0)
    store.write([], {7: 1_800_000_000}, expire_before=0)
    assert store.get_url(7).lastmod == 1_800_000_000
    store.write([], {7: 1_750_000_000}, expire_before=0)  # older: kept as it is
    assert store.get_url(7).lastmod == 1_800_000_000
    store.close()


def test_band_buckets_find_documents_once_per_shared_band(backend: Backend) -> None:
    store = backend.open()
    store.bind("params")
    store.write(
        [record(1, bands=(11, 12, 2**32 - 1)), record(2, bands=(12, 13))], {}, expire_before=0
    )
    store.write([record(3, bands=())], {}, expire_before=0)  # not indexed: no bands
    found = store.candidates(np.array([12, 2**32 - 1, 99], dtype=np.uint32))
    assert len(found) == 3
    by_doc = {e.doc: e for e in store.get_docs(sorted(set(found)))}
    assert sorted(e.id for e in by_doc.values()) == ["id1", "id2"]
    assert sorted(found).count(next(d for d, e in by_doc.items() if e.id == "id1")) == 2
    assert all(e.size == 10 and len(e.sketch) == 128 for e in by_doc.values())
    assert store.get_docs([]) == []
    store.close()


def test_unflushed_adds_die_with_the_process(backend: Backend) -> None:
    """A crawl killed (SIGKILL) between writing and fsync has marked nothing it did not flush."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from newscrawl.dedup import Deduplicator
        from newscrawl.dedup.stores import open_store
        from tests.test_store_contract import STORIES, write
        d = Deduplicator(open_store({backend.url!r}))
        write(d, "https://wire.example/flushed", STORIES[0])
        d.flush()
        write(d, "https://wire.example/pending", STORIES[1])
        assert d.url_written("https://wire.example/pending")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -9, result.stderr.decode()
    time.sleep(backend.claims_outlive_death + 0.5)

    after = backend.dedup()
    assert after.url_written("https://wire.example/flushed")
    assert not after.url_written("https://wire.example/pending")
    assert write(after, "https://paper.example/0", STORIES[0]) == "exact"
    assert write(after, "https://paper.example/1", STORIES[1]) == "new"  # its claim ended
    after.close()


def test_close_discards_unflushed_adds(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    d = backend.dedup()
    write(d, "https://wire.example/1", STORIES[0])
    d.close()
    assert "discarding 1 unflushed" in caplog.text
    after = backend.dedup()
    assert not after.url_written("https://wire.example/1")
    after.close()


def crawl(url: str, name: str, count: int, start: Barrier, queue: Queue[list[str]]) -> None:
    """One of two concurrent crawls: many small flushes against the shared store."""
    d = Deduplicator(open_store(url))
    start.wait()
    written = []
    for i in range(count):
        text = STORIES[i % len(STORIES)] + f"\nThis is {name} story number {i} of the day."
        url_ = f"https://{name}.example/{i}"
        if write(d, url_, text) == "new":
            written.append(url_)
        if i % 3 == 0:
            d.flush()
    d.flush()
    d.close()
    queue.put(written)


def test_two_processes_share_one_store(backend: Backend) -> None:
    context = multiprocessing.get_context("spawn")
    queue, start = context.Queue(), context.Barrier(2)
    workers = [
        context.Process(target=crawl, args=(backend.url, name, 400, start, queue))
        for name in ("ap", "reuters")
    ]
    for worker in workers:
        worker.start()
    written = [url for _ in workers for url in queue.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # each story written once: by the first crawl to check it, the other saw its claim
    assert len(written) == len(STORIES)
    after = backend.dedup()
    assert all(after.url_written(url) for url in written)
    after.close()


def test_claims_of_another_crawl_count_until_it_ends(backend: Backend) -> None:
    first, second = backend.dedup(), backend.dedup()
    url = "https://wire.example/1"
    assert first.check(id=url_id(url), canonical_url=url, text=STORIES[0]).kind == "new"
    # decided, not yet written or flushed: the other crawl already treats it as written
    assert write(second, url, STORIES[0]) == "unchanged"
    assert write(second, "https://paper.example/1", STORIES[0]) == "exact"
    assert write(second, "https://paper.example/2", copy_of(STORIES[0])) == "near"
    first.close()  # never written: the claim ends
    assert write(second, "https://paper.example/3", copy_of(STORIES[0])) == "new"
    second.close()


def test_claims_of_a_killed_crawl_expire(backend: Backend) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal
        from newscrawl.dedup.store import Claim
        from newscrawl.dedup.stores import open_store
        store = open_store({backend.url!r})
        store.bind("params")
        with store.exclusive():
            store.claim(Claim(1, "x", 1, 42, 0, b""))
        print("claimed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.stdout == b"claimed\n", result.stderr.decode()
    store = backend.open()
    store.bind("params")
    if backend.claims_outlive_death:  # the claim stands until its owner's key expires
        assert [c.content_key for c in store.foreign_claims()] == [42]
        time.sleep(backend.claims_outlive_death + 1)
        store.refresh()
    assert store.foreign_claims() == []
    store.close()


def test_claims_end_with_the_flush_of_their_record(backend: Backend) -> None:
    mine, other = backend.open(), backend.open()
    for store in (mine, other):
        store.bind("params")
    with mine.exclusive():
        other.refresh()
        mine.claim(Claim(7, "id7", 1, 1000, 10, b"\1" * 128))
    other.refresh()
    assert [c.url_key for c in other.foreign_claims()] == [7]
    assert mine.foreign_claims() == []  # its own claims are not foreign
    mine.write([record(7)], {}, expire_before=0)
    assert other.refresh()
    assert other.foreign_claims() == []
    assert not other.refresh()  # nothing new since
    mine.close()
    other.close()


def test_window_prunes_near_duplicate_entries_only(backend: Backend) -> None:
    d = backend.dedup(NearDupParams(window_days=30))
    write(d, "https://wire.example/old", STORIES[0], when="2024-01-01T00:00:00Z")
    d.flush()
    assert write(d, "https://paper.example/a", copy_of(STORIES[0])) == "near"
    write(d, "https://wire.example/new", STORIES[1], when="2024-03-01T00:00:00Z")
    d.flush()  # 60 days later: the first document leaves the 30-day window
    assert write(d, "https://paper.example/b", copy_of(STORIES[0])) == "new"
    assert write(d, "https://paper.example/c", STORIES[0]) == "exact"  # content keys stay
    assert d.url_written("https://wire.example/old")  # URL keys stay
    assert write(d, "https://wire.example/old", STORIES[0]) == "unchanged"
    assert write(d, "https://paper.example/d", copy_of(STORIES[1])) == "near"  # in the window
    d.close()


def test_pruned_documents_leave_the_band_buckets(backend: Backend) -> None:
    store = backend.open()
    store.bind("params")
    old = record(1, bands=(11, 12))
    store.write([old], {}, expire_before=0)
    store.write(
        [replace(record(2, bands=(12, 13)), written_at=old.written_at + 100)], {}, expire_before=0
    )
    (doc_old,) = [e.doc for e in store.get_docs(store.candidates(np.array([11], np.uint32)))]
    store.write([], {}, expire_before=old.written_at + 1)
    assert store.get_docs([doc_old]) == []
    assert store.candidates(np.array([11], dtype=np.uint32)) == []
    assert len(store.candidates(np.array([12, 13], dtype=np.uint32))) == 2  # the newer one
    store.close()


def test_fingerprint_parameters_are_bound_on_first_use(backend: Backend) -> None:
    backend.dedup(NearDupParams(num_perm=128)).close()
    with pytest.raises(StoreMismatchError):
        backend.dedup(NearDupParams(num_perm=64, bands=16, rows=2))
    backend.dedup(NearDupParams(num_perm=128, threshold=0.7)).close()  # not a fingerprint one


def text(url_key: int, content_key: int, bands: tuple[int, ...] = ()) -> Claim:
    """What `look` is told about a text (and the claim it makes when nothing is known)."""
    band_keys = np.array(bands, dtype="<u4").tobytes()
    return Claim(url_key, f"id{url_key}", 1, content_key, 10, b"\3" * 128, band_keys)


def test_look_claims_only_texts_nothing_knows(backend: Backend) -> None:
    mine, other = backend.open(), backend.open()
    for store in (mine, other):
        store.bind("params")
    mine.write([record(7, bands=(5, 6))], {}, expire_before=0)  # URL 7, content 1000
    assert not mine.look(text(7, 2000), claim_unknown=True)  # its URL is written
    assert not mine.look(text(8, 1000), claim_unknown=True)  # its content is written
    assert not mine.look(text(9, 2000, (6, 99)), claim_unknown=True)  # it shares a band
    assert not mine.look(text(10, 3000, (77,)), claim_unknown=False)  # not asked to claim
    assert other.foreign_claims() == []
    claimed = mine.look(text(10, 3000, (77,)), claim_unknown=True)
    assert claimed == backend.claims_on_look
    if claimed:  # the claim is there for the others at once
        other.refresh()
        assert [c.url_key for c in other.foreign_claims()] == [10]
        assert other.foreign_claims()[0].band_keys == text(10, 3000, (77,)).band_keys
        # another text with its content, or sharing its band, is not unknown: the look found
        # the claim bearing on it, and foreign_claims() answers with it
        assert not other.look(text(11, 3000), claim_unknown=True)
        assert [c.url_key for c in other.foreign_claims()] == [10]
        assert not other.look(text(12, 4000, (1, 77)), claim_unknown=True)
        assert [c.url_key for c in other.foreign_claims()] == [10]
        assert not other.look(text(13, 5000, (2,)), claim_unknown=False)
        assert other.foreign_claims() == []  # none bears on that one
    with mine.exclusive():  # nobody claims while another process holds exclusive()
        assert not other.look(text(14, 6000, (3,)), claim_unknown=True)
    mine.close()
    other.close()


WORDS = sorted({word for story in STORIES for word in story.split()})


def random_text(seed: int) -> str:
    """300 words drawn from the stories' vocabulary: no two seeds near each other."""
    return " ".join(random.Random(seed).choices(WORDS, k=300))


def race(url: str, name: str, rounds: int, start: Barrier, queue: Queue[list[str]]) -> None:
    """One of two crawls checking the same texts at the same moments; put the verdicts."""
    d = Deduplicator(open_store(url))
    kinds = []
    for i in range(rounds):
        start.wait()
        kinds.append(write(d, f"https://{name}.example/{i}", random_text(2 * i)))  # own URL
        start.wait()
        kinds.append(write(d, f"https://wire.example/{i}", random_text(2 * i + 1)))  # same URL
        d.flush()
    d.close()
    queue.put(kinds)


def test_two_crawls_racing_for_one_text_one_wins(backend: Backend) -> None:
    """Two processes check the same new text (then the same new URL) at the same instant, many
    times: each time exactly one of them decides to write it."""
    context = multiprocessing.get_context("spawn")
    queue, start = context.Queue(), context.Barrier(2)
    rounds = 40
    workers = [
        context.Process(target=race, args=(backend.url, name, rounds, start, queue))
        for name in ("ap", "reuters")
    ]
    for worker in workers:
        worker.start()
    first, second = (queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(first) == len(second) == 2 * rounds
    for mine, theirs in zip(first, second, strict=True):
        assert sorted((mine, theirs)) in (["exact", "new"], ["new", "unchanged"])


def test_redis_store_emptied_under_a_worker_is_indexed_again(redis_server: RedisServer) -> None:
    """Keys deleted (a reset, or a restart without persistence) while a worker runs: document
    numbers start again from 1, and the worker's band index must follow, not skip them."""
    url = f"{redis_server.url}?prefix=test:{uuid.uuid4().hex[:8]}"
    running, client = open_store(url), redis_server.client()
    running.bind("params")
    running.write([record(1, bands=(5, 6))], {}, expire_before=0)
    assert len(running.candidates(np.array([5], dtype=np.uint32))) == 1
    client.delete(*running.keys())
    other = open_store(url)
    other.bind("params")
    other.write([record(2, bands=(7,))], {}, expire_before=0)
    assert running.candidates(np.array([5], dtype=np.uint32)) == []
    (doc,) = running.candidates(np.array([7], dtype=np.uint32))
    assert [e.id for e in running.get_docs([doc])] == ["id2"]
    for store in (running, other):
        store.close()
    client.close()
