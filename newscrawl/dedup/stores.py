"""Open a dedup store from its URL (the `DEDUP_STORE` setting): the scheme picks the class.

`sqlite:///relative/path.sqlite` and `sqlite:////absolute/path.sqlite` name an SQLite file, as
SQLAlchemy spells it; a bare path is taken as an SQLite file too. `redis://host:port/db` (or
`rediss://` for TLS) names a Redis server shared by several hosts; `?prefix=` and `?claim_ttl=`
are read by `newscrawl.dedup.redis_store.split_store_url`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from redis.connection import parse_url

from newscrawl.dedup.redis_store import RedisStore, split_store_url
from newscrawl.dedup.sqlite_store import SQLiteStore
from newscrawl.dedup.store import DedupStore


class StoreUrlError(ValueError):
    """A `DEDUP_STORE` value that names no store this build knows."""


def _open_sqlite(url: str) -> DedupStore:
    parts = urlsplit(url)
    if parts.netloc:
        raise StoreUrlError(f"an sqlite store URL has no host: sqlite:///path, not {url!r}")
    path = parts.path.removeprefix("/")
    if not path:
        raise StoreUrlError(f"an sqlite store URL needs a file path: {url!r}")
    return SQLiteStore(path)


OPENERS: dict[str, Callable[[str], DedupStore]] = {
    "sqlite": _open_sqlite,
    "redis": RedisStore,
    "rediss": RedisStore,
}


def sqlite_url(path: str) -> str:
    """The store URL of an SQLite file.

    >>> sqlite_url("/srv/dedup.sqlite")
    'sqlite:////srv/dedup.sqlite'
    >>> sqlite_url("output/dedup.sqlite")
    'sqlite:///output/dedup.sqlite'
    """
    return f"sqlite:///{path}"


def check_store_url(url: str) -> None:
    """Raise `StoreUrlError` for a URL whose scheme no opener handles (before anything opens).

    >>> check_store_url("memcached://localhost")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    newscrawl.dedup.stores.StoreUrlError: DEDUP_STORE 'memcached://localhost': unknown scheme...
    """
    scheme = urlsplit(url).scheme if "://" in url else "sqlite"
    if scheme not in OPENERS:
        known = ", ".join(sorted(OPENERS))
        raise StoreUrlError(f"DEDUP_STORE {url!r}: unknown scheme {scheme!r} (known: {known})")
    if OPENERS[scheme] is RedisStore:
        try:
            check_redis_url(split_store_url(url)[0])
        except ValueError as exc:
            raise StoreUrlError(f"DEDUP_STORE {url!r}: {exc}") from None


def check_redis_url(url: str) -> None:
    """Raise `ValueError` for a Redis URL that redis-py cannot read (scheme, port, database).

    >>> check_redis_url("redis://db.lan:6380/2")
    >>> check_redis_url("redis://db.lan:99999/2")
    Traceback (most recent call last):
    ...
    ValueError: Port out of range 0-65535
    """
    parse_url(url)


def open_store(url: str) -> DedupStore:
    """Open the store a URL names; a plain path (no scheme) is an SQLite file."""
    check_store_url(url)
    if "://" not in url:
        return SQLiteStore(url)
    return OPENERS[urlsplit(url).scheme](url)
