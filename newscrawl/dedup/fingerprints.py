"""Text fingerprints for deduplication: normalized text, exact hash, shingles, MinHash, LSH bands.

Everything here is a pure function of its arguments and stable across processes, machines and
runs (no Python `hash()`, no numpy random streams), because fingerprints are stored and compared
with the ones computed in later crawls. `FINGERPRINT_VERSION` names the scheme; a store records
it (through `NearDupParams.fingerprint_key`) and refuses to be used with another.

Near-duplicate fingerprints are built in four steps:

1. `shingle_hashes`: the set of 64-bit hashes of the word n-grams of the normalized text, computed
   with numpy over the UTF-8 bytes: a polynomial hash per word from one prefix sum over the bytes,
   then a polynomial over each run of word hashes (Horner's rule, one pass per word of a shingle).
2. `minhash`: a classic `num_perm`-permutation MinHash of those hashes, computed by rensa
   (`RMinHash`, Rust): 128 values of a 600-word text in about 5 µs. Positions of two signatures
   agree with probability equal to the Jaccard similarity of the two shingle sets. It replaced a
   hand-written numpy one-permutation MinHash with densification (14 µs, and four times the code).
3. `band_keys`: LSH banding, one 32-bit key per band of `rows` signature values.
4. `signature_bytes` / `estimate_jaccard` / `estimate_containment`: the stored sketch used to
   verify a candidate keeps the low 8 bits of each signature value (b-bit MinHash, Li & König
   2010): `num_perm` bytes per document. Two unrelated values agree by chance 1 time in 256, which
   `estimate_jaccard` corrects for; containment follows from the Jaccard estimate and the exact
   shingle-set sizes.
"""

from __future__ import annotations

import array
import functools
import hashlib
import re
import unicodedata

import numpy as np
import rensa

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
_WORD_BASE = 0x9E3779B97F4A7C15
_BAND_MULTIPLIERS = np.array(
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
_MINHASH_SEED = 0x6E657773  # rensa's permutations are drawn from this seed
_MAX_SHINGLE = 8

# The fingerprint scheme: shingle hashing, MinHash implementation (with rensa's own algorithm
# version, so a rensa upgrade that changes its digests is caught) and band keys. Stores built
# with another scheme are refused (`StoreMismatchError`) and must be rebuilt.
FINGERPRINT_VERSION = f"rensa{rensa.RMinHash.ALGORITHM_VERSION}-v2"

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
    """splitmix64 finalizer, element-wise, in place (uint64 arithmetic wraps)."""
    x ^= x >> _U64(30)
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


class _Powers:
    """Powers of an odd `base` and of its inverse modulo 2**64, grown on demand."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.forward = np.ones(1, dtype=_U64)
        self.inverse = np.ones(1, dtype=_U64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        size = len(self.forward)
        if size < n:
            inverse_base = pow(self.base, -1, 1 << 64)
            forward, inverse = self.forward, self.inverse
            while len(forward) < n:  # doubling: p[m:2m] = p[:m] * base**m
                m = len(forward)
                step = np.array([pow(self.base, m, 1 << 64)], dtype=_U64)
                inverse_step = np.array([pow(inverse_base, m, 1 << 64)], dtype=_U64)
                forward = np.concatenate((forward, forward * step))
                inverse = np.concatenate((inverse, inverse * inverse_step))
            self.forward, self.inverse = forward, inverse
        return self.forward[:n], self.inverse[:n]


_CHAR_POWERS = _Powers(_CHAR_BASE)
_WORD_BASE_U64 = _U64(_WORD_BASE)


def _polynomial_spans(
    values: np.ndarray, starts: np.ndarray, ends: np.ndarray, powers: _Powers
) -> np.ndarray:
    """Return sum(values[k] * base**(k - start)) over each span `start:end`, modulo 2**64.

    One prefix sum of `values[k] * base**k`; a span's sum is the difference of two prefixes,
    moved back to position 0 by the inverse power of its start.
    """
    forward, inverse = powers.upto(len(values))
    prefix = np.zeros(len(values) + 1, dtype=_U64)
    np.cumsum(values * forward, out=prefix[1:])
    spans = prefix[ends]
    spans -= prefix[starts]
    spans *= inverse[starts]
    return spans


def _word_hashes(normalized: bytes) -> np.ndarray:
    """Return one 64-bit hash per word of `normalized`, in order."""
    data = np.frombuffer(normalized.translate(_TO_SPACE), dtype=np.uint8)
    letters = np.zeros(len(data) + 2, dtype=bool)
    np.not_equal(data, 32, out=letters[1:-1])
    # where letters start and stop, alternately: word k is data[edges[2k]:edges[2k+1]]
    edges = np.flatnonzero(letters[1:] != letters[:-1])
    return _polynomial_spans(data, edges[0::2], edges[1::2], _CHAR_POWERS)


def shingle_hashes(normalized: bytes, shingle_size: int) -> np.ndarray:
    """Return the sorted, distinct 64-bit hashes of the word `shingle_size`-grams of a text.

    `normalized` is the output of `normalize_bytes`. A text with fewer words than `shingle_size`
    has no shingles (an empty array): it is only ever an exact duplicate.
    """
    if not 1 <= shingle_size <= _MAX_SHINGLE:
        raise ValueError(f"shingle_size must be in 1..{_MAX_SHINGLE}")
    words = _word_hashes(normalized)
    count = len(words) - shingle_size + 1
    if count <= 0:
        return np.empty(0, dtype=_U64)
    # sum(words[s + j] * base**j for j < shingle_size) by Horner's rule from each shingle's last
    # word: a few passes over the words, cheaper than prefix sums (numpy's cumsum is slow)
    hashes = words[shingle_size - 1 :].copy()
    for j in range(shingle_size - 2, -1, -1):
        hashes *= _WORD_BASE_U64
        hashes += words[j : j + count]
    # Not mixed: rensa hashes each value again for every permutation, and sorting only needs
    # distinct values to stay distinct.
    hashes.sort()
    distinct = np.empty(len(hashes), dtype=bool)
    distinct[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=distinct[1:])
    return hashes[distinct]


def minhash(shingles: np.ndarray, num_perm: int) -> np.ndarray:
    """Return the MinHash signature of a shingle set (`num_perm` uint32 values).

    `shingles` is the non-empty output of `shingle_hashes`. Positions of two signatures agree
    with probability equal to the Jaccard similarity of the two shingle sets.
    """
    if not len(shingles):
        raise ValueError("minhash of an empty shingle set")
    rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        shingles, (0, len(shingles)), num_perm, _MINHASH_SEED
    )
    # through array.array: numpy converts a list of Python ints one by one (7 µs against 3)
    return np.frombuffer(array.array("I", rows.to_rows()[0]), dtype=np.uint32)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Return one 32-bit LSH key per band of `rows` consecutive signature values.

    The band number is part of the key, so equal keys mean equal values in the same band.
    """
    matrix = signature[: bands * rows].astype(_U64).reshape(bands, rows)
    matrix *= _BAND_MULTIPLIERS[:rows]
    keys = matrix.sum(axis=1, dtype=_U64)
    keys += _band_salts(bands)
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
