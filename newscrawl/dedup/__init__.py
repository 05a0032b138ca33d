"""Deduplication: canonical-URL, revision, exact and near-duplicate decisions, persisted.

Pure logic, no Scrapy import. `Deduplicator` decides; a `DedupStore` (`SQLiteStore` by default)
remembers across runs and processes; `fingerprints` holds the text hashing it relies on.
"""

from __future__ import annotations

from newscrawl.dedup.deduplicator import Deduplicator, NearDupParams, Verdict
from newscrawl.dedup.fingerprints import content_hash, normalize_text
from newscrawl.dedup.sqlite_store import SQLiteStore
from newscrawl.dedup.store import DedupStore, StoreCorruptError, StoreMismatchError

__all__ = [
    "DedupStore",
    "Deduplicator",
    "NearDupParams",
    "SQLiteStore",
    "StoreCorruptError",
    "StoreMismatchError",
    "Verdict",
    "content_hash",
    "normalize_text",
]
