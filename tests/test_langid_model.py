"""py3langid's model through the decompressed copy in the cache."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newscrawl import langid_model
from newscrawl.cache_files import CACHE_ENV, cache_dir
from newscrawl.langid_model import cached_copy, load_identifier

SAMPLES = (
    "The central bank raised interest rates on Thursday, officials said.",
    "Le gouvernement a annoncé mardi une hausse des dépenses pour les routes.",
    "Die Regierung kündigte am Montag an, mehr Geld für Straßen auszugeben.",
    "AAPL 187.2 MSFT 402.1",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def shipped_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _same_model(ours: LanguageIdentifier, theirs: LanguageIdentifier) -> None:
    assert ours.nb_ptc.dtype == theirs.nb_ptc.dtype
    assert (ours.nb_ptc == theirs.nb_ptc).all()
    assert (ours.nb_pc == theirs.nb_pc).all()
    assert ours.nb_classes == theirs.nb_classes
    assert ours.tk_nextmove == theirs.tk_nextmove
    assert ours.tk_row == theirs.tk_row
    assert ours.tk_output == theirs.tk_output
    for text in SAMPLES:
        assert ours.classify(text) == theirs.classify(text)


def _no_lzma(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the shipped model was decompressed again")

    monkeypatch.setattr(langid_model.lzma, "open", refuse)


def test_the_first_load_writes_the_copy_and_later_ones_read_only_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch, shipped_identifier: LanguageIdentifier
) -> None:
    first = load_identifier()
    copy = cached_copy()
    assert copy.parent == cache and copy.is_file()
    assert not list(cache.glob("*.part"))
    _same_model(first, shipped_identifier)
    _no_lzma(monkeypatch)
    _same_model(load_identifier(), shipped_identifier)


def test_a_damaged_copy_is_written_again(
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    shipped_identifier: LanguageIdentifier,
) -> None:
    load_identifier()
    copy = cached_copy()
    whole = copy.read_bytes()
    copy.write_bytes(whole[: len(whole) // 2])
    with caplog.at_level(logging.WARNING, logger=langid_model.__name__):
        _same_model(load_identifier(), shipped_identifier)
    assert "Unreadable cached language model" in caplog.text
    assert copy.read_bytes() == whole


def test_a_cache_that_cannot_be_written_only_makes_the_load_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_identifier: LanguageIdentifier
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "cache"))
    _same_model(load_identifier(), shipped_identifier)
    assert blocked.read_text() == "not a folder"


def test_the_copy_is_named_after_the_shipped_file(cache: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-model.npz.xz"
    shipped = langid_model._SHIPPED.read_bytes()
    other.write_bytes(shipped[:-1] + bytes([shipped[-1] ^ 1]))
    assert cached_copy(other) != cached_copy()
    assert cached_copy(other).parent == cached_copy().parent == cache


def test_without_a_setting_the_cache_follows_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache_dir() == Path("/somewhere/cache/newscrawl")
