"""dateparser's locale regexes, compiled once per machine and read from the cache after that.

htmldate's fallback date search hands dateparser strings without a language, and dateparser tries
each of its locales on them. The first string that no locale fits makes it compile every locale's
word-splitting regexes: 965 patterns through the `regex` module's pattern parser, which is
written in Python, about 3.2 CPU s. Each extraction worker paid that again on its first such
page, where a plain trafilatura loop pays it once. dateparser keeps the compiled patterns only in
memory (class attributes of its `Dictionary`) and has no way to save them, so this module does:
the fork server's preload (`worker_preload`) reads them from a copy in the cache (0.06 s) before
any worker is forked, and writes the copy after one full warm-up when there is none (the first
crawl on a machine, or after an upgrade).

A compiled `regex` pattern pickles as its compiled code, so the copy holds the patterns
dateparser builds (the `regex` compiler lays out one pattern's code differently from process to
process, so no two workers had the same bytes anyway) and every date comes out the same. The
copy is named after the versions that shape it (Python, dateparser, regex). It is unpickled
with only the two classes it can hold allowed, so a planted file cannot run code; a copy that
cannot be read (it is written again, with a warning) or written is only a slower start.
"""

from __future__ import annotations

import logging
import pickle
import sys
from functools import partial
from pathlib import Path
from typing import IO, Any

import dateparser
import regex
from dateparser.languages.dictionary import Dictionary
from htmldate.extractors import get_external_parser

from newscrawl.cache_files import cached_path, write_atomically

logger = logging.getLogger(__name__)

# `Dictionary`'s caches: {cache key: {locale name: sorted words or compiled regex}}.
CACHES = (
    "_sorted_words_cache",
    "_split_regex_cache",
    "_sorted_relative_strings_cache",
    "_split_relative_regex_cache",
    "_match_relative_regex_cache",
)
# Made of no locale's words, so dateparser tries (and loads) every locale on it.
_NO_LOCALE_FITS = "xyzzy 99 qqq"
# What the pickled caches refer to: the compiled-pattern constructor and the dictionary class
# that is part of each cache key.
_ALLOWED = {
    ("regex._regex", "compile"),
    ("dateparser.languages.dictionary", "Dictionary"),
    ("dateparser.languages.dictionary", "NormalizedDictionary"),
}


def cached_copy() -> Path:
    """Where the copy of dateparser's compiled locale regexes lives in the cache."""
    versions = f"{sys.version}|dateparser {dateparser.__version__}|regex {regex.__version__}"
    return cached_path("dateparser-regexes", versions.encode(), ".pickle")


def warm_date_parser() -> None:
    """Get htmldate's date parser ready, with every locale's regexes read from the cache.

    Without a copy in the cache, every locale is loaded (its regexes compiled) and the copy
    written. With one, only the parser and the English locale are loaded: the rest of loading a
    locale (its words and simplifications, 0.45 s for all of them) comes with the first string
    that needs it, in the workers, where it does not hold up the crawl's first record.
    """
    copy = cached_copy()
    if _read(copy):
        get_external_parser().get_date_data("March 7, 2025")
        return
    get_external_parser().get_date_data(_NO_LOCALE_FITS)
    try:
        write_atomically(copy, partial(_dump, _current_caches()))
    except OSError as error:
        logger.info("dateparser's regexes not cached in %s: %s", copy.parent, error)


def _read(copy: Path) -> bool:
    try:
        with copy.open("rb") as stream:
            caches = _Unpickler(stream).load()
        _install(caches)
    except FileNotFoundError:
        return False
    # Unpickling damaged bytes can raise almost anything (IndexError, KeyError, MemoryError, ...);
    # whatever it raises, the copy is only unusable.
    except Exception as error:
        logger.warning("Unreadable cached dateparser regexes %s (%s): writing again", copy, error)
        return False
    return True


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of dateparser's caches")
        return super().find_class(module, name)


def _install(caches: object) -> None:
    """Add the read caches to `Dictionary`'s, after checking all of them (raises ValueError)."""
    if not isinstance(caches, dict) or set(caches) != set(CACHES):
        raise ValueError("not dateparser's caches")
    for entries in caches.values():
        if not isinstance(entries, dict) or not all(
            isinstance(per_locale, dict) and all(map(_is_entry, per_locale.values()))
            for per_locale in entries.values()
        ):
            raise ValueError("an entry is neither a word list nor a compiled regex")
    with Dictionary._cache_lock:
        for name, entries in caches.items():
            target = getattr(Dictionary, name)
            for key, per_locale in entries.items():
                target.setdefault(key, {}).update(per_locale)


def _is_entry(value: object) -> bool:
    return isinstance(value, regex.Pattern) or (
        isinstance(value, list) and all(isinstance(word, str) for word in value)
    )


def _current_caches() -> dict[str, dict[Any, dict[str, Any]]]:
    with Dictionary._cache_lock:
        return {name: dict(getattr(Dictionary, name)) for name in CACHES}


def _dump(caches: dict[str, dict[Any, dict[str, Any]]], out: IO[bytes]) -> None:
    pickle.dump(caches, out, protocol=pickle.HIGHEST_PROTOCOL)
