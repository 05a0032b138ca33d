"""`DedupStore` on one Redis server: dedup state shared by crawls on several hosts.

URL: `redis://host:port/db?prefix=newscrawl:dedup&claim_ttl=120` (`rediss://` for TLS). Every key
starts with `prefix`, so one server can hold several independent stores. Keys (P = prefix;
buckets keep the many small entries in small hashes, which Redis packs as listpacks):

- `P:meta` hash: schema version and fingerprint parameters (`bind`).
- `P:u:<url_key & 4095>` hash, url_key -> "id content_key revision lastmod written_at doc".
- `P:c:<content_key & 4095>` hash, content_key -> id of the first record with that text.
- `P:d:<doc // 1024>` hash, doc -> "written_at size id bands " + band keys (uint32 LE) + sketch.
- `P:b:<band_key >> 16>` hash, band_key -> the documents having it (uint32 LE each).
- `P:next_doc` (last document number given out), `P:first_doc` (first not pruned),
  `P:version` (bumped by every claim, flush and close: `refresh` compares it).
- `P:claims` hash, url_key -> "owner revision content_key size id " + sketch.
- `P:alive:<owner>`: set with an expiry by each claim, refresh and flush of a store; a claim
  whose owner's key has expired (its process was killed, its host lost) no longer counts.
- `P:lock`: held by `exclusive()`, with an expiry, so a worker killed inside it blocks others
  for at most `_LOCK_MS`.

Atomicity: every read-then-write runs as one Lua script (a flush's URL upserts keep the higher
revision, the content index keeps the first writer, pruning removes a document and its band
entries together), and `exclusive()` is a lock across hosts: `Deduplicator.check` decides again
under it when others claimed or flushed since it looked, then claims, as with SQLite.

Round trips: one per store call (scripts and pipelines), and `exclusive()` takes the lock and
reads the version in one, then sends the claims and releases the lock in one. A new text costs
five: URL, content key, band candidates, lock, claim (`round_trips` counts them).

Durability: a flush returns once Redis applied it; that it survives a Redis crash is Redis's
persistence setting (`appendonly yes`, `appendfsync always` for the SQLite store's guarantee,
`everysec` to lose at most a second). Single Redis only: the scripts compute key names, which a
Redis Cluster does not allow.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from newscrawl.dedup.store import Claim, DedupStore, DocEntry, StoreMismatchError, UrlState

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from newscrawl.dedup.store import StoredRecord

SCHEMA_VERSION = "1"
DEFAULT_PREFIX = "newscrawl:dedup"
# A claim lives for seconds (check to flush). Its owner refreshes its key at every claim,
# refresh and flush; a worker silent this long is taken for dead and its claims end.
DEFAULT_CLAIM_TTL = 120
# `exclusive()` holds the lock for two round trips; a lock this old belongs to a dead worker.
_LOCK_MS = 5000
# Between two attempts at a held lock (the holder releases it within a millisecond or so).
_LOCK_WAIT = 0.0005
# Another process's claims are read again after this long even when nothing changed, so the
# claims of a worker that died are dropped once its key expires.
_CLAIMS_MAX_AGE = 1.0
# Connection retries: a Redis restart or failover takes seconds; ~30 s of backoff before the
# error reaches the crawl.
_RETRIES = 10

_URL_BUCKETS = 0xFFF
_CONTENT_BUCKETS = 0xFFF

_LOCK = """
if redis.call('SET', ARGV[1] .. ':lock', ARGV[2], 'NX', 'PX', ARGV[3]) then
  return tonumber(redis.call('GET', ARGV[1] .. ':version') or '0')
end
return false
"""

_UNLOCK = """
local P, me, ttl = ARGV[1], ARGV[2], ARGV[3]
local n = tonumber(ARGV[4])
local version = tonumber(redis.call('GET', P .. ':version') or '0')
if n > 0 then
  for i = 5, 4 + 2 * n, 2 do
    redis.call('HSET', P .. ':claims', ARGV[i], ARGV[i + 1])
  end
  redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
  version = redis.call('INCR', P .. ':version')
end
if redis.call('GET', P .. ':lock') == me then
  redis.call('DEL', P .. ':lock')
end
return version
"""

_REFRESH = """
local P, me, ttl, holding = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if holding == '1' then
  redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
end
return tonumber(redis.call('GET', P .. ':version') or '0')
"""

_FOREIGN_CLAIMS = """
local P, me = ARGV[1], ARGV[2]
local all = redis.call('HGETALL', P .. ':claims')
local live = {}
for i = 1, #all, 2 do
  local owner = string.match(all[i + 1], '^(%S+) ')
  if owner ~= me then
    if redis.call('EXISTS', P .. ':alive:' .. owner) == 1 then
      live[#live + 1] = all[i]
      live[#live + 1] = all[i + 1]
    else
      redis.call('HDEL', P .. ':claims', all[i])
    end
  end
end
return live
"""

_GET_URL = """
local P = ARGV[1]
local url = redis.call('HGET', P .. ':u:' .. ARGV[2], ARGV[3])
if not url then
  return false
end
local doc = tonumber(string.match(url, '(%S+)$'))
return {url, redis.call('HGET', P .. ':d:' .. math.floor(doc / 1024), doc) or ''}
"""

_CANDIDATES = """
local P = ARGV[1]
local found = {}
for i = 2, #ARGV do
  local key = tonumber(ARGV[i])
  local docs = redis.call('HGET', P .. ':b:' .. math.floor(key / 65536), ARGV[i])
  if docs then
    found[#found + 1] = docs
  end
end
return table.concat(found)
"""

# A flush: documents, URL upserts (the higher revision wins), first-writer content keys,
# newer lastmods of unchanged re-crawls, the end of this process's claims, then the pruning of
# documents older than the window with their band entries.
_WRITE = """
local P, me, ttl, expire_before = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local n = tonumber(ARGV[5])
local last = redis.call('INCRBY', P .. ':next_doc', n)
local doc = last - n
local i = 6
local function url_fields(value)
  return string.match(value, '^(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)$')
end
for r = 1, n do
  doc = doc + 1
  local url_key, ub, id, ck, cb, rev, lastmod, written, size, bands, sketch =
    unpack(ARGV, i, i + 10)
  i = i + 11
  local nb = #bands / 4
  redis.call('HSET', P .. ':d:' .. math.floor(doc / 1024), doc,
    written .. ' ' .. size .. ' ' .. id .. ' ' .. nb .. ' ' .. bands .. sketch)
  local mine = struct.pack('<I4', doc)
  for j = 0, nb - 1 do
    local key = struct.unpack('<I4', bands, j * 4 + 1)
    local bk, field = P .. ':b:' .. math.floor(key / 65536), tostring(key)
    redis.call('HSET', bk, field, (redis.call('HGET', bk, field) or '') .. mine)
  end
  local uk = P .. ':u:' .. ub
  local old = redis.call('HGET', uk, url_key)
  local old_rev = old and select(3, url_fields(old))
  if not old or tonumber(rev) >= tonumber(old_rev) then
    redis.call('HSET', uk, url_key,
      id .. ' ' .. ck .. ' ' .. rev .. ' ' .. lastmod .. ' ' .. written .. ' ' .. doc)
  end
  if cb ~= '' then
    redis.call('HSETNX', P .. ':c:' .. cb, ck, id)
  end
  local claim = redis.call('HGET', P .. ':claims', url_key)
  if claim and string.sub(claim, 1, #me + 1) == me .. ' ' then
    redis.call('HDEL', P .. ':claims', url_key)
  end
end
local m = tonumber(ARGV[i])
i = i + 1
for r = 1, m do
  local url_key, ub, newer = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local uk = P .. ':u:' .. ub
  local old = redis.call('HGET', uk, url_key)
  if old then
    local id, ck, rev, lastmod, written, d = url_fields(old)
    if lastmod == '-' or tonumber(lastmod) < newer then
      redis.call('HSET', uk, url_key,
        id .. ' ' .. ck .. ' ' .. rev .. ' ' .. newer .. ' ' .. written .. ' ' .. d)
    end
  end
end
local first = tonumber(redis.call('GET', P .. ':first_doc') or '1')
while first <= last do
  local dk = P .. ':d:' .. math.floor(first / 1024)
  local value = redis.call('HGET', dk, first)
  if value then
    local written, nb, pos = string.match(value, '^(%S+) %S+ %S+ (%S+) ()')
    if tonumber(written) >= expire_before then
      break
    end
    local gone = struct.pack('<I4', first)
    for j = 0, tonumber(nb) - 1 do
      local key = struct.unpack('<I4', value, pos + j * 4)
      local bk, field = P .. ':b:' .. math.floor(key / 65536), tostring(key)
      local docs = redis.call('HGET', bk, field) or ''
      local kept = {}
      for k = 1, #docs, 4 do
        local one = string.sub(docs, k, k + 3)
        if one ~= gone then
          kept[#kept + 1] = one
        end
      end
      if #kept == 0 then
        redis.call('HDEL', bk, field)
      else
        redis.call('HSET', bk, field, table.concat(kept))
      end
    end
    redis.call('HDEL', dk, first)
  end
  first = first + 1
end
redis.call('SET', P .. ':first_doc', first)
redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
return redis.call('INCR', P .. ':version')
"""

_CLOSE = """
local P, me = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local claim = redis.call('HGET', P .. ':claims', ARGV[i])
  if claim and string.sub(claim, 1, #me + 1) == me .. ' ' then
    redis.call('HDEL', P .. ':claims', ARGV[i])
  end
end
redis.call('DEL', P .. ':alive:' .. me)
return redis.call('INCR', P .. ':version')
"""


class StoreUnavailableError(ConnectionError):
    """The store's server cannot be reached."""


def split_store_url(url: str) -> tuple[str, str, int]:
    """The Redis connection URL, the key prefix and the claim expiry of a store URL.

    >>> split_store_url("redis://db.lan:6380/2?prefix=crawl:a&claim_ttl=30")
    ('redis://db.lan:6380/2', 'crawl:a', 30)
    >>> split_store_url("redis://localhost")
    ('redis://localhost', 'newscrawl:dedup', 120)
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    prefix = query.pop("prefix", DEFAULT_PREFIX)
    claim_ttl = int(query.pop("claim_ttl", DEFAULT_CLAIM_TTL))
    return urlunsplit(parts._replace(query=urlencode(query))), prefix, claim_ttl


def connect(url: str) -> redis.Redis:
    """A client for a Redis URL that retries with backoff while the server restarts.

    Raises `StoreUnavailableError` when the server does not answer now.
    """
    client = redis.Redis.from_url(
        url,
        retry=Retry(ExponentialBackoff(cap=5.0, base=0.05), _RETRIES),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        socket_connect_timeout=5,
        health_check_interval=30,
    )
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        client.close()
        raise StoreUnavailableError(f"Redis at {_where(url)} is unreachable ({exc})") from None
    return client


def _where(url: str) -> str:
    """The host, port and database of a Redis URL, without credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or '/0'}"


def _bands_bytes(band_keys: bytes) -> np.ndarray:
    return np.frombuffer(band_keys, dtype="<u4")


class RedisStore(DedupStore):
    """Dedup state in Redis, safe for crawls on many hosts sharing the server (see the module).

    `url`: a store URL as `split_store_url` reads it.
    """

    def __init__(self, url: str) -> None:
        redis_url, self.prefix, self.claim_ttl = split_store_url(url)
        self.where = f"{_where(redis_url)} ({self.prefix})"
        self._redis = connect(redis_url)
        self.round_trips = 0
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._scripts = {
            name: self._redis.register_script(source)
            for name, source in (
                ("lock", _LOCK),
                ("unlock", _UNLOCK),
                ("refresh", _REFRESH),
                ("foreign_claims", _FOREIGN_CLAIMS),
                ("get_url", _GET_URL),
                ("candidates", _CANDIDATES),
                ("write", _WRITE),
                ("close", _CLOSE),
            )
        }
        self._version = -1  # the store's version at the last refresh
        self._locked_version: int | None = None  # read when exclusive() took the lock
        self._pending: list[Claim] = []  # claims sent when exclusive() ends
        self._claimed: set[int] = set()  # our claims not yet flushed
        self._claims: list[Claim] = []
        self._claims_read = 0.0  # when _claims was read; 0 = must be read again

    def _run(self, name: str, *args: object) -> object:
        self.round_trips += 1
        return self._scripts[name](args=[self.prefix, *args])

    def _seen(self, version: int) -> None:
        """Note a version returned by our own change: it is news only if others changed too."""
        if version == self._version + 1:
            self._version = version

    def bind(self, fingerprint_params: str) -> None:
        wanted = {"schema": SCHEMA_VERSION, "fingerprints": fingerprint_params}
        meta = f"{self.prefix}:meta"
        pipe = self._redis.pipeline()
        for key, value in wanted.items():
            pipe.hsetnx(meta, key, value)
        pipe.hmget(meta, list(wanted))
        self.round_trips += 1
        *_, stored = pipe.execute()
        for (key, value), found in zip(wanted.items(), stored, strict=True):
            if found.decode() != value:
                raise StoreMismatchError(
                    f"{self.where} was built with {key} {found.decode()!r}, not {value!r}: "
                    "use another prefix or reset this store"
                )

    def refresh(self) -> bool:
        if self._locked_version is not None:
            version = self._locked_version
        else:
            holding = "1" if self._claimed else "0"
            version = int(self._run("refresh", self._owner, self.claim_ttl, holding))
        if version == self._version:
            return False
        self._version = version
        self._claims_read = 0.0
        return True

    def exclusive(self) -> _Exclusive:
        return _Exclusive(self)

    def _lock(self) -> None:
        while True:
            version = self._run("lock", self._owner, _LOCK_MS)
            if version is not None:
                self._locked_version = int(version)
                return
            time.sleep(_LOCK_WAIT)

    def _unlock(self, send_claims: bool) -> None:
        args: list[object] = []
        claims = self._pending if send_claims else []
        for c in claims:
            head = f"{self._owner} {c.revision} {c.content_key} {c.size} {c.id} ".encode()
            args += [c.url_key, head + c.sketch]
        self._pending = []
        self._locked_version = None
        version = int(self._run("unlock", self._owner, self.claim_ttl, len(claims), *args))
        if claims:
            self._claimed.update(c.url_key for c in claims)
            self._seen(version)

    def foreign_claims(self) -> list[Claim]:
        now = time.monotonic()
        if self._claims_read and (not self._claims or now - self._claims_read < _CLAIMS_MAX_AGE):
            return self._claims
        found = self._run("foreign_claims", self._owner)
        claims = []
        for url_key, value in zip(found[::2], found[1::2], strict=True):
            _owner, revision, content_key, size, id_, sketch = value.split(b" ", 5)
            claims.append(
                Claim(
                    int(url_key), id_.decode(), int(revision), int(content_key), int(size), sketch
                )
            )
        self._claims, self._claims_read = claims, now
        return claims

    def claim(self, claim: Claim) -> None:
        if self._locked_version is None:
            raise RuntimeError("claim() belongs inside exclusive()")
        self._pending.append(claim)

    def get_url(self, url_key: int) -> UrlState | None:
        found = self._run("get_url", url_key & _URL_BUCKETS, url_key)
        if found is None:
            return None
        url, doc = found
        id_, content_key, revision, lastmod, written_at, _doc = url.split(b" ")
        size, sketch = 0, None
        if doc:
            _written, size_, _id, bands, rest = doc.split(b" ", 4)
            size, sketch = int(size_), rest[4 * int(bands) :]
        return UrlState(
            id_.decode(),
            int(content_key),
            int(revision),
            None if lastmod == b"-" else int(lastmod),
            int(written_at),
            size,
            sketch,
        )

    def first_with_content(self, content_key: int) -> str | None:
        self.round_trips += 1
        found = self._redis.hget(f"{self.prefix}:c:{content_key & _CONTENT_BUCKETS}", content_key)
        return None if found is None else found.decode()

    def candidates(self, band_keys: np.ndarray) -> list[int]:
        found = self._run("candidates", *band_keys.tolist())
        return np.frombuffer(found, dtype="<u4").tolist() if found else []

    def get_docs(self, docs: Sequence[int]) -> list[DocEntry]:
        if not docs:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for doc in docs:
            pipe.hget(f"{self.prefix}:d:{doc // 1024}", doc)
        self.round_trips += 1
        entries = []
        for doc, value in zip(docs, pipe.execute(), strict=True):
            if value is not None:
                _written, size, id_, bands, rest = value.split(b" ", 4)
                entries.append(DocEntry(doc, id_.decode(), int(size), rest[4 * int(bands) :]))
        return entries

    def write(
        self,
        records: Sequence[StoredRecord],
        lastmods: Mapping[int, int],
        *,
        expire_before: int,
    ) -> None:
        args: list[object] = [self._owner, self.claim_ttl, expire_before, len(records)]
        for r in records:
            args += [
                r.url_key,
                r.url_key & _URL_BUCKETS,
                r.id,
                r.content_key,
                r.content_key & _CONTENT_BUCKETS if r.index_content else "",
                r.revision,
                "-" if r.lastmod is None else r.lastmod,
                r.written_at,
                r.size,
                r.band_keys,
                r.sketch,
            ]
        args.append(len(lastmods))
        for url_key, lastmod in lastmods.items():
            args += [url_key, url_key & _URL_BUCKETS, lastmod]
        self._seen(int(self._run("write", *args)))
        self._claimed.difference_update(r.url_key for r in records)

    def close(self) -> None:
        try:
            self._run("close", self._owner, *self._claimed)
        finally:
            self._claimed = set()
            self._redis.close()

    def memory_used(self) -> int:
        """Bytes the server uses in all (INFO memory), for the bench."""
        return int(self._redis.info("memory")["used_memory"])

    def keys(self) -> Iterator[bytes]:
        """Every key of this store (for tests and a reset)."""
        return self._redis.scan_iter(match=f"{self.prefix}:*", count=1000)


class _Exclusive:
    """The cross-host lock of `RedisStore.exclusive`: claims made inside go out as it ends."""

    def __init__(self, store: RedisStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._store._lock()

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        self._store._unlock(send_claims=exc_type is None)
