from __future__ import annotations

import numpy as np
import pytest

from devtools.dedup_corpus import load_stories
from newscrawl.dedup.fingerprints import (
    band_keys,
    content_hash,
    estimate_containment,
    estimate_jaccard,
    minhash,
    normalize_bytes,
    normalize_text,
    shingle_hashes,
    signature_bytes,
)

STORY = load_stories()[0].text


def shingles(text: str, size: int = 5) -> np.ndarray:
    return shingle_hashes(normalize_bytes(text), size)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Hello  World", "hello world"),
        ("  para one.\n\npara two.\n", "para one. para two."),
        ("BAGHDAD \u2014 Iraqi forces", "baghdad - iraqi forces"),
        ("LIMA \u2013 x \u2212 y", "lima - x - y"),
        ("\u201cQuoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
        ("\u00abguillemets\u00bb", '"guillemets"'),
        ("no\u00a0break\u2009thin\u3000ideographic", "no break thin ideographic"),
        ("soft\u00adhyphen zero\u200bwidth\ufeff", "softhyphen zerowidth"),
        ("line\u2028separator\u0085next", "line separator next"),
        ("\uff21\uff22\uff23 full width", "abc full width"),
        ("STRASSE Straße", "strasse strasse"),
        ("ﬁnal ellipsis…", "final ellipsis..."),
        ("", ""),
    ],
)
def test_normalize_text(text: str, normalized: str) -> None:
    assert normalize_text(text) == normalized
    assert normalize_bytes(text) == normalized.encode("utf-8")


def test_content_hash_ignores_formatting_only() -> None:
    base = content_hash(STORY)
    assert content_hash(STORY.replace("\n", "\n\n")) == base
    assert content_hash(STORY.upper()) == base
    assert content_hash(STORY.replace('"', "\u201c")) == base
    assert content_hash(STORY.replace("14", "15")) != base
    assert len(base) == 32


def test_fingerprints_are_stable_across_versions() -> None:
    # Fixed values: stored fingerprints are compared with those computed by later crawls.
    assert content_hash("Hello, world") == "30e1e8aebab5b386e37fd06fc6e0088a"
    signature = minhash(shingles(STORY), 128)
    assert signature[:3].tolist() == [321575869, 77325994, 58640210]
    assert band_keys(signature, 16, 2)[:4].tolist() == [
        842744423,
        2715257670,
        2058550268,
        4047569821,
    ]


def test_shingles_ignore_punctuation_and_spacing() -> None:
    a = shingles("The quick brown fox, it said, jumped over the lazy dog.")
    b = shingles("the quick brown fox -- it said -- jumped over the  lazy dog")
    assert np.array_equal(a, b)
    assert len(a) == 7  # 11 words, 5-grams


def reference_shingles(text: str, size: int) -> list[int]:
    """The shingle hashes by their definition, one word and one shingle at a time."""
    mask = (1 << 64) - 1
    separators = bytes(c for c in range(128) if not chr(c).isalnum())
    data = normalize_bytes(text).translate(bytes.maketrans(separators, b" " * len(separators)))
    words = [
        sum(byte * pow(0x100000001B3, k, 1 << 64) for k, byte in enumerate(word)) & mask
        for word in data.split()
    ]
    return sorted(
        {
            sum(words[start + j] * pow(0x9E3779B97F4A7C15, j, 1 << 64) for j in range(size)) & mask
            for start in range(len(words) - size + 1)
        }
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_shingle_hashes_follow_their_definition(size: int) -> None:
    # the definition stored fingerprints were built with, whatever computes it faster
    texts = [STORY[:3000], "Zürich: 漢字 and — déjà vu, the end. " * 3, "a b c d e f g h i"]
    for text in texts:
        assert shingles(text, size).tolist() == reference_shingles(text, size)


def test_shingles_are_sorted_and_distinct() -> None:
    hashes = shingles("a b c d e a b c d e a b c d e")
    assert np.all(hashes[1:] > hashes[:-1])
    assert len(hashes) == 5


def test_short_text_has_no_shingles() -> None:
    assert len(shingles("four words only here")) == 0
    assert len(shingles("")) == 0
    assert len(shingles("one two three", size=3)) == 1


def test_shingle_size_is_bounded() -> None:
    with pytest.raises(ValueError):
        shingles(STORY, size=9)


def test_minhash_agreement_tracks_jaccard() -> None:
    words = STORY.split()
    half = " ".join(words[: len(words) // 2])
    a, b = shingles(STORY), shingles(half)
    true_jaccard = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    sig_a, sig_b = minhash(a, 256), minhash(b, 256)
    assert abs(float(np.mean(sig_a == sig_b)) - true_jaccard) < 0.08
    estimate = estimate_jaccard(signature_bytes(sig_a), signature_bytes(sig_b))
    assert abs(estimate - true_jaccard) < 0.08
    # the trimmed half is contained in the full story
    assert estimate_containment(estimate, len(a), len(b)) > 0.9


def test_minhash_of_a_union_is_the_minimum_of_both() -> None:
    # each value is the minimum of one fixed permutation over the set, short sets included
    a = shingles("only a handful of words in this short brief")  # 5 shingles
    b = shingles("quite another handful of words for a second brief")
    signature = minhash(np.union1d(a, b), 128)
    assert signature.dtype == np.uint32
    assert len(signature) == 128
    assert np.array_equal(signature, np.minimum(minhash(a, 128), minhash(b, 128)))
    assert not np.array_equal(minhash(a, 128), minhash(b, 128))


def test_minhash_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        minhash(np.empty(0, dtype=np.uint64), 128)


def test_unrelated_texts_share_no_bands() -> None:
    stories = load_stories()
    keys = [band_keys(minhash(shingles(s.text), 128), 16, 2) for s in stories]
    assert all(len(k) == 16 and k.dtype == np.uint32 for k in keys)
    for i, a in enumerate(keys):
        for b in keys[:i]:
            assert not np.any(a == b)


def test_estimates_on_identical_and_unrelated_sketches() -> None:
    a = signature_bytes(minhash(shingles(STORY), 128))
    stories = load_stories()
    b = signature_bytes(minhash(shingles(stories[-1].text), 128))
    assert estimate_jaccard(a, a) == 1.0
    assert estimate_jaccard(a, b) < 0.1
    assert estimate_containment(0.0, 10, 20) == 0.0
    assert estimate_containment(1.0, 10, 10) == 1.0
