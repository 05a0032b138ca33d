"""The SQLite store: persistence across runs, crash safety, concurrency, the rolling window."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from typing import TYPE_CHECKING

import numpy as np
import pytest

from devtools.dedup_corpus import load_stories, see
from newscrawl.dedup import (
    Deduplicator,
    NearDupParams,
    SQLiteStore,
    StoreCorruptError,
    band_index,
    sqlite_store,
)
from newscrawl.dedup.store import Claim
from newscrawl.urls import url_id

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier
    from pathlib import Path

STORIES = [s.text for s in load_stories()]


def write(d: Deduplicator, url: str, text: str, when: str = "2024-05-01T12:00:00Z") -> str:
    """check() and, when drop mode would write it, add(); return the verdict kind."""
    return see(d, url, text, when=when).kind


def copy_of(text: str) -> str:
    """A syndicated copy: dateline added, last paragraph trimmed."""
    return "SYDNEY (AP) \u2014 " + "\n".join(text.split("\n")[:-1])


def test_second_run_sees_the_first(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    first = Deduplicator(SQLiteStore(path))
    for i, text in enumerate(STORIES[:5]):
        assert write(first, f"https://wire.example/{i}", text) == "new"
    first.flush()
    first.close()

    second = Deduplicator(SQLiteStore(path))
    assert second.url_written("https://wire.example/3")
    assert write(second, "https://wire.example/3", STORIES[3]) == "unchanged"
    assert write(second, "https://paper.example/3", STORIES[3]) == "exact"
    assert write(second, "https://paper.example/4", copy_of(STORIES[4])) == "near"
    assert write(second, "https://paper.example/9", STORIES[9]) == "new"
    second.close()


def test_unflushed_adds_die_with_the_process(tmp_path: Path) -> None:
    """A crawl killed (SIGKILL) between writing and fsync has marked nothing it did not flush."""
    path = tmp_path / "dedup.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from newscrawl.dedup import Deduplicator, SQLiteStore
        from tests.test_dedup_store import STORIES, write
        d = Deduplicator(SQLiteStore({str(path)!r}))
        write(d, "https://wire.example/flushed", STORIES[0])
        d.flush()
        write(d, "https://wire.example/pending", STORIES[1])
        assert d.url_written("https://wire.example/pending")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -9, result.stderr.decode()

    after = Deduplicator(SQLiteStore(path))
    assert after.url_written("https://wire.example/flushed")
    assert not after.url_written("https://wire.example/pending")
    assert write(after, "https://paper.example/0", STORIES[0]) == "exact"
    assert write(after, "https://paper.example/1", STORIES[1]) == "new"
    after.close()


def test_close_discards_unflushed_adds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "dedup.sqlite"
    d = Deduplicator(SQLiteStore(path))
    write(d, "https://wire.example/1", STORIES[0])
    d.close()
    assert "discarding 1 unflushed" in caplog.text
    after = Deduplicator(SQLiteStore(path))
    assert not after.url_written("https://wire.example/1")
    after.close()


def crawl(path: str, name: str, count: int, start: Barrier, queue: Queue[list[str]]) -> None:
    """One of two concurrent crawls: many small flushes against the shared store."""
    d = Deduplicator(SQLiteStore(path))
    start.wait()
    written = []
    for i in range(count):
        text = STORIES[i % len(STORIES)] + f"\nThis is {name} story number {i} of the day."
        url = f"https://{name}.example/{i}"
        if write(d, url, text) == "new":
            written.append(url)
        if i % 3 == 0:
            d.flush()
    d.flush()
    d.close()
    queue.put(written)


def test_two_processes_share_one_store(tmp_path: Path) -> None:
    path = str(tmp_path / "dedup.sqlite")
    context = multiprocessing.get_context("spawn")
    queue, start = context.Queue(), context.Barrier(2)
    workers = [
        context.Process(target=crawl, args=(path, name, 400, start, queue))
        for name in ("ap", "reuters")
    ]
    for worker in workers:
        worker.start()
    written = [url for _ in workers for url in queue.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0  # no "database is locked" or any other error
    # each story written once: by the first crawl to check it, the other saw its claim
    assert len(written) == len(STORIES)
    after = Deduplicator(SQLiteStore(path))
    assert all(after.url_written(url) for url in written)
    after.close()


def test_claims_of_another_crawl_count_until_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    first, second = Deduplicator(SQLiteStore(path)), Deduplicator(SQLiteStore(path))
    url = "https://wire.example/1"
    assert first.check(id=url_id(url), canonical_url=url, text=STORIES[0]).kind == "new"
    # decided, not yet written or flushed: the other crawl already treats it as written
    assert write(second, url, STORIES[0]) == "unchanged"
    assert write(second, "https://paper.example/1", STORIES[0]) == "exact"
    assert write(second, "https://paper.example/2", copy_of(STORIES[0])) == "near"
    first.close()  # never written: the claim ends
    assert write(second, "https://paper.example/3", copy_of(STORIES[0])) == "new"
    second.close()


class _CountsCommits:
    """An sqlite3 connection that counts its COMMITs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.commits = 0

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        self.commits += sql == "COMMIT"
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def test_claims_in_quick_succession_are_committed_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_GROUP_COMMIT", 0.5)
    path = tmp_path / "dedup.sqlite"
    mine, other = SQLiteStore(path), SQLiteStore(path)
    for store in (mine, other):
        store.bind("params")
    mine._conn = counting = _CountsCommits(mine._conn)  # type: ignore[assignment]
    for key in range(1, 21):
        with mine.exclusive():
            mine.claim(Claim(key, f"id{key}", 1, 1000 + key, 10, b"\1" * 128))
    assert counting.commits == 1  # a lone claim commits at once; the next 19 wait together
    other.refresh()
    assert [c.url_key for c in other.foreign_claims()] == [1]  # only committed ones are read
    started = time.monotonic()
    with other.exclusive():  # where a crawl decides to write: after the 19 are committed
        assert other.refresh()
        assert sorted(c.url_key for c in other.foreign_claims()) == list(range(1, 21))
    assert time.monotonic() - started < 5
    assert counting.commits == 2
    mine.close()
    other.close()


def test_a_flush_commits_the_waiting_claims_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_GROUP_COMMIT", 60.0)  # the committer thread never runs
    path = tmp_path / "dedup.sqlite"
    d = Deduplicator(SQLiteStore(path))
    for i, text in enumerate(STORIES[:5]):
        assert write(d, f"https://wire.example/{i}", text) == "new"
    d.flush()
    with closing(sqlite3.connect(path, timeout=0.1)) as other:
        assert other.execute("SELECT COUNT(*) FROM urls").fetchone() == (5,)
        assert other.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)
    _assert_write_lock_free(path)
    assert write(d, "https://wire.example/5", STORIES[5]) == "new"  # waits: close ends it
    d.close()
    _assert_write_lock_free(path)
    with closing(sqlite3.connect(path)) as other:
        assert other.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)


def _claim_by(path: Path, pid: int) -> None:
    """A claim in the store at `path` held by process `pid`, as its crawl would have left it."""
    Deduplicator(SQLiteStore(path)).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO claims VALUES (?, ?, strftime('%s'), 'x', 1, ?, 0, x'')",
            (1, f"{pid}-0000", 42),
        )


def test_claims_of_a_dead_crawl_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    _claim_by(path, int(ended.stdout))
    d = Deduplicator(SQLiteStore(path))
    assert d.store.foreign_claims() == []
    d.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)


def test_claims_of_a_killed_crawl_not_yet_reaped_do_not_count(tmp_path: Path) -> None:
    """A crawl killed while its parent waits on a sibling is a zombie: alive to kill(pid, 0)."""
    path = tmp_path / "dedup.sqlite"
    crawl = subprocess.Popen([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), 9)"])
    try:
        os.waitid(os.P_PID, crawl.pid, os.WEXITED | os.WNOWAIT)  # waits for death, not reaping
        os.kill(crawl.pid, 0)  # still there as far as signals go
        _claim_by(path, crawl.pid)
        d = Deduplicator(SQLiteStore(path))
        assert d.store.foreign_claims() == []
        d.close()
    finally:
        crawl.wait()


def test_window_prunes_near_duplicate_entries_only(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    d = Deduplicator(SQLiteStore(path), NearDupParams(window_days=30))
    write(d, "https://wire.example/old", STORIES[0], when="2024-01-01T00:00:00Z")
    d.flush()
    assert write(d, "https://paper.example/a", copy_of(STORIES[0])) == "near"
    write(d, "https://wire.example/new", STORIES[1], when="2024-03-01T00:00:00Z")
    d.flush()  # 60 days later: the first document leaves the 30-day window
    assert write(d, "https://paper.example/b", copy_of(STORIES[0])) == "new"
    assert write(d, "https://paper.example/c", STORIES[0]) == "exact"  # content keys stay
    assert d.url_written("https://wire.example/old")  # URL keys stay
    assert write(d, "https://wire.example/old", STORIES[0]) == "unchanged"
    d.close()
    with closing(sqlite3.connect(path)) as conn:
        windowed = conn.execute("SELECT COUNT(*) FROM docs WHERE written_at < 1704153600")
        assert windowed.fetchone() == (0,)


def test_band_index_merges_and_forgets_pruned_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(band_index, "_RECENT_ENTRIES", 8)
    index = band_index.BandIndex(0)

    def entries(pairs: list[tuple[int, int]]) -> np.ndarray:
        return np.array([(key << 32) | doc for key, doc in pairs], dtype=np.uint64)

    index.add(entries([(7, 1), (9, 1)]))  # waits in the dict
    index.add(entries([(7, 2)]))  # a key shared by two documents
    assert sorted(index.lookup(np.array([7, 8, 9], dtype=np.uint32))) == [1, 1, 2]
    index.add(entries([(k, 3) for k in range(100, 110)]))  # merged into the sorted array
    assert sorted(index.lookup(np.array([7, 105, 2**32 - 1], dtype=np.uint32))) == [1, 2, 3]
    index.first_live = 2  # document 1 was pruned
    assert sorted(index.lookup(np.array([7, 9], dtype=np.uint32))) == [2]
    index.add(entries([(k, 4) for k in range(200, 210)]))
    assert sorted(index.lookup(np.array([7, 9, 200], dtype=np.uint32))) == [2, 4]


def test_band_index_agrees_with_a_plain_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(band_index, "_RECENT_ENTRIES", 64)
    rng = np.random.default_rng(7)
    index = band_index.BandIndex(0)
    expected: dict[int, list[int]] = {}
    keys = rng.integers(0, 2**32, 300, dtype=np.uint64)  # few keys: many shared ones
    for doc in range(1, 400):
        mine = rng.choice(keys, 4, replace=False)
        index.add((mine << np.uint64(32)) | np.uint64(doc))
        for key in mine.tolist():
            expected.setdefault(key, []).append(doc)
        if doc % 50 == 0:
            index.first_live = doc - 100
        probe = rng.choice(keys, 16).astype(np.uint32)
        wanted = [d for k in probe.tolist() for d in expected.get(k, []) if d >= index.first_live]
        assert sorted(index.lookup(probe)) == sorted(wanted)


class _CommitFails:
    """An sqlite3 connection whose next `failures` COMMITs fail as on a full disk."""

    def __init__(self, conn: sqlite3.Connection, failures: int) -> None:
        self._conn = conn
        self.failures = failures

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "COMMIT" and self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def _assert_write_lock_free(path: Path) -> None:
    """Another process's writer gets the lock at once (no busy wait, no "database is locked")."""
    with closing(sqlite3.connect(path, timeout=0.1, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


def test_a_failed_commit_is_rolled_back_and_its_marks_retried(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    store = SQLiteStore(path)
    d = Deduplicator(store)
    real = store._conn
    store._conn = failing = _CommitFails(real, failures=0)  # type: ignore[assignment]
    assert write(d, "https://wire.example/1", STORIES[0]) == "new"
    failing.failures = 1  # the next COMMIT is the flush's
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        d.flush()
    assert failing.failures == 0
    assert not real.in_transaction
    _assert_write_lock_free(path)
    assert d.url_written("https://wire.example/1")  # still buffered, still seen by checks
    assert write(d, "https://wire.example/2", STORIES[1]) == "new"
    d.flush()  # space again: the first flush's marks go in with the new ones
    d.close()
    after = Deduplicator(SQLiteStore(path))
    assert after.url_written("https://wire.example/1")
    assert after.url_written("https://wire.example/2")
    after.close()


def test_a_full_disk_during_a_flush_leaves_the_store_usable(tmp_path: Path) -> None:
    """A real SQLITE_FULL: the database may not grow by one page."""
    path = tmp_path / "dedup.sqlite"
    d = Deduplicator(SQLiteStore(path))
    conn = d.store._conn  # type: ignore[attr-defined]
    for i, text in enumerate(STORIES[:20]):
        write(d, f"https://wire.example/{i}", text)
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        d.flush()
    assert not conn.in_transaction
    _assert_write_lock_free(path)
    conn.execute(f"PRAGMA max_page_count={2**30}")
    d.flush()
    d.close()
    after = Deduplicator(SQLiteStore(path))
    assert all(after.url_written(f"https://wire.example/{i}") for i in range(20))
    after.close()


def test_a_damaged_store_is_one_clear_error_naming_the_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this was never a database " * 200)
    with pytest.raises(StoreCorruptError, match=r"garbage\.sqlite.*rebuildstore"):
        SQLiteStore(garbage)

    truncated = tmp_path / "truncated.sqlite"
    d = Deduplicator(SQLiteStore(truncated))
    for i, text in enumerate(STORIES[:50]):
        write(d, f"https://wire.example/{i}", text)
    d.flush()
    d.close()
    with open(truncated, "r+b") as handle:
        handle.seek(8192)
        handle.write(b"\xff" * 4096)  # a page of the tables overwritten
    with pytest.raises(StoreCorruptError, match=r"truncated\.sqlite"):
        Deduplicator(SQLiteStore(truncated))


def _open_at_once(path: str, barrier: Barrier) -> None:
    barrier.wait()
    SQLiteStore(path).close()


def test_processes_opening_a_new_store_together_all_open_it(tmp_path: Path) -> None:
    """Two spiders' first cron runs on a fresh output folder create the store at once."""
    context = multiprocessing.get_context("fork")
    for attempt in range(10):
        path = str(tmp_path / f"new{attempt}.sqlite")
        barrier = context.Barrier(6)
        openers = [context.Process(target=_open_at_once, args=(path, barrier)) for _ in range(6)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
        assert [opener.exitcode for opener in openers] == [0] * 6
