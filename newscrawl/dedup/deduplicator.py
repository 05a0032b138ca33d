"""URL, revision, exact and near-duplicate decisions over a `DedupStore`.

The decision for one text, in order:

1. Its canonical URL was written before: "unchanged" when the text is the same (same normalized
   hash, or near-identical: estimated Jaccard >= `unchanged_similarity`), else "revision". A URL is
   never compared with other stories, so a revision is never a near-duplicate of its own
   earlier version.
2. Content dedup off: "new".
3. The exact normalized text was written under another URL: "exact".
4. A written text shares an LSH band and its estimated containment reaches `threshold`: "near".
5. Otherwise "new".

Only "new" and "revision" texts become dedup targets (content key and LSH bands); a duplicate
written in mark mode records its URL only, so `duplicate_of` always points at an original and
mark and drop mode decide identically.

`add` buffers in memory, visible to `check` at once; `flush` commits the buffer in one short
transaction. The writer calls `flush` after fsync of its output, so a crash never leaves a URL
marked as written without its record on disk.

Two crawls sharing a store: `check` decides and claims its URL (and, for a text to be written,
the text) in one transaction of the store, and honours the other processes' claims as if their
records were written already. A story two crawls find at once is written by the first to check
it; a claim ends with the flush of its record, with `close`, or with its process. `check` first
asks the store to `look` at the text: a remote store reads everything the decision needs in one
round trip and claims a text nobody knows of in the same step.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from newscrawl.dates import epoch_seconds
from newscrawl.dedup.fingerprints import (
    FINGERPRINT_VERSION,
    band_keys,
    estimate_containment,
    estimate_jaccard,
    minhash,
    normalize_bytes,
    shingle_hashes,
    signature_bytes,
)
from newscrawl.dedup.store import Claim, DocEntry, StoredRecord, UrlState

if TYPE_CHECKING:
    from newscrawl.dedup.store import DedupStore

logger = logging.getLogger(__name__)

VerdictKind = Literal["new", "revision", "unchanged", "exact", "near"]

_DAY = 86_400
# True copies share several bands (16 bands of 2 rows: ~4 at Jaccard 0.5); a phrase common to
# many stories collides in one. Verifying only the best-ranked candidates bounds the cost.
_MAX_CANDIDATES = 32
# Fingerprints computed by `check` are reused by the `add` that usually follows.
_FINGERPRINT_CACHE = 1024
# Numbers for buffered documents and for other processes' claims: above every stored one
# (32-bit) and in that order, so "earliest" sorts right.
_PENDING_BASE = 1 << 40
_CLAIM_BASE = 1 << 41


@dataclass(frozen=True)
class NearDupParams:
    """Near-duplicate parameters. The first four shape stored fingerprints (fixed per store)."""

    # Signature length: 128 one-byte values estimate Jaccard to ±0.044 (1 sd at 0.5) for 128
    # bytes per document on disk; 256 changed recall by -0.003 to +0.011 over three seeds of
    # the bench-dedup set, for 128 more bytes and ~10 µs more per document.
    num_perm: int = 128
    # 16 bands of 2 rows find a pair with probability 1-(1-J²)^16: 99 % at Jaccard 0.5 (a copy
    # trimmed to half), 94 % at 0.4; the in-memory index costs 8 bytes per band per document.
    bands: int = 16
    rows: int = 2
    # Word 5-grams: long enough that unrelated stories rarely share one, short enough that a
    # copy edit changes only five of them.
    shingle_size: int = 5
    # Containment (overlap / smaller text): trimmed and edited copies mostly stay above 0.9,
    # different stories on one event or template briefs peak near 0.6 (bench-dedup: recall
    # 0.98 at precision 1.0; 0.7 would find a little more at a smaller margin).
    threshold: float = 0.8
    # Syndicated copies appear within days; 90 days also covers late pick-ups while bounding
    # the index. URL and exact-text keys are kept forever.
    window_days: int = 90
    # A re-crawl this similar to the written text is the same text (a fixed typo, page furniture
    # leaking into the extraction); one added paragraph of a 600-word story falls below.
    unchanged_similarity: float = 0.95

    def __post_init__(self) -> None:
        if self.num_perm < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("num_perm, bands and rows must be positive")
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")
        if not 1 <= self.rows <= 8 or not 1 <= self.shingle_size <= 8:
            raise ValueError("rows and shingle_size must be in 1..8")
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.unchanged_similarity <= 1.0:
            raise ValueError("threshold and unchanged_similarity must be in (0, 1]")
        if self.window_days < 1:
            raise ValueError("window_days must be positive")

    @property
    def fingerprint_key(self) -> str:
        """The parameters stored fingerprints depend on, as the store records them."""
        return (
            f"{FINGERPRINT_VERSION} num_perm={self.num_perm} bands={self.bands} rows={self.rows} "
            f"shingle_size={self.shingle_size}"
        )


DEFAULT_PARAMS = NearDupParams()


@dataclass(frozen=True)
class Verdict:
    """What `Deduplicator.check` decided for one text."""

    kind: VerdictKind
    duplicate_of: str | None = None  # id of the earlier record, for "exact" and "near"
    revision: int = 1  # 1 when new; the written revision + 1 for a revision


@dataclass(frozen=True)
class _Fingerprint:
    content_key: int
    size: int  # distinct shingles; 0 when the text is shorter than one shingle
    sketch: bytes
    band_keys: np.ndarray | None


def _key(digest: bytes) -> int:
    """63-bit non-negative store key from a digest (fits SQLite's signed INTEGER)."""
    return int.from_bytes(digest[:8], "big") >> 1


@functools.lru_cache(maxsize=_FINGERPRINT_CACHE)  # `add` follows the `check` of the same URL
def _url_key(canonical_url: str) -> int:
    return _key(hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=16).digest())


class Deduplicator:
    """Decide new / revision / unchanged / exact / near for texts, and remember written ones.

    `store`: where state persists across runs and processes; closed by `close`.
    `params`: near-duplicate parameters (see `NearDupParams`).
    `content_dedup`: False for `DEDUP_MODE=off`: only URL and revision logic decides, but written
    texts are still indexed, so turning it back on later catches copies of them.

    Not thread-safe: calls must not overlap.
    """

    def __init__(
        self,
        store: DedupStore,
        params: NearDupParams = DEFAULT_PARAMS,
        content_dedup: bool = True,
    ) -> None:
        self.store = store
        self.params = params
        self.content_dedup = content_dedup
        store.bind(params.fingerprint_key)
        store.refresh()  # what other processes have committed so far
        self._fingerprints: dict[str, _Fingerprint] = {}
        self._newest = 0  # latest written_at added by this instance
        # Buffered adds, consulted by check() before the store.
        self._records: list[StoredRecord] = []
        self._latest: dict[int, int] = {}  # url_key -> index in _records
        self._contents: dict[int, str] = {}  # content_key -> id
        self._bands: dict[int, list[int]] = {}  # band key -> buffered document numbers
        self._lastmods: dict[int, int] = {}  # url_key -> lastmod of an unchanged re-crawl

    def _fingerprint(self, text: str) -> _Fingerprint:
        cached = self._fingerprints.get(text)
        if cached is not None:
            return cached
        normalized = normalize_bytes(text)
        digest = hashlib.blake2b(normalized, digest_size=16).digest()
        shingles = shingle_hashes(normalized, self.params.shingle_size)
        if len(shingles):
            signature = minhash(shingles, self.params.num_perm)
            fingerprint = _Fingerprint(
                _key(digest),
                len(shingles),
                signature_bytes(signature),
                band_keys(signature, self.params.bands, self.params.rows),
            )
        else:
            fingerprint = _Fingerprint(_key(digest), 0, b"", None)
        if len(self._fingerprints) >= _FINGERPRINT_CACHE:
            del self._fingerprints[next(iter(self._fingerprints))]
        self._fingerprints[text] = fingerprint
        return fingerprint

    def _url_state(self, url_key: int) -> UrlState | None:
        index = self._latest.get(url_key)
        if index is None:
            return self.store.get_url(url_key)
        r = self._records[index]
        return UrlState(r.id, r.content_key, r.revision, r.lastmod, r.written_at, r.size, r.sketch)

    def url_written(self, canonical_url: str, lastmod: str | None = None) -> bool:
        """True when this URL's article was written and `lastmod` is not newer than it.

        `lastmod` (ISO 8601, e.g. a sitemap's) is compared with the lastmod recorded when the
        article was written, or with the write time when none was recorded; an unparseable
        lastmod counts as not newer. True means the caller can skip the download.
        """
        url_key = _url_key(canonical_url)
        state = self._url_state(url_key)
        if state is None:
            return False
        if lastmod is None:
            return True
        newer = epoch_seconds(lastmod)
        if newer is None:
            return True
        known = state.lastmod if state.lastmod is not None else state.written_at
        return newer <= max(known, self._lastmods.get(url_key, known))

    def check(self, *, id: str, canonical_url: str, text: str) -> Verdict:
        """Decide what `text`, fetched under `canonical_url` as record `id`, is.

        Nothing is recorded as written (that is `add`), but a "new" or "revision" text is claimed
        against other processes sharing the store until its record is flushed or this
        deduplicator closed.
        """
        fingerprint = self._fingerprint(text)
        url_key = _url_key(canonical_url)
        bands = fingerprint.band_keys
        new = Claim(
            url_key=url_key,
            id=id,
            revision=1,
            content_key=fingerprint.content_key,
            size=fingerprint.size,
            sketch=fingerprint.sketch,
            band_keys=b"" if bands is None else bands.astype("<u4").tobytes(),
        )
        # A text neither this crawl's unflushed adds nor the store know anything of is new: the
        # store claims it in the same step as it looks.
        if self.store.look(new, claim_unknown=self._unknown_here(url_key, fingerprint)):
            return Verdict("new")
        # Decide on what the last refresh saw: a duplicate of a written record stays one, and a
        # text to be written is decided again under the lock when other crawls committed since.
        # Claims can end without a record, so while other crawls hold some, look again first.
        claims = self.store.foreign_claims()
        if claims and self.store.refresh():
            claims = self.store.foreign_claims()
        verdict = self._decide(id, url_key, fingerprint, claims)
        # Only what every mode writes is claimed: a duplicate dropped in drop mode is never
        # added, and its claim would stand until close.
        if verdict.kind not in ("new", "revision"):
            return verdict
        with self.store.exclusive():
            if self.store.refresh():
                verdict = self._decide(id, url_key, fingerprint, self.store.foreign_claims())
            if verdict.kind in ("new", "revision"):
                self.store.claim(replace(new, revision=verdict.revision))
        return verdict

    def _unknown_here(self, url_key: int, fingerprint: _Fingerprint) -> bool:
        """True when none of the unflushed adds shares the URL, the content or a band."""
        if url_key in self._latest or fingerprint.content_key in self._contents:
            return False
        bands = self._bands
        return (
            not bands
            or fingerprint.band_keys is None
            or bands.keys().isdisjoint(fingerprint.band_keys.tolist())
        )

    def _decide(
        self, id: str, url_key: int, fingerprint: _Fingerprint, claims: list[Claim]
    ) -> Verdict:
        for claim in claims:
            if claim.url_key == url_key:  # another crawl is writing this URL right now
                return Verdict("unchanged", None, claim.revision)
        state = self._url_state(url_key)
        if state is not None:
            if fingerprint.content_key == state.content_key or self._near_identical(
                fingerprint, state
            ):
                return Verdict("unchanged", None, state.revision)
            return Verdict("revision", None, state.revision + 1)
        if not self.content_dedup:
            return Verdict("new")
        first = self._contents.get(fingerprint.content_key) or self.store.first_with_content(
            fingerprint.content_key
        )
        if first is None:
            first = next((c.id for c in claims if c.content_key == fingerprint.content_key), None)
        if first is not None and first != id:
            return Verdict("exact", first)
        original = self._nearest(fingerprint, id, claims)
        if original is not None:
            return Verdict("near", original)
        return Verdict("new")

    def _near_identical(self, fingerprint: _Fingerprint, state: UrlState) -> bool:
        if not fingerprint.size or not state.sketch:
            return False
        # Jaccard never exceeds the size ratio, which is exact: an added or cut paragraph is
        # a revision even when the sketch estimate happens to come out high.
        smaller, larger = sorted((fingerprint.size, state.size))
        if smaller < self.params.unchanged_similarity * larger:
            return False
        similarity = estimate_jaccard(fingerprint.sketch, state.sketch)
        return similarity >= self.params.unchanged_similarity

    def _nearest(self, fingerprint: _Fingerprint, id: str, claims: list[Claim]) -> str | None:
        """Return the id of the best verified near-duplicate target, or None."""
        if fingerprint.band_keys is None:
            return None
        found = self.store.candidates(fingerprint.band_keys)
        if self._bands:
            for key in fingerprint.band_keys.tolist():
                found.extend(self._bands.get(key, ()))
        entries = []
        if found:
            shared = Counter(found)
            ranked = sorted(shared, key=lambda doc: (-shared[doc], doc))[:_MAX_CANDIDATES]
            entries = self.store.get_docs([doc for doc in ranked if doc < _PENDING_BASE])
            for doc in ranked:
                if doc >= _PENDING_BASE:
                    r = self._records[doc - _PENDING_BASE]
                    entries.append(DocEntry(doc, r.id, r.size, r.sketch))
        for n, claim in enumerate(claims):  # a handful at most: compare them all
            if claim.size:
                entries.append(DocEntry(_CLAIM_BASE + n, claim.id, claim.size, claim.sketch))
        best: tuple[float, int, str] | None = None
        for entry in entries:
            if entry.id == id:  # a record is never its own duplicate
                continue
            jaccard = estimate_jaccard(fingerprint.sketch, entry.sketch)
            containment = estimate_containment(jaccard, fingerprint.size, entry.size)
            # highest containment wins; among equals, the earliest document
            if containment >= self.params.threshold and (
                best is None or (containment, -entry.doc) > (best[0], -best[1])
            ):
                best = (containment, entry.doc, entry.id)
        return None if best is None else best[2]

    def add(
        self,
        *,
        id: str,
        canonical_url: str,
        text: str,
        verdict: Verdict,
        lastmod: str | None,
        written_at: str,
    ) -> None:
        """Record a written record (buffered until `flush`, visible to `check` at once).

        `verdict` is what `check` returned. "new" and "revision" texts become targets for
        later exact and near-duplicate checks; "exact" and "near" (written in mark mode)
        record the URL only. For "unchanged" (not written), pass it anyway when `lastmod` is
        newer than the recorded one: it is remembered, so the URL is not fetched again for it.
        `lastmod` and `written_at` are ISO 8601 (naive means UTC).
        """
        url_key = _url_key(canonical_url)
        recorded_lastmod = None if lastmod is None else epoch_seconds(lastmod)
        if verdict.kind == "unchanged":
            if recorded_lastmod is not None:
                known = self._lastmods.get(url_key, recorded_lastmod)
                self._lastmods[url_key] = max(known, recorded_lastmod)
            return
        written = epoch_seconds(written_at)
        if written is None:
            raise ValueError(f"written_at is not an ISO 8601 time: {written_at!r}")
        fingerprint = self._fingerprint(text)
        target = verdict.kind in ("new", "revision")
        bands = fingerprint.band_keys if target else None
        doc = _PENDING_BASE + len(self._records)
        self._latest[url_key] = len(self._records)
        self._records.append(
            StoredRecord(
                url_key=url_key,
                id=id,
                content_key=fingerprint.content_key,
                revision=verdict.revision,
                lastmod=recorded_lastmod,
                written_at=written,
                size=fingerprint.size,
                sketch=fingerprint.sketch,
                band_keys=b"" if bands is None else bands.astype("<u4").tobytes(),
                index_content=target,
            )
        )
        if target:
            self._contents.setdefault(fingerprint.content_key, id)
        if bands is not None:
            for key in bands.tolist():
                self._bands.setdefault(key, []).append(doc)
        self._newest = max(self._newest, written)

    def flush(self) -> None:
        """Commit buffered adds durably (call after the written records are fsynced)."""
        if not self._records and not self._lastmods:
            return
        expire_before = self._newest - self.params.window_days * _DAY if self._newest else 0
        self.store.write(self._records, self._lastmods, expire_before=expire_before)
        self._records = []
        self._latest = {}
        self._contents = {}
        self._bands = {}
        self._lastmods = {}

    def close(self) -> None:
        """Close the store. Adds not flushed are discarded: they were never confirmed written."""
        if self._records or self._lastmods:
            logger.warning(
                "discarding %d unflushed dedup records", len(self._records) + len(self._lastmods)
            )
        self.store.close()
