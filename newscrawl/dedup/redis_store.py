"""`DedupStore` on one Redis server: dedup state shared by crawls on several hosts.

URL: `redis://host:port/db?prefix=newscrawl:dedup&claim_ttl=120` (`rediss://` for TLS). Every key
starts with `prefix`, so one server can hold several independent stores.

Keys (P = prefix). Keys, band keys and numbers are stored as little-endian binary, and the many
small entries live in buckets (small hashes, which Redis packs as listpacks: a few bytes of
overhead per entry instead of ~70 per key):

- `P:meta` hash: schema version and fingerprint parameters (`bind`), and the store's epoch (when
  it began: a worker whose band index was filled from another epoch starts its index again).
- `P:u:<bucket>` hash, URL key (8 bytes) -> content key (8), revision, lastmod (0xFFFFFFFF when
  none), written_at, document (4 each), then the record id. Bucket: low 14 bits of the key (past
  2 million URLs, `hash-max-listpack-entries` 512 keeps them listpacks; some builds have 128).
- `P:c:<bucket>` hash, content key (8 bytes) -> id of the first record with that text.
- `P:d:<doc // 1024>` hash, doc % 1024 (2 bytes) -> written_at, size (4 each), number of band
  keys, sketch length (2 each), the band keys (4 each), the sketch, the record id.
- `P:next_doc` (last document number given out), `P:first_doc` (first not pruned),
  `P:version` (bumped by every claim, flush and close: `refresh` compares it).
- `P:claims` hash, URL key -> the claim (owner, revision, content key, size, band keys, sketch,
  id); `P:cc` hash, content key -> the URL keys claiming it; `P:cb` hash, band key -> the URL
  keys of the claims having it (each index also holds a field "" that keeps it a hash table). A
  claim is found by URL, content key or shared band, as its record will be once flushed.
- `P:alive:<owner>`: set with an expiry by each claim, refresh and flush of a store; a claim
  whose owner's key has expired (its process was killed, its host lost) no longer counts, and
  the next look that meets it deletes it.
- `P:lock`: held by `exclusive()`, with an expiry, so a worker killed inside it blocks others
  for at most `_LOCK_MS`.

No band buckets on the server: every store keeps the band keys of the documents in the window in
memory (the SQLite store's band index: 8 bytes per band per document), filled from the documents
each look returns that were written since the last one, the worker's own included. Sixteen
lookups and sixteen inserts per text in Redis cost more CPU than the rest of a check there; a new
worker catches up in steps of `_SYNC_DOCS` documents on its first check.

Atomicity: every read-then-write is one Lua script. `look` sends what the worker's band index
found for one text and reads everything `Deduplicator.check` asks about it: its URL entry and
the latest text written under it, its content key, the entries of the documents found (and of
those written since the worker's index was last filled that share a band), and the live claims
bearing on it. When nothing is there and no other worker holds the lock, it claims the text in
the same script. Otherwise the deduplicator decides on what the look read, and a text to write
is claimed under the lock across hosts (`exclusive()`), which reads the same again: as with
SQLite, it decides again when anything changed since. A flush keeps the higher revision of a URL
and the first writer of a content key, and prunes the documents older than the window.

Round trips (`round_trips` counts them): a new text costs one (the look that claims it), as does
a duplicate or an unchanged re-crawl; a text that shares a band with another but is new after
all, and a revision, cost three (look, lock with a second look, claims with the unlock). A flush
is one. The client sends raw commands, packed by hiredis, on one connection of its own: redis-py's
command path costs twice the CPU.

Durability: a flush returns once Redis applied it; that it survives a Redis crash is Redis's
persistence setting (`appendonly yes`, `appendfsync always` for the SQLite store's guarantee,
`everysec` to lose at most a second). Single Redis only: the scripts compute key names, which a
Redis Cluster does not allow.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import struct
import time
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import hiredis
import numpy as np
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from newscrawl.dedup.band_index import BandIndex
from newscrawl.dedup.store import Claim, DedupStore, DocEntry, StoreMismatchError, UrlState

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from newscrawl.dedup.store import StoredRecord

SCHEMA_VERSION = "2"
DEFAULT_PREFIX = "newscrawl:dedup"
# A claim lives for seconds (check to flush). Its owner refreshes its key at every claim,
# refresh and flush; a worker silent this long is taken for dead and its claims end.
DEFAULT_CLAIM_TTL = 120
# `exclusive()` holds the lock for two round trips; a lock this old belongs to a dead worker.
_LOCK_MS = 5000
# Between two attempts at a held lock (the holder releases it within a millisecond or so).
_LOCK_WAIT = 0.0005
# What a look read answers the questions about its text for this long; later ones go to the
# server (a download check between two pages must not see an old look).
_LOOK_MAX_AGE = 1.0
# Documents sharing a band whose entries a look returns, best ranked first: more than the
# deduplicator verifies (32), so it never asks again.
_LOOK_DOCS = 64
# Documents a look reads at most for the caller's band index; one far behind (a new worker on a
# full store) catches up in steps this size, so no script blocks the server for long.
_SYNC_DOCS = 4096
# Connection retries: a Redis restart or failover takes seconds; ~30 s of backoff before the
# error reaches the crawl.
_RETRIES = 10
_NO_LASTMOD = 0xFFFFFFFF
# The claim indexes hold hundreds of fields that change with every claim. Redis keeps a small
# hash as a listpack, where every field access is a linear scan (HMGET of 16 bands: 40 µs at
# 500 fields); a field with a value longer than `hash-max-listpack-value` (64) makes it a hash
# table for good, and being never deleted it stays one.
_HASHTABLE = "hash table, not listpack: " + "-" * 64

# Shared by every script: key names, packing, and the claim index.
_PRELUDE = """
local P, me = ARGV[1], ARGV[2]
local CLAIMS, CC, CB = P .. ':claims', P .. ':cc', P .. ':cb'
local function url_hash(key) return P .. ':u:' .. (struct.unpack('<H', key) % 16384) end
local function content_hash(key) return P .. ':c:' .. (struct.unpack('<H', key) % 16384) end
local function doc_field(doc)
  return P .. ':d:' .. math.floor(doc / 1024), struct.pack('<H', doc % 1024)
end
local function append(key, field, item)
  redis.call('HSET', key, field, (redis.call('HGET', key, field) or '') .. item)
end
local function without(packed, item, width)
  local kept = {}
  for k = 1, #packed, width do
    local one = string.sub(packed, k, k + width - 1)
    if one ~= item then kept[#kept + 1] = one end
  end
  return table.concat(kept)
end
local function remove(key, field, item, width)
  local packed = redis.call('HGET', key, field)
  if not packed then return end
  local kept = without(packed, item, width)
  if kept == '' then
    redis.call('HDEL', key, field)
  else
    redis.call('HSET', key, field, kept)
  end
end
-- a claim: owner length, band count, sketch length (2 bytes each), revision, size (4 each),
-- content key (8), owner, band keys, sketch, id
local function claim_owner(claim)
  return string.sub(claim, 23, 22 + struct.unpack('<H', claim))
end
local function claim_bands(claim)
  local at = 23 + struct.unpack('<H', claim)
  return string.sub(claim, at, at + 4 * struct.unpack('<H', claim, 3) - 1)
end
-- add or remove a claim's URL key in the content and band indexes (one HMGET and one HSET for
-- all its bands: claims come and go with every text written)
local function band_list(bands)
  local fields = {}
  for j = 1, #bands, 4 do fields[#fields + 1] = string.sub(bands, j, j + 3) end
  return fields
end
local function index_claim(url, claim, adding, fields)
  local content = string.sub(claim, 15, 22)
  if adding then append(CC, content, url) else remove(CC, content, url, 8) end
  fields = fields or band_list(claim_bands(claim))
  if #fields == 0 then return end
  local values = redis.call('HMGET', CB, unpack(fields))
  local sets, dels = {}, {}
  for n, field in ipairs(fields) do
    local kept = adding and (values[n] or '') .. url or without(values[n] or '', url, 8)
    if kept == '' then
      dels[#dels + 1] = field
    else
      sets[#sets + 1] = field
      sets[#sets + 1] = kept
    end
  end
  if #sets > 0 then redis.call('HSET', CB, unpack(sets)) end
  if #dels > 0 then redis.call('HDEL', CB, unpack(dels)) end
end
local function drop_claim(url, claim)
  redis.call('HDEL', CLAIMS, url)
  index_claim(url, claim, false)
end
local function put_claim(url, claim, fields)
  local old = redis.call('HGET', CLAIMS, url)
  if old then drop_claim(url, old) end
  redis.call('HSET', CLAIMS, url, claim)
  index_claim(url, claim, true, fields)
end
local function drop_own_claim(url)
  local claim = redis.call('HGET', CLAIMS, url)
  if claim and claim_owner(claim) == me then drop_claim(url, claim) end
end
local living = {}
local function alive(owner)
  if living[owner] == nil then
    living[owner] = redis.call('EXISTS', P .. ':alive:' .. owner) == 1
  end
  return living[owner]
end
local function version()
  return tonumber(redis.call('GET', P .. ':version') or '0')
end
"""

# ARGV: P me ttl mode lock_ms synced url content bands claim docs. mode "claim": claim the
# text when the store knows nothing of it; "look": only read; "lock": take the lock first (false
# when held); "sync": only the documents written since. `synced`: the last document the caller's
# band index holds; `docs`: the documents its index found for the text (4 bytes each), best first.
# Returns {claimed, version, first live document, {doc, band keys, ...} written after `synced`
# (at most SYNC_DOCS: claimed is -1 when more remain)}, or {-2, version, 0, {}, epoch} when the
# store is not the one the caller's index was filled from (emptied since: see `bind`), then for
# a text not claimed: its URL entry, the latest document of that URL, the content's first id, the
# new documents sharing a band (4 bytes each, once per band), {doc, entry, ...} for `docs` and
# those, and {url, claim, ...} of the live claims of others bearing on the text.
_LOOK = """
local ttl, mode, lock_ms, synced = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local url, content, bands, mine, docs = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local epoch = redis.call('HGET', P .. ':meta', 'epoch')
if not epoch then
  local now = redis.call('TIME')
  epoch = now[1] .. '.' .. now[2]
  redis.call('HSET', P .. ':meta', 'epoch', epoch)
end
if epoch ~= ARGV[12] then return {-2, version(), 0, {}, epoch} end
if mode == 'lock' then
  if not redis.call('SET', P .. ':lock', me, 'NX', 'PX', lock_ms) then return false end
end
local first_live = tonumber(redis.call('GET', P .. ':first_doc') or '1')
local last = tonumber(redis.call('GET', P .. ':next_doc') or '0')
local from = math.max(synced + 1, first_live)
local upto = math.min(last, from + SYNC_DOCS - 1)
local fields, mine_bands = band_list(bands), {}
for _, band in ipairs(fields) do mine_bands[band] = true end
local new, hits, entries = {}, {}, {}
for doc = from, upto do
  local entry = redis.call('HGET', doc_field(doc))
  if entry then
    local found = string.sub(entry, 13, 12 + 4 * struct.unpack('<H', entry, 9))
    new[#new + 1] = doc
    new[#new + 1] = found
    local shared = false
    for j = 1, #found, 4 do
      if mine_bands[string.sub(found, j, j + 3)] then
        hits[#hits + 1] = struct.pack('<I4', doc)
        shared = true
      end
    end
    if shared then
      entries[#entries + 1] = doc
      entries[#entries + 1] = entry
    end
  end
end
if upto < last then return {-1, version(), first_live, new} end
if url == '' then return {0, version(), first_live, new} end
local entry = redis.call('HGET', url_hash(url), url)
local latest = false
if entry then
  latest = redis.call('HGET', doc_field(struct.unpack('<I4', entry, 21)))
end
local first = redis.call('HGET', content_hash(content), content)
for k = 1, #docs, 4 do
  local doc = struct.unpack('<I4', docs, k)
  entries[#entries + 1] = doc
  entries[#entries + 1] = redis.call('HGET', doc_field(doc)) or ''
end
local claims, seen = {}, {}
local function consider(holders)
  if not holders then return end
  for k = 1, #holders, 8 do
    local holder = string.sub(holders, k, k + 7)
    if not seen[holder] then
      seen[holder] = true
      local claim = redis.call('HGET', CLAIMS, holder)
      if claim then
        local owner = claim_owner(claim)
        if owner ~= me then
          if alive(owner) then
            claims[#claims + 1] = holder
            claims[#claims + 1] = claim
          else
            drop_claim(holder, claim)
          end
        end
      end
    end
  end
end
consider(url)
consider(redis.call('HGET', CC, content))
if #fields > 0 then
  for _, holders in ipairs(redis.call('HMGET', CB, unpack(fields))) do
    if holders then consider(holders) end
  end
end
if mode == 'claim' and not entry and not first and #docs == 0 and #hits == 0
    and #claims == 0 then
  local lock = redis.call('GET', P .. ':lock')
  if not lock or lock == me then
    put_claim(url, mine, fields)
    redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
    return {1, redis.call('INCR', P .. ':version'), first_live, new}
  end
end
return {0, version(), first_live, new, entry, latest, first, table.concat(hits), entries, claims}
""".replace("SYNC_DOCS", str(_SYNC_DOCS))

# ARGV: P me ttl n, then n (url, claim). Claims made inside exclusive(), then the unlock.
_UNLOCK = """
local ttl, n = ARGV[3], tonumber(ARGV[4])
local now = version()
if n > 0 then
  for i = 5, 4 + 2 * n, 2 do put_claim(ARGV[i], ARGV[i + 1]) end
  redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
  now = redis.call('INCR', P .. ':version')
end
if redis.call('GET', P .. ':lock') == me then
  redis.call('DEL', P .. ':lock')
end
return now
"""

_REFRESH = """
if ARGV[4] == '1' then
  redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ARGV[3])
end
return version()
"""

_FOREIGN_CLAIMS = """
local all = redis.call('HGETALL', CLAIMS)
local live = {}
for i = 1, #all, 2 do
  local owner = claim_owner(all[i + 1])
  if owner ~= me then
    if alive(owner) then
      live[#live + 1] = all[i]
      live[#live + 1] = all[i + 1]
    else
      drop_claim(all[i], all[i + 1])
    end
  end
end
return live
"""

_GET_URL = """
local entry = redis.call('HGET', url_hash(ARGV[3]), ARGV[3])
if not entry then return false end
return {entry, redis.call('HGET', doc_field(struct.unpack('<I4', entry, 21))) or ''}
"""

_GET_DOCS = """
local entries = {}
for i = 3, #ARGV do
  entries[#entries + 1] = redis.call('HGET', doc_field(tonumber(ARGV[i]))) or ''
end
return entries
"""

# A flush. ARGV: P me ttl expire_before n, then n (url, content or '', url entry head, id,
# document entry), m, then m (url, newer lastmod). Documents, URL upserts (the higher revision
# wins), first-writer content keys, the end of this process's claims on them, newer lastmods of
# unchanged re-crawls, then the pruning of documents older than the window.
_WRITE = """
local ttl, expire_before, n = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local last = redis.call('INCRBY', P .. ':next_doc', n)
local doc = last - n
local i = 6
for r = 1, n do
  doc = doc + 1
  local url, content, head, id, entry = unpack(ARGV, i, i + 4)
  i = i + 5
  local dk, df = doc_field(doc)
  redis.call('HSET', dk, df, entry)
  local mine = struct.pack('<I4', doc)
  local uk = url_hash(url)
  local old = redis.call('HGET', uk, url)
  if not old or struct.unpack('<I4', head, 9) >= struct.unpack('<I4', old, 9) then
    redis.call('HSET', uk, url, head .. mine .. id)
  end
  if content ~= '' then
    redis.call('HSETNX', content_hash(content), content, id)
  end
  drop_own_claim(url)
end
local m = tonumber(ARGV[i])
i = i + 1
for r = 1, m do
  local url, newer = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  local uk = url_hash(url)
  local old = redis.call('HGET', uk, url)
  if old then
    local lastmod = struct.unpack('<I4', old, 13)
    if lastmod == NO_LASTMOD or lastmod < newer then
      redis.call('HSET', uk, url,
        string.sub(old, 1, 12) .. struct.pack('<I4', newer) .. string.sub(old, 17))
    end
  end
end
local first = tonumber(redis.call('GET', P .. ':first_doc') or '1')
while first <= last do
  local key, field = doc_field(first)
  local entry = redis.call('HGET', key, field)
  if entry then
    if struct.unpack('<I4', entry) >= expire_before then
      break
    end
    redis.call('HDEL', key, field)
  end
  first = first + 1
end
redis.call('SET', P .. ':first_doc', first)
redis.call('SET', P .. ':alive:' .. me, '1', 'EX', ttl)
return redis.call('INCR', P .. ':version')
""".replace("NO_LASTMOD", str(_NO_LASTMOD))

_CLOSE = """
for i = 3, #ARGV do drop_own_claim(ARGV[i]) end
redis.call('DEL', P .. ':alive:' .. me)
return redis.call('INCR', P .. ':version')
"""

_SCRIPTS = {
    name: _PRELUDE + source
    for name, source in (
        ("look", _LOOK),
        ("unlock", _UNLOCK),
        ("refresh", _REFRESH),
        ("foreign_claims", _FOREIGN_CLAIMS),
        ("get_url", _GET_URL),
        ("get_docs", _GET_DOCS),
        ("write", _WRITE),
        ("close", _CLOSE),
    )
}
_SHAS = {name: hashlib.sha1(source.encode()).hexdigest() for name, source in _SCRIPTS.items()}


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


def _retry() -> Retry:
    return Retry(ExponentialBackoff(cap=5.0, base=0.05), _RETRIES)


def connect(url: str) -> redis.Redis:
    """A client for a Redis URL that retries with backoff while the server restarts.

    Raises `StoreUnavailableError` when the server does not answer now.
    """
    client = redis.Redis.from_url(
        url,
        retry=_retry(),
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


def _key(value: int) -> bytes:
    return value.to_bytes(8, "little")


def _url_state(entry: bytes, latest: bytes | None) -> UrlState:
    content_key = int.from_bytes(entry[:8], "little")
    revision, lastmod, written_at, _doc = struct.unpack_from("<IIII", entry, 8)
    size, sketch = 0, None
    if latest:
        size, sketch, _id = _doc_fields(latest)
    return UrlState(
        entry[24:].decode(),
        content_key,
        revision,
        None if lastmod == _NO_LASTMOD else lastmod,
        written_at,
        size,
        sketch,
    )


def _doc_entry(record: StoredRecord) -> bytes:
    bands = len(record.band_keys) // 4
    head = struct.pack("<IIHH", record.written_at, record.size, bands, len(record.sketch))
    return head + record.band_keys + record.sketch + record.id.encode()


def _doc_fields(entry: bytes) -> tuple[int, bytes, str]:
    """Size, sketch and id of a document entry."""
    _written, size, bands, length = struct.unpack_from("<IIHH", entry)
    start = 12 + 4 * bands
    return size, entry[start : start + length], entry[start + length :].decode()


def _claim_value(owner: bytes, claim: Claim) -> bytes:
    head = struct.pack(
        "<HHHII",
        len(owner),
        len(claim.band_keys) // 4,
        len(claim.sketch),
        claim.revision,
        claim.size,
    )
    return b"".join(
        (head, _key(claim.content_key), owner, claim.band_keys, claim.sketch, claim.id.encode())
    )


def _claim(url_key: bytes, value: bytes) -> Claim:
    owner, bands, length, revision, size = struct.unpack_from("<HHHII", value)
    start = 22 + owner
    sketch_at = start + 4 * bands
    return Claim(
        int.from_bytes(url_key, "little"),
        value[sketch_at + length :].decode(),
        revision,
        int.from_bytes(value[14:22], "little"),
        size,
        value[sketch_at : sketch_at + length],
        value[start:sketch_at],
    )


class _Look:
    """What one look read about one text: the answers to the deduplicator's next questions."""

    def __init__(self, text: Claim, found: list, hits: list[int]) -> None:
        self.url_key = text.url_key
        self.content_key = text.content_key
        self.band_keys = text.band_keys
        self.at = time.monotonic()
        entry, latest, first, _new_hits, entries, claims = found[4:]
        self.url = None if entry is None else _url_state(entry, latest)
        self.first = None if first is None else first.decode()
        self.hits = hits
        self.docs: dict[int, DocEntry | None] = {}
        for doc, value in zip(entries[::2], entries[1::2], strict=True):
            if value:
                size, sketch, id_ = _doc_fields(value)
                self.docs[doc] = DocEntry(doc, id_, size, sketch)
            else:
                self.docs[doc] = None
        self.claims = [_claim(k, v) for k, v in zip(claims[::2], claims[1::2], strict=True)]

    def fresh(self) -> bool:
        return time.monotonic() - self.at < _LOOK_MAX_AGE


def _ranked(found: list[int]) -> bytes:
    """The best `_LOOK_DOCS` of `found` (most shared bands first, then the earliest), packed."""
    if not found:
        return b""
    shared = Counter(found)
    best = sorted(shared, key=lambda doc: (-shared[doc], doc))[:_LOOK_DOCS]
    return np.array(best, dtype="<u4").tobytes()


class RedisStore(DedupStore):
    """Dedup state in Redis, safe for crawls on many hosts sharing the server (see the module).

    `url`: a store URL as `split_store_url` reads it.
    """

    def __init__(self, url: str) -> None:
        redis_url, self.prefix, self.claim_ttl = split_store_url(url)
        self.where = f"{_where(redis_url)} ({self.prefix})"
        self._redis = connect(redis_url)
        # One connection of its own, written to and read from directly, commands packed by
        # hiredis: redis-py's command path (pool, retry, packing and parser layers for every
        # command) costs more CPU than the round trip itself.
        self._conn = self._redis.connection_pool.get_connection()
        self._retry = _retry()
        self.round_trips = 0
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._owner_bytes = self._owner.encode()
        self._version = -1  # the store's version at the last refresh
        self._locked_version: int | None = None  # read when exclusive() took the lock
        self._pending: list[Claim] = []  # claims sent when exclusive() ends
        self._claimed: set[int] = set()  # our claims not yet flushed
        self._look: _Look | None = None  # the last look, while it answers for its text
        # Every written document's band keys, read from the documents the looks return: the
        # same index as the SQLite store's (see there why a sorted array), so the server keeps
        # no band entries and a look sends the documents it found.
        self._index = BandIndex(0)
        # Names the store the index was filled from: a store emptied and begun again (a reset, a
        # restart without persistence) numbers its documents from 1 again.
        self._epoch = b""
        self._looked: Claim | None = None  # the text of the last look, for exclusive()

    def _send(self, *commands: tuple[object, ...]) -> list:
        """Send commands in one round trip (retried with backoff while the server restarts)."""
        self.round_trips += 1
        conn = self._conn

        def once() -> list:
            conn.send_packed_command([b"".join(map(hiredis.pack_command, commands))])
            try:
                return [conn.read_response() for _ in commands]
            except redis.ResponseError:
                conn.disconnect()  # replies of the later commands are still unread
                raise

        return self._retry.call_with_retry(once, lambda _error: conn.disconnect())

    def _run(self, name: str, *args: object) -> object:
        command = ("EVALSHA", _SHAS[name], 0, self.prefix, self._owner, *args)
        try:
            return self._send(command)[0]
        except redis.exceptions.NoScriptError:  # a restarted server forgot the scripts
            self._send(*(("SCRIPT", "LOAD", source) for source in _SCRIPTS.values()))
            return self._send(command)[0]

    def _seen(self, version: int) -> None:
        """Note a version returned by our own change: it is news only if others changed too."""
        if version == self._version + 1:
            self._version = version

    def bind(self, fingerprint_params: str) -> None:
        wanted = {"schema": SCHEMA_VERSION, "fingerprints": fingerprint_params}
        meta = f"{self.prefix}:meta"
        *_, (epoch, *stored) = self._send(
            *(("HSETNX", meta, key, value) for key, value in wanted.items()),
            *(("HSETNX", f"{self.prefix}:{index}", "", _HASHTABLE) for index in ("cc", "cb")),
            ("HSETNX", meta, "epoch", f"{time.time():.6f}"),
            ("HMGET", meta, "epoch", *wanted),
        )
        self._epoch = epoch
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
            version = int(self._run("refresh", self.claim_ttl, holding))
        if version == self._version:
            return False
        self._version = version
        return True

    def look(self, text: Claim, *, claim_unknown: bool) -> bool:
        claim = _claim_value(self._owner_bytes, text) if claim_unknown else b""
        found = self._look_at(text, "claim" if claim_unknown else "look", claim)
        self._looked = text
        if found[0] == 1:
            self._look = None
            self._claimed.add(text.url_key)
            self._seen(int(found[1]))
            return True
        self._keep(text, found)
        self._version = int(found[1])  # the look saw everything committed so far
        return False

    def _look_at(self, text: Claim | None, mode: str, claim: bytes = b"") -> list | None:
        """Run the look script until the band index has caught up; None when the lock is held."""
        keys = np.frombuffer(text.band_keys, dtype="<u4") if text is not None else None
        while True:
            docs = _ranked(self._index.lookup(keys)) if keys is not None and len(keys) else b""
            found = self._run(
                "look",
                self.claim_ttl,
                mode,
                _LOCK_MS,
                self._index.loaded_to,
                b"" if text is None else _key(text.url_key),
                b"" if text is None else _key(text.content_key),
                b"" if text is None else text.band_keys,
                claim,
                docs,
                self._epoch,
            )
            if found is None:
                return None
            if found[0] == -2:  # the store was emptied (a reset, a restart without persistence)
                self._index, self._epoch = BandIndex(0), found[4]
                continue
            self._absorb(found)
            if found[0] != -1:
                return found
            if mode == "lock":
                mode = "look"  # it holds the lock now; the next steps only read

    def _absorb(self, found: list) -> None:
        """Add the documents a look read to the band index (`key << 32 | doc` entries)."""
        index = self._index
        index.first_live = int(found[2])
        new = found[3]
        if not new:
            return
        docs, bands = new[::2], new[1::2]
        keys = np.frombuffer(b"".join(bands), dtype="<u4").astype(np.uint64)
        owners = np.repeat(np.array(docs, dtype=np.uint64), [len(b) // 4 for b in bands])
        index.add((keys << np.uint64(32)) | owners)
        index.loaded_to = int(docs[-1])

    def _keep(self, text: Claim, found: list) -> None:
        """Keep what a look read about `text` for the questions that follow."""
        keys = np.frombuffer(text.band_keys, dtype="<u4")
        hits = self._index.lookup(keys) if len(keys) else []
        self._look = _Look(text, found, hits)

    def _current(self) -> _Look | None:
        look = self._look
        return look if look is not None and look.fresh() else None

    def exclusive(self) -> _Exclusive:
        return _Exclusive(self)

    def _lock(self) -> None:
        text = self._looked if self._current() is not None else None
        while (found := self._look_at(text, "lock")) is None:
            time.sleep(_LOCK_WAIT)
        self._locked_version = int(found[1])
        if text is not None:
            self._keep(text, found)

    def _unlock(self, send_claims: bool) -> None:
        args: list[object] = []
        claims = self._pending if send_claims else []
        for c in claims:
            args += [_key(c.url_key), _claim_value(self._owner_bytes, c)]
        self._pending = []
        self._locked_version = None
        version = int(self._run("unlock", self.claim_ttl, len(claims), *args))
        if claims:
            self._claimed.update(c.url_key for c in claims)
            self._look = None  # it did not see these claims
            self._seen(version)

    def foreign_claims(self) -> list[Claim]:
        look = self._current()
        if look is not None:
            return look.claims
        found = self._run("foreign_claims")
        return [_claim(k, v) for k, v in zip(found[::2], found[1::2], strict=True)]

    def claim(self, claim: Claim) -> None:
        if self._locked_version is None:
            raise RuntimeError("claim() belongs inside exclusive()")
        self._pending.append(claim)

    def get_url(self, url_key: int) -> UrlState | None:
        look = self._current()
        if look is not None and look.url_key == url_key:
            return look.url
        found = self._run("get_url", _key(url_key))
        return None if found is None else _url_state(*found)

    def first_with_content(self, content_key: int) -> str | None:
        look = self._current()
        if look is not None and look.content_key == content_key:
            return look.first
        key = _key(content_key)
        bucket = int.from_bytes(key[:2], "little") % 16384
        (found,) = self._send(("HGET", f"{self.prefix}:c:{bucket}", key))
        return None if found is None else found.decode()

    def candidates(self, band_keys: np.ndarray) -> list[int]:
        keys = band_keys.astype("<u4")
        look = self._current()
        if look is not None and look.band_keys == keys.tobytes():
            return list(look.hits)
        self._look_at(None, "sync")
        return self._index.lookup(keys)

    def get_docs(self, docs: Sequence[int]) -> list[DocEntry]:
        if not docs:
            return []
        look = self._current()
        known = look.docs if look is not None else {}
        missing = [doc for doc in docs if doc not in known]
        fetched: dict[int, DocEntry | None] = {}
        if missing:
            for doc, value in zip(missing, self._run("get_docs", *missing), strict=True):
                if value:
                    size, sketch, id_ = _doc_fields(value)
                    fetched[doc] = DocEntry(doc, id_, size, sketch)
        entries = [known.get(doc) or fetched.get(doc) for doc in docs]
        return [entry for entry in entries if entry is not None]

    def write(
        self,
        records: Sequence[StoredRecord],
        lastmods: Mapping[int, int],
        *,
        expire_before: int,
    ) -> None:
        args: list[object] = [self.claim_ttl, expire_before, len(records)]
        for r in records:
            content = _key(r.content_key)
            lastmod = _NO_LASTMOD if r.lastmod is None else r.lastmod
            args += [
                _key(r.url_key),
                content if r.index_content else b"",
                content + struct.pack("<III", r.revision, lastmod, r.written_at),
                r.id,
                _doc_entry(r),
            ]
        args.append(len(lastmods))
        for url_key, lastmod in lastmods.items():
            args += [_key(url_key), lastmod]
        self._look = None
        self._seen(int(self._run("write", *args)))
        self._claimed.difference_update(r.url_key for r in records)

    def close(self) -> None:
        try:
            self._run("close", *(_key(url_key) for url_key in self._claimed))
        finally:
            self._claimed = set()
            self._look = None
            self._redis.connection_pool.release(self._conn)
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
