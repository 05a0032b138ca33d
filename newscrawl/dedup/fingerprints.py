"""Text fingerprints for deduplication: normalized text, exact hash, shingles, MinHash, LSH bands.

Everything here is a pure function of its arguments and stable across processes, machines and
runs (no Python `hash()`, no numpy random streams), because fingerprints are stored and compared
with the ones computed in later crawls.

Near-duplicate fingerprints are built in four steps:

1. `shingle_hashes`: the set of 64-bit hashes of the word n-grams of the normalized text, computed
   with numpy over the UTF-8 bytes (a polynomial hash per word, then per n-gram, then a mixer).
2. `minhash`: a one-permutation MinHash (OPH) with optimal densification
   (Li, Owen & Zhang 2012; Shrivastava 2017). The hash space is cut into `num_perm` bins and each
   bin keeps its smallest hash; an empty bin borrows the value of a bin picked by a fixed
   pseudo-random probe sequence. Each position then collides between two sets with probability
   equal to their Jaccard similarity, like a classic `num_perm`-permutation MinHash, but for one
   sort instead of `num_perm` hash evaluations per shingle. Measured on 600-word texts with 128
   values: 14 µs, against 111 µs for a numpy 128-permutation MinHash and 549 µs for
   datasketch's `MinHash.update_batch` (shingling itself: 51 µs).
3. `band_keys`: LSH banding, one 32-bit key per band of `rows` signature values.
4. `signature_bytes` / `estimate_jaccard` / `estimate_containment`: the stored sketch used to
   verify a candidate keeps the low 8 bits of each signature value (b-bit MinHash, Li & König
   2010): `num_perm` bytes per document. Two unrelated values agree by chance 1 time in 256, which
   `estimate_jaccard` corrects for; containment follows from the Jaccard estimate and the exact
   shingle-set sizes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import numpy as np

_U64 = np.uint64
_SHIFT32 = _U64(32)

# Characters that differ between copies of one text without changing a word of it: typographic
# dashes and quotes (unified), soft hyphens and zero-width characters (removed), and the
# whitespace that NFKC leaves alone. NFKC has already turned no-break and other typographic
# spaces, ligatures, full-width forms and the ellipsis into plain characters.
_UNIFY = {
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58", "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    **dict.fromkeys("\u0085\u1680\u2028\u2029", " "),
}
# A regex substitution, not str.translate: translate looks up every character of a non-ASCII
# text in a dict (0.5 ms a page), the regex scans in C and calls back only on the few it changes.
_UNIFY_RE = re.compile("[" + "".join(_UNIFY) + "]")
# ASCII whitespace (what str.split() splits on below 128) becomes a plain space.
_ASCII_WHITESPACE = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_WHITESPACE_TO_SPACE = bytes.maketrans(_ASCII_WHITESPACE, b" " * len(_ASCII_WHITESPACE))

# Words are what remains between ASCII spaces, punctuation and control characters (non-ASCII
# characters count as letters): punctuation never splits or joins shingles differently between
# two copies of a text.
_SEPARATORS = bytes(c for c in range(128) if not chr(c).isalnum())
_TO_SPACE = bytes.maketrans(_SEPARATORS, b" " * len(_SEPARATORS))

# Odd 64-bit constants (from the golden ratio and well-known mixers); fixed forever, because
# stored fingerprints depend on them.
_CHAR_BASE = 0x100000001B3
_NGRAM_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x85EBCA77C2B2AE63,
        0x27D4EB2F165667C5,
    ],
    dtype=_U64,
)
_BAND_SALT = _U64(0xA0761D6478BD642F)
_PROBE_SALT = _U64(0xE7037ED1A0B428DB)
# Densification probes precomputed per bin; a text with so few shingles that some empty bin needs
# more attempts computes the rest on the fly.
_PROBES = 32

# b-bit MinHash: bits of each signature value kept on disk for verification.
_SIGNATURE_DTYPE = np.uint8
_CHANCE_AGREEMENT = 1.0 / 256.0


def normalize_bytes(text: str) -> bytes:
    """Return `normalize_text(text)` as UTF-8: what hashes and shingles are computed from."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = _UNIFY_RE.sub(lambda match: _UNIFY[match.group()], text)
    data = text.encode("utf-8").translate(_WHITESPACE_TO_SPACE)
    while b"  " in data:  # collapse runs of spaces; a run of n needs log2(n) passes
        data = data.replace(b"  ", b" ")
    return data.strip(b" ")


def normalize_text(text: str) -> str:
    """Return `text` normalized for the exact-duplicate hash.

    Unicode NFKC, case-folded, typographic dashes and quotes unified to ASCII, soft hyphens and
    zero-width characters removed, and every run of whitespace (paragraph breaks included)
    collapsed to one space.

    >>> normalize_text("BAGHDAD \u2014 The\u00a0\u201cQuick\u201d  fox\\n\\nJumped")
    'baghdad - the "quick" fox jumped'
    """
    return normalize_bytes(text).decode("utf-8")


def content_hash(text: str) -> str:
    """Return the exact-duplicate key of `text`: hex BLAKE2b-128 of `normalize_text(text)`.

    >>> content_hash("Hello,  World") == content_hash("hello, world")
    True
    """
    return hashlib.blake2b(normalize_bytes(text), digest_size=16).hexdigest()


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer, element-wise (uint64 arithmetic wraps)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


class _Powers:
    """Powers of `_CHAR_BASE` and of its inverse modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        self.forward = np.ones(1, dtype=_U64)
        self.inverse = np.ones(1, dtype=_U64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        size = len(self.forward)
        if size < n:
            inverse_base = pow(_CHAR_BASE, -1, 1 << 64)
            forward, inverse = self.forward, self.inverse
            while len(forward) < n:  # doubling: p[m:2m] = p[:m] * base**m
                m = len(forward)
                step = np.array([pow(_CHAR_BASE, m, 1 << 64)], dtype=_U64)
                inverse_step = np.array([pow(inverse_base, m, 1 << 64)], dtype=_U64)
                forward = np.concatenate((forward, forward * step))
                inverse = np.concatenate((inverse, inverse * inverse_step))
            self.forward, self.inverse = forward, inverse
        return self.forward[:n], self.inverse[:n]


_POWERS = _Powers()


def _word_hashes(normalized: bytes) -> np.ndarray:
    """Return one 64-bit hash per word of `normalized`, in order."""
    data = np.frombuffer(normalized.translate(_TO_SPACE), dtype=np.uint8)
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    nonempty = ends > starts
    starts, ends = starts[nonempty], ends[nonempty]
    forward, inverse = _POWERS.upto(len(data))
    prefix = np.zeros(len(data) + 1, dtype=_U64)
    np.cumsum(data * forward, out=prefix[1:])
    # (prefix[end] - prefix[start]) / base**start: the word's polynomial hash, position-free.
    # Not mixed here: the n-gram hash multiplies and mixes it.
    return (prefix[ends] - prefix[starts]) * inverse[starts]


def shingle_hashes(normalized: bytes, shingle_size: int) -> np.ndarray:
    """Return the sorted, distinct 64-bit hashes of the word `shingle_size`-grams of a text.

    `normalized` is the output of `normalize_bytes`. A text with fewer words than `shingle_size`
    has no shingles (an empty array): it is only ever an exact duplicate.
    """
    if not 1 <= shingle_size <= len(_NGRAM_MULTIPLIERS):
        raise ValueError(f"shingle_size must be in 1..{len(_NGRAM_MULTIPLIERS)}")
    words = _word_hashes(normalized)
    count = len(words) - shingle_size + 1
    if count <= 0:
        return np.empty(0, dtype=_U64)
    grams = words[:count] * _NGRAM_MULTIPLIERS[0]
    for offset in range(1, shingle_size):
        grams += words[offset : offset + count] * _NGRAM_MULTIPLIERS[offset]
    hashes = np.sort(_mix(grams))
    distinct = np.empty(len(hashes), dtype=bool)
    distinct[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=distinct[1:])
    return hashes[distinct]


def _bins(values: np.ndarray, num_bins: int) -> np.ndarray:
    """Map uniform 64-bit values to `0..num_bins-1`, monotonically (multiply-shift)."""
    return ((values >> _SHIFT32) * _U64(num_bins)) >> _SHIFT32


def minhash(shingles: np.ndarray, num_perm: int) -> np.ndarray:
    """Return the densified one-permutation MinHash signature (`num_perm` uint32 values).

    `shingles` is the sorted, non-empty output of `shingle_hashes`. Positions of two signatures
    agree with probability equal to the Jaccard similarity of the two shingle sets.
    """
    if not len(shingles):
        raise ValueError("minhash of an empty shingle set")
    bins = _bins(shingles, num_perm)
    # shingles are sorted and bins are monotone in them: the first hash of each bin is its minimum
    first = np.empty(len(bins), dtype=bool)
    first[0] = True
    np.not_equal(bins[1:], bins[:-1], out=first[1:])
    bins = bins[first].astype(np.intp)
    signature = np.zeros(num_perm, dtype=np.uint32)
    signature[bins] = shingles[first].astype(np.uint32)  # the low 32 bits
    if len(bins) == num_perm:
        return signature
    filled = np.zeros(num_perm, dtype=bool)
    filled[bins] = True
    empty = np.flatnonzero(~filled)
    probes = _probe_table(num_perm)
    attempt = 0
    while len(empty):  # optimal densification: probe bins in a fixed order per empty bin
        source = probes[empty, attempt] if attempt < _PROBES else _probe(empty, attempt, num_perm)
        found = filled[source]
        signature[empty[found]] = signature[source[found]]
        empty = empty[~found]
        attempt += 1
    return signature


def _probe(bins: np.ndarray, attempt: int, num_perm: int) -> np.ndarray:
    """The bin that empty `bins` look at on their `attempt`-th densification probe."""
    return _bins(_mix(bins.astype(_U64) * _PROBE_SALT + _U64(attempt)), num_perm).astype(np.intp)


@functools.cache
def _probe_table(num_perm: int) -> np.ndarray:
    """`_probe` for every bin and the first `_PROBES` attempts, computed once."""
    bins = np.arange(num_perm)
    return np.stack([_probe(bins, attempt, num_perm) for attempt in range(_PROBES)], axis=1)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Return one 32-bit LSH key per band of `rows` consecutive signature values.

    The band number is part of the key, so equal keys mean equal values in the same band.
    """
    matrix = signature[: bands * rows].astype(_U64).reshape(bands, rows)
    keys = matrix @ _NGRAM_MULTIPLIERS[:rows] + _band_salts(bands)
    return (_mix(keys) >> _SHIFT32).astype(np.uint32)


@functools.cache
def _band_salts(bands: int) -> np.ndarray:
    return np.arange(bands, dtype=_U64) * _BAND_SALT


def signature_bytes(signature: np.ndarray) -> bytes:
    """Return the stored verification sketch: the low 8 bits of each signature value."""
    return signature.astype(_SIGNATURE_DTYPE).tobytes()


def estimate_jaccard(sketch_a: bytes, sketch_b: bytes) -> float:
    """Estimate the Jaccard similarity of two texts from their `signature_bytes` sketches."""
    a = np.frombuffer(sketch_a, dtype=_SIGNATURE_DTYPE)
    b = np.frombuffer(sketch_b, dtype=_SIGNATURE_DTYPE)
    agreement = np.count_nonzero(a == b) / len(a)
    return max(0.0, (agreement - _CHANCE_AGREEMENT) / (1.0 - _CHANCE_AGREEMENT))


def estimate_containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Return |A∩B| / min(|A|, |B|) given the Jaccard similarity and both set sizes.

    |A∩B| = J·(|A| + |B|) / (1 + J). A copy trimmed to 60 % of the original keeps a containment
    of 1.0 while its Jaccard falls to 0.6.

    >>> round(estimate_containment(0.6, 60, 100), 3)
    1.0
    """
    intersection = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, intersection / min(size_a, size_b))
