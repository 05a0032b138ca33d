"""Moving the dedup state between the single-host SQLite store and Redis, by rebuilding it
from the JSONL files (the source of truth), against a real redis-server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from devtools.warcgen import build_warc
from newscrawl.dedup.deduplicator import NearDupParams
from newscrawl.health import EXIT_USAGE
from newscrawl.store_rebuild import StoreInUseError, rebuild_redis, run_files
from tests.crawling import crawl, rebuild_store
from tests.sharing import fresh_db

if TYPE_CHECKING:
    from pathlib import Path

    from devtools.redis_server import RedisServer


def test_the_store_moves_to_redis_and_back_through_the_files(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    archive = tmp_path / "cc-news.warc.gz"
    build_warc(archive, 20, seed=7)
    path = ("-a", f"path={archive}")
    one_host = crawl("warc", tmp_path, *path, settings={"EXTRACT_WORKERS": "1"})
    assert one_host.returncode == 0, one_host.stderr[-3000:]
    (first,) = one_host.manifests("warc")
    written = first["written"]
    assert written > 0

    url = fresh_db(redis_server, 6)
    moved = rebuild_store(tmp_path, {"DEDUP_STORE": url})
    assert moved.returncode == 0, moved.stderr
    assert f"from {written} records in 1 files" in moved.stderr
    refused = rebuild_store(tmp_path, {"DEDUP_STORE": url})  # never over a store in use
    assert refused.returncode == EXIT_USAGE and "holds a store already" in refused.stderr
    with pytest.raises(StoreInUseError):
        rebuild_redis(url, run_files(tmp_path / "output"), NearDupParams())
    shared = {"REDIS_URL": url, "DEDUP_STORE": url, "EXTRACT_WORKERS": "1"}
    on_redis = crawl("warc", tmp_path / "host", *path, settings=shared)
    assert on_redis.returncode == 0, on_redis.stderr[-3000:]
    assert on_redis.records("warc") == []
    # the copies the first run dropped are dropped again, as copies of what Redis now knows
    assert on_redis.manifests("warc")[0]["dropped"] == {
        **first["dropped"],
        "already_written": written,
    }

    # and back: the SQLite store rebuilt from the files (here all on one host) knows them all
    (tmp_path / "dedup.sqlite").unlink()
    rebuilt = rebuild_store(tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = crawl("warc", tmp_path, *path, settings={"EXTRACT_WORKERS": "1"})
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.manifests("warc")[-1]["written"] == 0
