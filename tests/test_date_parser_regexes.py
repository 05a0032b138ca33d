"""dateparser's compiled locale regexes through the copy in the cache, and in forked workers."""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from dateparser.languages.dictionary import Dictionary
from htmldate.extractors import get_external_parser

from newscrawl import date_parser_regexes
from newscrawl.cache_files import CACHE_ENV
from newscrawl.date_parser_regexes import CACHES, cached_copy, warm_date_parser

ROOT = Path(__file__).resolve().parent.parent

# Dates in several scripts and languages, a relative one and strings that are no date.
SAMPLES = (
    "March 7, 2025",
    "23. März 2008",
    "12 de mayo de 2007",
    "7 марта 2008 г.",
    "2008年3月7日",
    "vendredi 4 avril 2008",
    "3 days ago",
    "Posted by staff",
    "xyzzy 99 qqq",
)
KNOWN = {
    "23. März 2008": ("2008-03-23", "de"),
    "12 de mayo de 2007": ("2007-05-12", "es"),
    "7 марта 2008 г.": ("2008-03-07", "ru"),
    "vendredi 4 avril 2008": ("2008-04-04", "fr"),
}
CONSTRUCTORS = (
    "_construct_split_regex",
    "_construct_split_relative_regex",
    "_construct_match_relative_regex",
)

Snapshot = dict[str, dict[object, dict[str, object]]]


def _parse_all() -> dict[str, tuple[str | None, str | None]]:
    parser = get_external_parser()
    results = {}
    for text in SAMPLES:
        data = parser.get_date_data(text)
        date = data["date_obj"].date().isoformat() if data["date_obj"] else None
        results[text] = (date, data["locale"])
    return results


def _snapshot() -> Snapshot:
    return {
        name: {key: dict(entries) for key, entries in getattr(Dictionary, name).items()}
        for name in CACHES
    }


def _source(entry: object) -> object:
    # Not the compiled code: the `regex` module's compiler emits the same pattern's code in a
    # different order in each process (so dateparser's own patterns differ from run to run).
    return (entry.pattern, entry.flags) if isinstance(entry, regex.Pattern) else entry


def _cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateparser's regex caches as a fresh process has them: empty (undone after the test)."""
    for name in CACHES:
        monkeypatch.setattr(Dictionary, name, {})


def _no_regex_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Dictionary) -> None:
        raise AssertionError(f"{self.info['name']}'s regexes were compiled again")

    for name in CONSTRUCTORS:
        monkeypatch.setattr(Dictionary, name, refuse)


@pytest.fixture(scope="module")
def first_warm_up(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, bytes, Snapshot, dict]]:
    """One cold warm-up (3-4 CPU s): the copy it wrote, the caches it built and the dates then."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        _cold(patch)
        warm_date_parser()
        copy = cached_copy()
        yield folder, copy.read_bytes(), _snapshot(), _parse_all()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_the_first_warm_up_compiles_every_locale_and_writes_the_copy(
    first_warm_up: tuple[Path, bytes, Snapshot, dict],
) -> None:
    folder, whole, built, dates = first_warm_up
    assert [path.name for path in folder.iterdir()] == [cached_copy().name]
    split = [locale for entries in built["_split_regex_cache"].values() for locale in entries]
    assert len(split) >= 200 and {"en", "de", "ru", "ja"} <= set(split)
    assert len(whole) > 100_000
    for text, expected in KNOWN.items():
        assert dates[text] == expected
    assert dates["xyzzy 99 qqq"] == (None, None)


def test_a_later_warm_up_reads_the_same_regexes_and_compiles_none(
    first_warm_up: tuple[Path, bytes, Snapshot, dict],
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, whole, built, dates = first_warm_up
    cache.mkdir()
    cached_copy().write_bytes(whole)
    _cold(monkeypatch)
    _no_regex_built(monkeypatch)
    warm_date_parser()
    read = _snapshot()
    assert read.keys() == built.keys()
    for name in CACHES:
        assert read[name].keys() == built[name].keys()
        for key, entries in built[name].items():
            assert read[name][key].keys() == entries.keys()
            for locale, value in entries.items():
                assert _source(read[name][key][locale]) == _source(value), (name, locale)
    assert _parse_all() == dates


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("damage", ["truncated", "planted", "not the caches", "a wrong entry"])
def test_an_unusable_copy_is_not_used_and_written_again(
    damage: str,
    first_warm_up: tuple[Path, bytes, Snapshot, dict],
    cache: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, whole, built, dates = first_warm_up
    marker = tmp_path / "planted-code-ran"
    bad_entry = {
        name: {key: dict(entries) for key, entries in built[name].items()} for name in built
    }
    next(iter(bad_entry["_split_regex_cache"].values()))["en"] = 42
    written = {
        "truncated": whole[: len(whole) // 2],
        "planted": pickle.dumps({name: _Planted(marker) for name in CACHES}),
        "not the caches": pickle.dumps({"_split_regex_cache": {}}),
        "a wrong entry": pickle.dumps(bad_entry),
    }[damage]
    cache.mkdir()
    copy = cached_copy()
    copy.write_bytes(written)
    before = _snapshot()
    with caplog.at_level(logging.WARNING, logger=date_parser_regexes.__name__):
        warm_date_parser()
    assert "Unreadable cached dateparser regexes" in caplog.text
    assert not marker.exists()
    assert _snapshot() == before  # nothing of the unusable copy was installed
    assert copy.read_bytes() != written
    assert date_parser_regexes._read(copy)  # the copy written again is usable
    assert _parse_all() == dates


def test_a_cache_that_cannot_be_written_only_makes_the_start_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "cache"))
    with caplog.at_level(logging.INFO, logger=date_parser_regexes.__name__):
        warm_date_parser()
    assert "not cached" in caplog.text
    assert blocked.read_text() == "not a folder"


def test_the_copy_is_named_after_the_versions_that_shape_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    current = cached_copy()
    monkeypatch.setattr(date_parser_regexes.dateparser, "__version__", "0.0.0")
    assert cached_copy() != current
    monkeypatch.undo()
    monkeypatch.setattr(date_parser_regexes.regex, "__version__", "0.0.0")
    assert cached_copy() != current


def locale_regexes_here() -> int:
    """How many locales' word-splitting regexes this process has compiled or read."""
    return sum(len(entries) for entries in Dictionary._split_regex_cache.values())


WORKER_CHECK = """
import sys
sys.path.insert(0, {root!r})
from newscrawl.fork_server import start_fork_server
from tests.test_date_parser_regexes import locale_regexes_here

with start_fork_server().Pool(1) as pool:
    print(pool.apply(locale_regexes_here))
"""


def test_workers_are_forked_with_every_locales_regexes(cache: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER_CHECK.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, CACHE_ENV: str(cache)},
    )
    assert int(done.stdout.strip()) >= 200, done.stderr
