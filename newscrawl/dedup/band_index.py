"""The in-memory LSH band index both stores keep: band key -> documents of the window.

The SQLite store builds it from the `bands` blobs of its `docs` rows, the Redis store from the
documents each look returns; both then ask it for the candidates of a new text.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

LOW32 = np.uint64(0xFFFFFFFF)
SHIFT32 = np.uint64(32)
# Newly synced band entries wait in dicts (~20 MB at this size) and are merged into the sorted
# array in batches: a merge copies the array (~0.15 s at 14 M entries), so it runs every ~16,000
# documents and costs ~10 µs per document at a million documents.
_RECENT_ENTRIES = 1 << 18
# Directory buckets hold ~8 entries on average (2**3); the filter has 2**6 bits per bucket, so
# ~8 bits per entry: a key that is absent passes it about one time in eight (16 MB of filter
# and 16 MB of directory at a million documents).
_BUCKET_BITS = 3
_FILTER_BITS = 6
# Entries processed per step of a merge (bounds the temporary arrays to 8 MB).
_CHUNK = 1 << 20


def _chunked(values: np.ndarray, test: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Return the boolean mask `test(values)`, computed in chunks to bound temporaries."""
    mask = np.empty(len(values), dtype=bool)
    for start in range(0, len(values), _CHUNK):
        mask[start : start + _CHUNK] = test(values[start : start + _CHUNK])
    return mask


def _prefix_counts(entries: np.ndarray, bits: int) -> np.ndarray:
    """Entries per value of the top `bits` bits of the key, counted in chunks."""
    counts = np.zeros(1 << bits, dtype=np.int64)
    for start in range(0, len(entries), _CHUNK):
        prefixes = (entries[start : start + _CHUNK] >> np.uint64(64 - bits)).astype(np.intp)
        counts += np.bincount(prefixes, minlength=1 << bits)
    return counts


def _empty_filter(bits: int) -> np.ndarray:
    """A filter for a `bits`-bit directory: one bit per top-(bits + _FILTER_BITS) key prefix."""
    return np.zeros(1 << (bits + _FILTER_BITS - 3), dtype=np.uint8)


def _set_filter_bits(bitmap: np.ndarray, entries: np.ndarray, bits: int) -> None:
    """Set the bit of the top-`bits` key prefix of each of the sorted `entries`."""
    for start in range(0, len(entries), _CHUNK):
        prefixes = entries[start : start + _CHUNK] >> np.uint64(64 - bits)
        cells = prefixes >> np.uint64(3)
        masks = (np.uint8(1) << (prefixes & np.uint64(7)).astype(np.uint8)).astype(np.uint8)
        firsts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
        bitmap[cells[firsts]] |= np.bitwise_or.reduceat(masks, firsts)


class BandIndex:
    """In-memory mirror of the `bands` column: LSH key -> documents.

    Entries are `key << 32 | doc` (document numbers stay below 2**32: four billion texts) in a
    large sorted array. Two structures over the top bits of the key keep a lookup as cheap at a
    million documents as at a thousand (a binary search in a large array costs a cache miss per
    step): a bit filter that turns most absent keys away with one memory access, and a directory
    of offsets that leads a present key straight to its few entries. The newest entries wait in
    a dict of key -> first document, plus a dict of key -> further documents for the rare keys
    several documents share (revisions of one URL, random 32-bit collisions).
    """

    def __init__(self, first_live: int) -> None:
        self._entries = np.empty(0, dtype=np.uint64)
        self._bits = 1  # directory: bucket b (top bits of key) is entries[offsets[b]:offsets[b+1]]
        self._offsets = np.zeros(3, dtype=np.int64)
        self._filter = _empty_filter(self._bits)
        self._recent: dict[int, int] = {}
        self._shared: dict[int, list[int]] = {}
        self.loaded_to = 0  # highest document number read from the table
        self.first_live = first_live  # documents below this were pruned
        self._pruned_to = first_live  # entries below this document number are not in the array

    def add(self, entries: np.ndarray) -> None:
        """Index `entries` (`key << 32 | doc`, any order)."""
        if len(entries) + len(self._recent) + len(self._shared) >= _RECENT_ENTRIES:
            self._merge(entries)
            return
        keys = (entries >> SHIFT32).tolist()
        docs = (entries & LOW32).tolist()
        batch = dict(zip(keys, docs, strict=True))
        if len(batch) == len(keys) and self._recent.keys().isdisjoint(batch):
            self._recent.update(batch)  # the usual case, at C speed
            return
        for key, doc in zip(keys, docs, strict=True):
            if key in self._recent:
                self._shared.setdefault(key, []).append(doc)
            else:
                self._recent[key] = doc

    def _merge(self, entries: np.ndarray) -> None:
        """Merge `entries` and the waiting ones into the sorted array; update the directory."""
        if self._recent or self._shared:
            waiting = [
                entries,
                (np.fromiter(self._recent, np.uint64) << SHIFT32)
                | np.fromiter(self._recent.values(), np.uint64),
            ]
            for key, docs in self._shared.items():
                waiting.append((np.uint64(key) << SHIFT32) | np.array(docs, dtype=np.uint64))
            self._recent, self._shared = {}, {}
            entries = np.concatenate(waiting)
        entries.sort()
        old, self._entries = self._entries, np.empty(0, dtype=np.uint64)
        pruned = self.first_live > self._pruned_to
        if pruned:  # drop entries of pruned documents
            old = old[_chunked(old, lambda c: (c & LOW32) >= np.uint64(self.first_live))]
            self._pruned_to = self.first_live
        size = len(old) + len(entries)
        bits = min(32 - _FILTER_BITS, max(1, math.ceil(math.log2(max(2, size))) - _BUCKET_BITS))
        rebuild = pruned or bits != self._bits
        if not rebuild:  # only the new entries' buckets grow
            self._offsets += np.concatenate(([0], np.cumsum(_prefix_counts(entries, bits))))
            _set_filter_bits(self._filter, entries, bits + _FILTER_BITS)
        if len(old):
            merged = np.concatenate((old, entries))
            del old, entries  # peak memory: the old array and the merged one, not three copies
            merged.sort(kind="stable")  # timsort: merging two sorted runs is linear
        else:
            merged = entries
        if rebuild:
            self._bits = bits
            self._offsets = np.concatenate(([0], np.cumsum(_prefix_counts(merged, bits))))
            self._filter = _empty_filter(bits)
            _set_filter_bits(self._filter, merged, bits + _FILTER_BITS)
        self._entries = merged

    def lookup(self, keys: np.ndarray) -> list[int]:
        """Return the live documents having any of `keys`, once per matching key."""
        found: list[int] = []
        if len(self._entries):
            prefixes = keys >> np.uint32(32 - self._bits - _FILTER_BITS)
            passed = (self._filter[prefixes >> np.uint32(3)] >> (prefixes & np.uint32(7))) & 1
            shift = 32 - self._bits
            for key in keys[passed.astype(bool)].tolist():
                low, high = self._offsets[(key >> shift) : (key >> shift) + 2].tolist()
                for value in self._entries[low:high].tolist():
                    if value >> 32 == key:
                        found.append(value & 0xFFFFFFFF)
        recent, shared = self._recent, self._shared
        for key in keys.tolist():
            doc = recent.get(key)
            if doc is not None:
                found.append(doc)
                if shared:
                    found.extend(shared.get(key, ()))
        return [doc for doc in found if doc >= self.first_live]
