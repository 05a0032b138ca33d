"""The persistent state behind deduplication, as an interface.

`Deduplicator` talks to a `DedupStore` only through the methods below, and only with plain
values (ints, bytes, str), so a store is a small, mechanical piece of code: `SQLiteStore` is the
embedded default; a Redis store for several hosts implements the same methods with hashes for
URLs and contents, sets for LSH bands and a counter for document numbers.

A store keeps four kinds of entries:

- URLs, forever: what was written for each canonical URL (id, content key, revision, lastmod,
  write time, and the document number of the latest written text).
- Content keys, forever: the first URL written with each exact text.
- Documents, for a rolling window: one per written text (the verification sketch, the shingle-set
  size, and the LSH band keys when the text is indexed for near-duplicate search).
- Claims, for seconds: what a process decided to write and has not flushed yet, so that two
  crawls sharing the store never both write one story; a claim ends when its record is
  flushed, when its process closes the store, or when its process is gone.

Keys are 63-bit non-negative ints cut from BLAKE2b digests (`url_key`, `content_key`); LSH band
keys are uint32. Times are Unix seconds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from contextlib import AbstractContextManager

    import numpy as np


class StoreMismatchError(RuntimeError):
    """The store was built with other fingerprint parameters than the ones asked for."""


class StoreCorruptError(RuntimeError):
    """The store cannot be read: not a database, or a damaged one. Its message names the store
    and says how to rebuild it from the written files."""


@dataclass(frozen=True)
class UrlState:
    """What a store knows about one canonical URL: its latest written revision."""

    id: str
    content_key: int
    revision: int
    lastmod: int | None  # sitemap lastmod recorded when written (Unix seconds)
    written_at: int
    size: int  # shingle-set size of the latest text
    sketch: bytes | None  # verification sketch of the latest text; None once pruned


@dataclass(frozen=True)
class DocEntry:
    """An indexed text that is a near-duplicate candidate."""

    doc: int
    id: str  # record id of the URL the text was written under
    size: int
    sketch: bytes


@dataclass(frozen=True)
class StoredRecord:
    """One written record, as `DedupStore.write` receives it."""

    url_key: int
    id: str
    content_key: int
    revision: int
    lastmod: int | None
    written_at: int
    size: int  # 0 when the text has no shingles (then `sketch` is empty)
    sketch: bytes
    band_keys: bytes  # uint32 little-endian LSH keys; empty when the text is not indexed
    index_content: bool  # also register `content_key` (first writer wins)


@dataclass(frozen=True)
class Claim:
    """A record another process decided to write and has not flushed yet."""

    url_key: int
    id: str
    revision: int
    content_key: int
    size: int
    sketch: bytes
    # uint32 little-endian LSH keys of the text; a store that indexes claims by band finds the
    # claim as a near-duplicate candidate of the texts sharing one, as it will the record
    band_keys: bytes = b""


class DedupStore(ABC):
    """Persistent URL, content and near-duplicate index entries shared by crawls."""

    @abstractmethod
    def bind(self, fingerprint_params: str) -> None:
        """Record the fingerprint parameters on first use; afterwards insist on the same.

        Band keys and sketches computed with other parameters never match: raise
        `StoreMismatchError` instead of silently missing every near-duplicate.
        """

    @abstractmethod
    def refresh(self) -> bool:
        """Catch up with what other processes committed (claims included).

        True when they committed since the last refresh; `foreign_claims` and `candidates`
        answer as of the last refresh.
        """

    @abstractmethod
    def exclusive(self) -> AbstractContextManager[None]:
        """Hold other processes' claims and flushes off until the block ends.

        `Deduplicator.check` claims inside it, after making sure (`refresh`) that nothing was
        committed since it decided, so no other process can decide on the same story between
        the decision and the claim.
        """

    def look(self, text: Claim, *, claim_unknown: bool) -> bool:
        """Read at once what `Deduplicator.check` asks next about one text; maybe claim it.

        `text` holds the URL key, content key and band keys of the text, and the claim to make
        (revision 1) when `claim_unknown` is set and the store knows nothing of the text: no
        written or claimed URL, no written or claimed content key, no band key shared with a
        written document or another process's claim, and no other process inside `exclusive()`.
        True when it claimed, which makes the text "new" (the caller checked its own unflushed
        adds first). A remote store answers the questions that follow about this text (get_url,
        first_with_content, candidates, get_docs; foreign_claims with the claims bearing on it)
        from what it read here, in one round trip. This default reads nothing and claims nothing.
        """
        return False

    @abstractmethod
    def foreign_claims(self) -> list[Claim]:
        """Return the live claims of other processes (forgetting those of ended processes).

        Right after `look`, a store may return only those bearing on the looked-up text: its
        URL, its content key or one of its band keys.
        """

    @abstractmethod
    def claim(self, claim: Claim) -> None:
        """Claim a record for this process until it is written, or the store is closed."""

    @abstractmethod
    def get_url(self, url_key: int) -> UrlState | None:
        """Return the state of a written URL, or None."""

    @abstractmethod
    def first_with_content(self, content_key: int) -> str | None:
        """Return the id of the first record written with this exact content, or None."""

    @abstractmethod
    def candidates(self, band_keys: np.ndarray) -> list[int]:
        """Return the documents sharing at least one LSH band key (once per shared band)."""

    @abstractmethod
    def get_docs(self, docs: Sequence[int]) -> list[DocEntry]:
        """Return the documents still in the store among `docs` (pruned ones are skipped)."""

    @abstractmethod
    def write(
        self,
        records: Sequence[StoredRecord],
        lastmods: Mapping[int, int],
        *,
        expire_before: int,
    ) -> None:
        """Commit atomically and durably, then prune documents written before `expire_before`.

        `records` are newly written records. Each gets the next document number, so a later
        revision of a URL keeps the earlier document (copies of the earlier text still find it);
        when two crawls write the same URL, the higher revision wins. `lastmods` maps the URL
        keys of unchanged re-crawls to a newer sitemap lastmod to remember. The claims of this
        process on the written URLs end. URL and content entries are never pruned.
        """

    @abstractmethod
    def close(self) -> None:
        """End this process's claims and release the store's resources."""
