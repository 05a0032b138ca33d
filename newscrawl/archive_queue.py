"""The archive list of a `warc` crawl shared by its workers through Redis, one lease at a time.

Pure logic over a Redis client (no Scrapy): the `warc` spider is a thin adapter over it.

Keys (Q = `newscrawl:archives:<crawl>`, see `crawl_name`):

- `Q:known` set: every archive ever pushed. A push adds only the archives not in it, in one
  Lua script, so workers starting together push the list once.
- `Q:pending` list: archives no worker has taken yet.
- `Q:leased` set: archives a worker took and has not finished; `Q:lease:<archive>` holds the
  worker's name with an expiry (the lease), renewed while it reads. An archive whose lease
  key expired (its worker was killed, its host lost) is taken over by the next `take`.
- `Q:done` set: archives read to the end.
- `Q:w:<id[:3]>` hashes: record id -> the run that last wrote it, for the recovery check
  (`written_by`): a killed worker's `.part` may hold records it never confirmed to the dedup
  store, which the worker that took its archive over wrote again.

A crawl is over for every worker when `Q:pending` is empty and `Q:leased` too. Single Redis
only: the scripts compute key names, which a Redis Cluster does not allow.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import redis

PREFIX = "newscrawl:archives"
# Leading hex digits of a record id naming its writers hash: 4,096 small hashes, which Redis
# packs as listpacks (a few tens of bytes per record instead of a hundred in one big hash).
_WRITER_BUCKET_DIGITS = 3

_PUSH = """
local Q, added = ARGV[1], 0
for i = 2, #ARGV do
  if redis.call('SADD', Q .. ':known', ARGV[i]) == 1 then
    redis.call('RPUSH', Q .. ':pending', ARGV[i])
    added = added + 1
  end
end
return added
"""

# Expired leases first: an archive a dead worker held is the oldest work left.
_TAKE = """
local Q, me, ttl = ARGV[1], ARGV[2], ARGV[3]
for _, archive in ipairs(redis.call('SMEMBERS', Q .. ':leased')) do
  if redis.call('SET', Q .. ':lease:' .. archive, me, 'NX', 'PX', ttl) then
    return {archive, 1}
  end
end
local archive = redis.call('LPOP', Q .. ':pending')
if archive then
  redis.call('SADD', Q .. ':leased', archive)
  redis.call('SET', Q .. ':lease:' .. archive, me, 'PX', ttl)
  return {archive, 0}
end
return {'', redis.call('SCARD', Q .. ':leased')}
"""

_RENEW = """
local Q, me, ttl, archive = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('GET', Q .. ':lease:' .. archive) == me then
  return redis.call('PEXPIRE', Q .. ':lease:' .. archive, ttl)
end
return 0
"""

# ARGV[4] "done": the archive was read to the end; "again": back to the head of the queue.
_FINISH = """
local Q, me, archive, how = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('GET', Q .. ':lease:' .. archive) ~= me then
  return 0
end
redis.call('DEL', Q .. ':lease:' .. archive)
redis.call('SREM', Q .. ':leased', archive)
if how == 'done' then
  redis.call('SADD', Q .. ':done', archive)
else
  redis.call('LPUSH', Q .. ':pending', archive)
end
return 1
"""


def crawl_name(spider: str, archives: Sequence[str], name: str = "") -> str:
    """The crawl's name: `name` when given, else the spider's and a digest of its archive list.

    Workers given the same list share one queue; another list is another crawl.

    >>> crawl_name("warc", ["a.warc.gz", "b.warc.gz"])
    'warc-11907763db85'
    >>> crawl_name("warc", ["a.warc.gz"], "ccnews-2024-05")
    'ccnews-2024-05'
    """
    if name:
        return name
    digest = hashlib.sha256("\n".join(sorted(archives)).encode("utf-8")).hexdigest()
    return f"{spider}-{digest[:12]}"


@dataclass(frozen=True)
class Taken:
    """An archive a worker now holds the lease of; `taken_over` when a dead worker held it."""

    archive: str
    taken_over: bool


@dataclass(frozen=True)
class Progress:
    """Archives of a crawl by state (what `redis-cli` shows, see the README)."""

    known: int
    pending: int
    leased: int
    done: int


class ArchiveQueue:
    """One crawl's shared archive list on `client`, for one worker (`owner`).

    `lease_ms`: how long a lease lasts without renewal; renew it well within that time.
    """

    def __init__(
        self, client: redis.Redis, crawl: str, lease_ms: int, owner: str | None = None
    ) -> None:
        self.redis = client
        self.key = f"{PREFIX}:{crawl}"
        self.lease_ms = lease_ms
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._push = client.register_script(_PUSH)
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._finish = client.register_script(_FINISH)

    def push(self, archives: Iterable[str]) -> int:
        """Add the archives this crawl has not seen yet, in order; return how many were new."""
        names = list(archives)
        return int(self._push(args=[self.key, *names])) if names else 0

    def take(self) -> Taken | None:
        """Lease the next archive: an expired lease first, else the head of the queue.

        None when there is nothing to take now; `busy()` then says whether other workers still
        hold leases that may yet expire.
        """
        archive, taken_over = self._take(args=[self.key, self.owner, self.lease_ms])
        if not archive:
            return None
        return Taken(archive.decode("utf-8"), bool(taken_over))

    def renew(self, archive: str) -> bool:
        """Extend the lease; False when it was lost (expired and taken by another worker)."""
        return bool(self._renew(args=[self.key, self.owner, self.lease_ms, archive]))

    def done(self, archive: str) -> bool:
        """The archive was read to the end; False when the lease had been lost meanwhile."""
        return bool(self._finish(args=[self.key, self.owner, archive, "done"]))

    def release(self, archive: str) -> bool:
        """Give an archive not read to the end back, at the head of the queue (a stopped run)."""
        return bool(self._finish(args=[self.key, self.owner, archive, "again"]))

    def busy(self) -> bool:
        """Whether some archive is leased (by any worker)."""
        return bool(self.redis.scard(f"{self.key}:leased"))

    def progress(self) -> Progress:
        pipe = self.redis.pipeline(transaction=False)
        pipe.scard(f"{self.key}:known")
        pipe.llen(f"{self.key}:pending")
        pipe.scard(f"{self.key}:leased")
        pipe.scard(f"{self.key}:done")
        return Progress(*(int(n) for n in pipe.execute()))

    def _writers(self, record_id: str) -> str:
        return f"{self.key}:w:{record_id[:_WRITER_BUCKET_DIGITS]}"

    def wrote(self, record_id: str, run_id: str) -> None:
        """Note that `run_id` wrote record `record_id` (to its file, before it is confirmed)."""
        self.redis.hset(self._writers(record_id), record_id, run_id)

    def written_by(self, record_id: str) -> str | None:
        """The run that last wrote `record_id` in this crawl, or None."""
        found = self.redis.hget(self._writers(record_id), record_id)
        return None if found is None else found.decode("utf-8")

    def reset(self) -> int:
        """Delete every key of this crawl (it starts again from an empty list); how many."""
        keys = list(self.redis.scan_iter(match=f"{self.key}:*", count=1000))
        return int(self.redis.delete(*keys)) if keys else 0
