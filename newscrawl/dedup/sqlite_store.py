"""`DedupStore` in one SQLite file: the embedded default, shared by crawls on one machine.

Layout (all integer keys, so each entry costs a few dozen bytes):

- `urls(url_key PK, id, content_key, revision, lastmod, written_at, doc)`: kept forever.
- `contents(content_key PK, url_key)`: first URL written with each exact text; kept forever.
- `docs(doc PK, url_key, written_at, size, sketch, bands)`: one row per written text, numbered
  in write order, pruned from the front once older than the near-duplicate window. `sketch` is
  the `num_perm`-byte verification sketch; `bands` the LSH keys (uint32 LE), NULL when the text
  is a marked duplicate and so not a near-duplicate target.
- `claims(url_key PK, owner, created, id, revision, content_key, size, sketch)`: records a
  process decided to write and has not flushed yet; a handful of rows at any time.
- `meta(key PK, value)`: schema version, fingerprint parameters, next document number.

Why the LSH band keys live in a blob and are searched in memory: a B-tree keyed by band key
receives every insert at a random page, so a commit rewrites one page per band per document and
throughput fell from 13,000 to 2,900 documents/s between the first and the tenth 100,000 in a
measurement. Appending whole rows in document order keeps the write cost flat; each process keeps
a sorted uint64 array of `key << 32 | doc` (`band_index.BandIndex`) built from those rows (8
bytes per band per document in the window, plus a filter and a directory: ~140 MB for a million
documents with 16 bands, twice the array while a merge runs) and reads only the rows committed
since its last look (`PRAGMA data_version` says when another process committed).

Concurrency: WAL journal (readers never block the writer), writes in short `BEGIN IMMEDIATE`
transactions (the lock is taken up front, so two writers queue instead of failing to upgrade a
read lock), and a busy timeout so a writer waits for the other crawl's commit instead of raising
"database is locked". A check that finds a text to write claims it in one such transaction,
after making sure nothing was committed since it decided (else it decides again under the lock),
so when two crawls find one story at once the second sees the first's claim. A claim belongs to
a process id and ends with it (or after `_CLAIM_TTL`): a killed crawl blocks nothing for long.

Group commit: a claim made within `_GROUP_COMMIT` of the previous commit leaves its transaction
open, still holding the write lock, and the claims that follow join it; a thread commits them
when the interval is over (or the flush or `close` does, whichever comes first). A lone claim
commits at once, as before. Other processes read only committed claims, but a process decides
to write only under the write lock, so it waits for the commit and then sees every claim, as
before; the wait is at most `_GROUP_COMMIT`. A commit per claim cost ~40 µs, a fifth of the
check-and-add of a new text, at thousands of new texts per second.

Durability: flushes commit with `synchronous=FULL` (a flushed record survives power loss, as
`Deduplicator.flush` promises); claims commit with `synchronous=NORMAL` (no fsync: losing a claim
in a power cut only lets the story be decided again).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from newscrawl.dedup.band_index import SHIFT32, BandIndex
from newscrawl.dedup.store import (
    Claim,
    DedupStore,
    DocEntry,
    StoreCorruptError,
    StoreMismatchError,
    UrlState,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from newscrawl.dedup.store import StoredRecord

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    url_key INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    content_key INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    lastmod INTEGER,
    written_at INTEGER NOT NULL,
    doc INTEGER
);
CREATE TABLE IF NOT EXISTS contents (content_key INTEGER PRIMARY KEY, url_key INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    url_key INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    created INTEGER NOT NULL,
    id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    content_key INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sketch BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY,
    url_key INTEGER NOT NULL,
    written_at INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sketch BLOB NOT NULL,
    bands BLOB
);
"""

_UPSERT_URL = """
INSERT INTO urls (url_key, id, content_key, revision, lastmod, written_at, doc)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (url_key) DO UPDATE SET
    id = excluded.id, content_key = excluded.content_key, revision = excluded.revision,
    lastmod = excluded.lastmod, written_at = excluded.written_at, doc = excluded.doc
WHERE excluded.revision >= urls.revision
"""

# Items cross the pipeline from check to flush in seconds: a claim an hour old belongs to a
# process that is stuck or to a reused process id, and no longer counts.
_CLAIM_TTL = 3600
# How long a process found alive stays trusted before its id is probed again.
_ALIVE_CACHE = 1.0
# Claims within this many seconds of the previous commit are committed together (see above).
_GROUP_COMMIT = 0.005


def _is_zombie(pid: int) -> bool:
    """True for a process that has exited but not been reaped yet: killed, its claims are void.

    `cronrun` runs several spiders as children and waits for them in turn, so a crawl killed
    mid-run can stay a zombie (still answering `kill(pid, 0)`) until its siblings finish.
    Linux only: elsewhere (no /proc) a process that answers counts as alive.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # "pid (comm) state ...": comm may hold spaces and parentheses, so split at the last ")"
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


# Rows read per step when syncing the band index (bounds the transient Python objects).
_SYNC_ROWS = 65536


class SQLiteStore(DedupStore):
    """Dedup state in one SQLite file (WAL), safe for several processes on one machine.

    `path`: the database file, created with its parent folder when missing.
    `busy_timeout`: seconds a writer waits for another process's transaction; a flush of a
    thousand documents takes tens of milliseconds, so 60 s only runs out when a process hangs.
    `cache_mb`: SQLite page cache; 32 MB keeps the inner pages of the URL and content B-trees of
    several million entries in memory (leaf pages come from the OS cache).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = 60.0, cache_mb: int = 32
    ) -> None:
        self.path = os.fspath(path)
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        # isolation_level=None: autocommit reads, explicit BEGIN IMMEDIATE for writes.
        # check_same_thread=False: a caller may flush from a worker thread; calls never overlap.
        self._conn = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        with self._reporting_damage():
            _enter_wal(self._conn, busy_timeout)
            self._conn.execute("PRAGMA synchronous=NORMAL")  # FULL for flushes, see write()
            # Checkpoint every ~128 MB of WAL rather than 4 MB: pages rewritten between two
            # checkpoints are copied into the database once. Every new text's claim is a commit
            # of its own, so a smaller WAL checkpoints often and copies ever more distinct pages
            # as the tables grow (bench-dedup, 1M documents: last/first 100k 0.80 at 32 MB,
            # 0.93 here).
            self._conn.execute("PRAGMA wal_autocheckpoint=32768")
            self._conn.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
            with self._transaction():
                for statement in _SCHEMA.split(";")[:-1]:
                    self._conn.execute(statement)
        self._index: BandIndex | None = None
        self._version = -1  # data_version at the last refresh()
        self._index_stale = True  # the band index misses rows committed since
        # the process id says whether a claim still counts; the token tells two stores apart
        self._owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._alive: dict[str, float] = {}  # owner -> when it was last found alive
        self._claims: list[tuple] = []  # other processes' claims as of the last refresh
        self._claims_stale = True
        # Group commit: the committer thread shares the connection, so every use holds the lock.
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._claiming = False  # a claim transaction is open (the write lock is held)
        self._waiting = False  # ... and left for the committer thread to commit
        self._current = False  # ... and refresh() looked since it was opened
        self._committed_at = 0.0  # time.monotonic() of the last claim commit
        self._committer: threading.Thread | None = None
        self._closed = False

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    @contextlib.contextmanager
    def _reporting_damage(self) -> Iterator[None]:
        """Turn SQLite's "not a database" and "malformed" errors into `StoreCorruptError`."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in (
                sqlite3.SQLITE_NOTADB,
                sqlite3.SQLITE_CORRUPT,
            ):
                raise
            self._conn.close()
            raise StoreCorruptError(
                f"{self.path}: the dedup store is damaged ({exc}); move it away and rebuild it "
                "from the written files with `scrapy rebuildstore`"
            ) from exc

    def bind(self, fingerprint_params: str) -> None:
        wanted = {"schema": SCHEMA_VERSION, "fingerprints": fingerprint_params}
        with self._lock, self._reporting_damage(), self._transaction():
            for key, value in wanted.items():
                self._conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value)
                )
            stored = dict(self._conn.execute("SELECT key, value FROM meta"))
        for key, value in wanted.items():
            if stored[key] != value:
                raise StoreMismatchError(
                    f"{self.path} was built with {key} {stored[key]!r}, not {value!r}: "
                    "use another store path, or move this file away and rebuild it from the "
                    "written files with `scrapy rebuildstore`"
                )

    def refresh(self) -> bool:
        with self._lock:
            if self._current:  # looked since this process took the write lock: nothing changed
                return False
            # data_version changes when another connection commits, never for our own commits
            (version,) = self._conn.execute("PRAGMA data_version").fetchone()
            self._current = self._claiming
        if version == self._version:
            return False
        self._version = version
        self._claims_stale = self._index_stale = True
        return True

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._lock:
            if not self._claiming:
                self._conn.execute("BEGIN IMMEDIATE")
                self._claiming, self._current = True, False
            try:
                yield
            except BaseException:
                self._end_claims()  # the failed statement undid itself; keep the earlier claims
                raise
            if time.monotonic() - self._committed_at >= _GROUP_COMMIT:
                self._end_claims()
            elif not self._waiting:
                self._waiting = True
                if self._committer is None:
                    self._committer = threading.Thread(
                        target=self._commit_late, name="dedup-group-commit", daemon=True
                    )
                    self._committer.start()
                self._wake.notify()

    def _end_claims(self) -> None:
        """Commit the open claim transaction, if any (rolled back when the commit fails)."""
        if self._claiming:
            self._claiming = self._waiting = self._current = False
            self._committed_at = time.monotonic()
            _commit(self._conn)

    def _commit_late(self) -> None:
        """The committer thread: commit a waiting claim transaction once `_GROUP_COMMIT` is up."""
        with self._lock:
            while not self._closed:
                if not self._waiting:
                    self._wake.wait()
                    continue
                delay = self._committed_at + _GROUP_COMMIT - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                try:
                    self._end_claims()
                except sqlite3.Error as exc:  # lost claims only let their stories be decided again
                    logger.warning("%s: claims not committed: %s", self.path, exc)

    def foreign_claims(self) -> list[Claim]:
        with self._lock:
            return self._foreign_claims()

    def _foreign_claims(self) -> list[Claim]:
        if self._claims_stale:
            self._claims = self._conn.execute(
                "SELECT owner, created, url_key, id, revision, content_key, size, sketch "
                "FROM claims WHERE owner != ?",
                (self._owner,),
            ).fetchall()
            self._claims_stale = False
        if not self._claims:
            return []
        now = time.time()
        gone = {o for o, created, *_ in self._claims if not self._is_alive(o, created, now)}
        if gone:  # a crashed crawl: its claims end (its records were never flushed)
            self._conn.executemany("DELETE FROM claims WHERE owner = ?", [(o,) for o in gone])
            self._claims = [row for row in self._claims if row[0] not in gone]
        return [Claim(*row[2:]) for row in self._claims]

    def _is_alive(self, owner: str, created: int, now: float) -> bool:
        if now - created > _CLAIM_TTL:
            return False
        if now - self._alive.get(owner, 0.0) < _ALIVE_CACHE:
            return True
        pid = int(owner.split("-", 1)[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, run by another user
            pass
        if _is_zombie(pid):
            return False
        self._alive[owner] = now
        return True

    def claim(self, claim: Claim) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO claims "
            "(url_key, owner, created, id, revision, content_key, size, sketch) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                claim.url_key,
                self._owner,
                int(time.time()),
                claim.id,
                claim.revision,
                claim.content_key,
                claim.size,
                claim.sketch,
            ),
        )

    def get_url(self, url_key: int) -> UrlState | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT u.id, u.content_key, u.revision, u.lastmod, u.written_at, d.size, d.sketch "
                "FROM urls u LEFT JOIN docs d ON d.doc = u.doc WHERE u.url_key = ?",
                (url_key,),
            ).fetchone()
        if row is None:
            return None
        id_, content_key, revision, lastmod, written_at, size, sketch = row
        return UrlState(id_, content_key, revision, lastmod, written_at, size or 0, sketch)

    def first_with_content(self, content_key: int) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT u.id FROM contents c JOIN urls u ON u.url_key = c.url_key "
                "WHERE c.content_key = ?",
                (content_key,),
            ).fetchone()
        return None if row is None else row[0]

    def candidates(self, band_keys: np.ndarray) -> list[int]:
        with self._lock:
            return self._synced_index().lookup(band_keys)

    def get_docs(self, docs: Sequence[int]) -> list[DocEntry]:
        if not docs:
            return []
        with self._lock:
            rows = self._conn.execute(
                "SELECT d.doc, u.id, d.size, d.sketch "
                "FROM docs d JOIN urls u ON u.url_key = d.url_key "
                f"WHERE d.doc IN ({','.join('?' * len(docs))})",
                list(docs),
            ).fetchall()
        return [DocEntry(*row) for row in rows]

    def write(
        self,
        records: Sequence[StoredRecord],
        lastmods: Mapping[int, int],
        *,
        expire_before: int,
    ) -> None:
        with self._lock:
            self._end_claims()
            conn = self._conn
            conn.execute("PRAGMA synchronous=FULL")
            try:
                self._write(records, lastmods, expire_before)
            finally:
                conn.execute("PRAGMA synchronous=NORMAL")
            self._index_stale = True  # our own commits do not change data_version

    def _write(
        self, records: Sequence[StoredRecord], lastmods: Mapping[int, int], expire_before: int
    ) -> None:
        conn = self._conn
        with self._transaction():
            (next_doc,) = conn.execute(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_doc'"
            ).fetchone() or (1,)
            docs = range(next_doc, next_doc + len(records))
            conn.executemany(
                "INSERT INTO docs (doc, url_key, written_at, size, sketch, bands) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (doc, r.url_key, r.written_at, r.size, r.sketch, r.band_keys or None)
                    for doc, r in zip(docs, records, strict=True)
                ],
            )
            conn.executemany(
                _UPSERT_URL,
                [
                    (r.url_key, r.id, r.content_key, r.revision, r.lastmod, r.written_at, doc)
                    for doc, r in zip(docs, records, strict=True)
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO contents (content_key, url_key) VALUES (?, ?)",
                [(r.content_key, r.url_key) for r in records if r.index_content],
            )
            conn.executemany(
                "UPDATE urls SET lastmod = ?1 WHERE url_key = ?2 AND "
                "(lastmod IS NULL OR lastmod < ?1)",
                [(lastmod, url_key) for url_key, lastmod in lastmods.items()],
            )
            conn.executemany(
                "DELETE FROM claims WHERE url_key = ? AND owner = ?",
                [(r.url_key, self._owner) for r in records],
            )
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_doc', ?)",
                (str(next_doc + len(records)),),
            )
            self._prune(expire_before, next_doc + len(records))

    def _prune(self, expire_before: int, next_doc: int) -> None:
        """Delete the prefix of documents written before `expire_before`.

        Documents are numbered in write order, so the expired ones form a prefix (up to the
        clock skew between two crawls, which delays a document's pruning by one flush); finding
        the first live one reads only the rows about to be deleted.
        """
        row = self._conn.execute(
            "SELECT doc FROM docs WHERE written_at >= ? ORDER BY doc LIMIT 1", (expire_before,)
        ).fetchone()
        first_live = next_doc if row is None else row[0]
        self._conn.execute("DELETE FROM docs WHERE doc < ?", (first_live,))

    def _synced_index(self) -> BandIndex:
        """Return the band index, first reading the rows committed since it was last synced."""
        if self._index is not None and not self._index_stale:
            return self._index
        (first,) = self._conn.execute("SELECT MIN(doc) FROM docs").fetchone()
        if self._index is None:
            self._index = BandIndex(first or 0)
        index = self._index
        cursor = self._conn.execute(
            "SELECT doc, bands FROM docs WHERE doc > ? AND bands IS NOT NULL ORDER BY doc",
            (index.loaded_to,),
        )
        chunks = []
        while rows := cursor.fetchmany(_SYNC_ROWS):
            docs = np.array([doc for doc, _ in rows], dtype=np.uint64)
            blobs = [bands for _, bands in rows]
            keys = np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint64)
            owners = np.repeat(docs, [len(blob) // 4 for blob in blobs])
            chunks.append((keys << SHIFT32) | owners)
            index.loaded_to = rows[-1][0]
        if chunks:
            entries = np.concatenate(chunks)
            del chunks  # a million documents' entries take 128 MB: hold them once
            index.add(entries)
        index.first_live = first if first is not None else index.loaded_to + 1
        self._index_stale = False
        return index

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wake.notify()
            self._end_claims()
            self._conn.execute("DELETE FROM claims WHERE owner = ?", (self._owner,))
            self._conn.close()
            self._index = None
        if self._committer is not None:
            self._committer.join()


class _Transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` when the body or the `COMMIT` raises.

    A failed `COMMIT` (disk full, I/O error) can leave the transaction open, holding the write
    lock against every other crawl: it is always rolled back, so the connection is usable and
    the caller can try the same write again later.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is None:
            _commit(self._conn)
        else:
            _roll_back(self._conn)


def _commit(conn: sqlite3.Connection) -> None:
    """COMMIT, or ROLLBACK and raise when the COMMIT fails."""
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        _roll_back(conn)
        raise


def _roll_back(conn: sqlite3.Connection) -> None:
    # SQLite rolls some failed transactions back itself; a ROLLBACK then has nothing to end.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _enter_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch a connection's database to WAL, waiting up to `busy_timeout` for other openers.

    Written out because SQLite answers "database is locked" at once, without its busy handler,
    when two processes open a new database together and both ask for WAL (two spiders' first
    cron runs on a fresh output folder).
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
