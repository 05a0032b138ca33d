"""The dateline anywhere in the lead: past bylines, timestamps, labels and page debris.

`find_dateline` reads the first paragraph only. On many syndicating sites the dateline comes
later: a byline ("By JANE DOE\\nAssociated Press Writer"), a timestamp ("Associated Press -
March 3, 2008 9:15 AM ET"), the agency's name alone ("- Reuters"), the headline repeated, a kicker
or the debris of a layout table stand before it, on lines of their own or in the same line
("Written by: AFP | CAIRO, Egypt (AFP) - ...").

`find_lead_dateline` looks through the first MAX_LEAD_LINES lines. Every line before the
dateline must be one of those kinds of lead (see `lead_kind`); the first line that is none of
them (prose) ends the search. Beyond the first paragraph only agency datelines count (never a
house dateline: a capitalised phrase and a dash are too common in a lead), and inside a line the
dateline must start at the line's start, after a cell border ("|"), after a wide gap (two
spaces, a tab) or after a byline or a place and a dash; in the middle of a line's words it must
be a place in capitals with a new sentence after it. What stood before the dateline is removed
from `text` with it and reported by kind (`Lead.skipped`); a byline's names are reported too.

`read_dateline` is what the dateline stage does with a record: the text's dateline, else the
dateline the page printed as an element of its own (`newscrawl.dateline_element`).

Pure module: no Scrapy import.

>>> lead = find_lead_dateline("Associated Press - March 3, 2008 9:15 AM ET\\n"
...                           "GENEVA (AP) - Air travel grew.", datetime.date(2008, 3, 3))
>>> lead.dateline.raw, lead.skipped, lead.text
('GENEVA (AP) -', ('timestamp',), 'Air travel grew.')
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newscrawl.agencies import AGENCIES
from newscrawl.datelines import (
    Dateline,
    agency_dateline_at,
    find_dateline,
    is_place,
    strip_dateline,
)

# Lines looked through for a dateline. Table layouts leave dozens of short chrome lines (menus,
# cells, dates) above the story; a story's dateline comes within this many of the start of the
# text on every page seen, and each line before it must still be lead, never prose.
MAX_LEAD_LINES = 40
# Characters of lead allowed before the dateline: the chrome above a story, not a story.
MAX_LEAD_CHARS = 2000
# A kicker, section name, repeated headline or chrome cell: a short line without a sentence end.
MAX_KICKER_WORDS = 16
MAX_KICKER_CHARS = 140
# AP's note to editors above a story ("Eds: UPDATES with arrests.", "EDITOR'S NOTE: ...").
_EDITORS_NOTE_RE = re.compile(r"(?:Eds?|EDS|Editor'?s'? [Nn]ote|EDITOR'?S NOTE)\s*[:.—-]\s")
# A navigation row: at least this many entries between separators, each of a few words.
MIN_MENU_PIECES = 4
MAX_MENU_ENTRY_WORDS = 4
_MENU_SPLIT_RE = re.compile(r"\s+(?:--|[-—–»·•/])(?=\s)")
# A timestamp or agency label is a short line ("Posted: Monday Feb 4, 2008 8:02 PM").
MAX_LABEL_CHARS = 100
# Names in a byline ("By JANE DOE and RICHARD ROE") before the writer's title.
MAX_BYLINE_NAME_WORDS = 8
# Where a dateline may start inside a line: a cell border, a wide gap, a dash between spaces.
_CUT_RE = re.compile(r"\\?\|[^\S\n]*|[^\S\n]*\t[^\S\n]*|[^\S\n]{2,}|[^\S\n]+(?:--|[-—–―])[^\S\n]+")
_DASH_SPLIT_RE = re.compile(r"[^\S\n]+(?:--|[-—–―])(?:[^\S\n]+|$)")
_WORD_START_RE = re.compile(r"(?<![^\s|])\S")
# Where an agency or another credit may be printed: only lines holding one are searched inside.
_CREDIT_MARK_RE = re.compile(r"\([^()\n]{1,40}\)|/[A-Za-z-]{3,30}/")
_CELL_SPLIT_RE = re.compile(r"\\?\||\t|[^\S\n]{2,}")
_SENTENCE_END_RE = re.compile(r"[.!?\"”’]$")
_ABBREVIATION_END_RE = re.compile(r"(?:\b[^\W\d_]\.){2,}$|\b[A-Z]\.$")
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_CAMEL_RE = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")

# Words of a timestamp or an agency label besides numbers: months, weekdays, clock words,
# time zones, "Posted:", "Updated", and the agencies' names as bylines print them.
_MONTH_WORDS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_MONTHS = frozenset(_MONTH_WORDS.split())
_DAY_WORDS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur fri sat sun"
)
_CLOCK_WORDS = (
    "am pm a m p noon midnight h hrs hours gmt utc et est edt ct cst cdt mt mst mdt pt pst pdt "
    "bst cet cest ist jst aest aedt hkt sgt us eastern central mountain pacific time"
)
_LABEL_WORDS = (
    "posted updated published last modified created date on at by and of from the in first "
    "filed story release released"
)
_LABEL_NAME_WORDS = (
    "associated press the wire wires services service news agency staff report reports reporter"
)
_AGENCY_NAMES = frozenset({name.lower() for name in AGENCIES} | {"associated"})
_AGENCY_LABEL_WORDS = frozenset(_LABEL_NAME_WORDS.split()) | _AGENCY_NAMES
_TIMESTAMP_WORDS = (
    frozenset(f"{_MONTH_WORDS} {_DAY_WORDS} {_CLOCK_WORDS} {_LABEL_WORDS}".split())
    | _AGENCY_LABEL_WORDS
)
# A byline: "By NAME[ and NAME][, TITLE]" or the title alone ("Associated Press Writer").
_BYLINE_RE = re.compile(r"(?:By|BY|by)[^\S\n]+(?P<rest>.+)")
_TITLE_NOUNS_TEXT = (
    "writer writers correspondent correspondents editor reporter reporters columnist "
    "contributor staff critic analyst producer"
)
_TITLE_NOUNS = frozenset(_TITLE_NOUNS_TEXT.split())
# Words that open a writer's title after the names ("AP Sports Writer", "PA SportsTicker
# Contributing Writer", "Associate NFL Editor").
_TITLE_OPENERS_TEXT = (
    "associated ap reuters afp upi bloomberg pa staff senior sports business contributing "
    "associate special chief political deputy managing news science medical entertainment "
    "technology financial economics diplomatic foreign legal religion auto energy national "
    "international white house washington correspondent writer editor"
)
_TITLE_OPENERS = frozenset(_TITLE_OPENERS_TEXT.split())


@dataclass(frozen=True)
class Lead:
    """A dateline found in the lead, and the text with it and everything before it removed."""

    dateline: Dateline
    text: str
    skipped: tuple[str, ...] = ()  # kinds of lead removed before it, in order ("byline", ...)
    authors: tuple[str, ...] = ()  # names of a byline removed with it


@dataclass(frozen=True)
class DatelineReading:
    """What the dateline stage makes of a record: its new text, dateline and byline names."""

    text: str
    dateline: Dateline | None
    rules: list[str] = field(default_factory=list)  # stats names of the rules that fired
    authors: tuple[str, ...] = ()


def read_dateline(
    text: str,
    reference: datetime.date | None,
    *,
    agency_hint: str | None = None,
    title: str | None = None,
    element: str | None = None,
    fallback_references: Sequence[datetime.date] = (),
) -> DatelineReading:
    """The dateline of a record's text (first paragraph, else the lead), else of the page's
    dateline element; `text` loses the dateline and the lead before it.

    A year-less dateline date ("Jan. 11") takes its year from `reference`, and is left out when
    it lies too far from it; the `fallback_references` (say, the crawl time after the page's
    declared date) are then tried in turn, because pages declare stale dates too: a template's
    date, the site's launch. The first one that dates the dateline wins.

    >>> stale, fetched = datetime.date(2005, 6, 1), datetime.date(2008, 1, 12)
    >>> text = "Jan. 11 (Bloomberg) -- Stocks fell."
    >>> read_dateline(text, stale).dateline.date is None
    True
    >>> read_dateline(text, stale, fallback_references=[fetched]).dateline.date
    '2008-01-11'
    """
    reading = _read_dateline(text, reference, agency_hint, title, element)
    for fallback in fallback_references:
        if reading.dateline is None or reading.dateline.date is not None:
            break
        dated = _read_dateline(text, fallback, agency_hint, title, element)
        if dated.dateline is not None and dated.dateline.date is not None:
            return dated
    return reading


def _read_dateline(
    text: str,
    reference: datetime.date | None,
    agency_hint: str | None,
    title: str | None,
    element: str | None,
) -> DatelineReading:
    lead = find_lead_dateline(text, reference, agency_hint=agency_hint, title=title)
    if lead is not None:
        rules = [f"dateline:lead-{kind}" for kind in dict.fromkeys(lead.skipped)]
        return DatelineReading(lead.text, lead.dateline, rules, lead.authors)
    if element:
        dateline = element_dateline(element, reference)
        if dateline is not None:
            return DatelineReading(text, dateline, ["dateline:element"])
    return DatelineReading(text, None)


def element_dateline(element: str, reference: datetime.date | None) -> Dateline | None:
    """The dateline a page printed as its own element ("NEW YORK (AFP)"); `raw` as printed."""
    printed = " ".join(element.split())
    dateline = find_dateline(printed, reference)
    if dateline is None or dateline.agency is None or dateline.raw != printed.rstrip():
        return None
    return dateline if _stands_alone_well(dateline) else None


def _stands_alone_well(dateline: Dateline) -> bool:
    """A dateline with no separator, alone on its line or element, is a wire's only with a place
    in capitals, a date or nothing before the agency: "BUFFALO, New York (AFP)", "(AP)", never a
    photo credit "Jane Roe (AFP)"."""
    if not dateline.raw.endswith((")", "/")):
        return True
    if dateline.date is not None or dateline.location is None:
        return True
    city = (dateline.location or "").split(",")[0]
    return any(c.isalpha() for c in city) and city.upper() == city


def find_lead_dateline(
    text: str,
    reference: datetime.date | None,
    *,
    agency_hint: str | None = None,
    title: str | None = None,
) -> Lead | None:
    """The first dateline within the lead of `text` (see the module docstring), or None."""
    first = find_dateline(text, reference, agency_hint=agency_hint)
    if first is not None:
        return Lead(first, strip_dateline(text, first))
    skipped: list[str] = []
    authors: list[str] = []
    start = len(text) - len(text.lstrip())
    for index, (line_start, line_end) in enumerate(_lines(text, start)):
        if index >= MAX_LEAD_LINES or line_start - start > MAX_LEAD_CHARS:
            return None
        line = text[line_start:line_end]
        if index > 0:
            dateline = agency_dateline_at(text, line_start, line_end, reference)
            if dateline is not None and _stands_alone_well(dateline):
                names = _byline_names(dateline.raw, dateline.location)
                return _lead(text, start, line_start, dateline, skipped, authors + names)
        found = _inside(text, line_start, line_end, reference, title)
        if found is not None:
            cut, dateline, kinds, names = found
            return _lead(text, start, cut, dateline, skipped + kinds, authors + names)
        kind = lead_kind(line, title)
        if kind is None:
            return None
        if kind == "byline":
            authors += _byline_names(line)
        skipped.append(kind)
    return None


def lead_kind(line: str, title: str | None = None) -> str | None:
    """What kind of lead a line is ("byline", "timestamp", "agency-label", "headline",
    "editors-note", "table-debris", "kicker", "menu"), or None for prose.

    >>> lead_kind("By JANE DOE"), lead_kind("AP Sports Writer"), lead_kind("- Reuters")
    ('byline', 'byline', 'agency-label')
    >>> lead_kind("2008-02-10 11:20:45 -"), lead_kind("|  |  |"), lead_kind("It rained.")
    ('timestamp', 'table-debris', None)
    """
    stripped = line.strip(" \t\xa0-—–―_|:·•*")
    if not stripped:
        return "table-debris"
    if "|" in line or "\t" in line:
        cells = [c for c in _CELL_SPLIT_RE.split(line) if c.strip(" \t\xa0-—–―_|:·•*")]
        if len(cells) > 1:
            kinds = [lead_kind(cell, title) for cell in cells]
            return "table-debris" if all(kinds) else None
    if _is_headline(stripped, title):
        return "headline"
    if _EDITORS_NOTE_RE.match(stripped):
        return "editors-note"
    if len(stripped) <= MAX_LABEL_CHARS:
        words = _words(stripped)
        labels = words and all(w in _AGENCY_LABEL_WORDS for w in words)
        if labels and any(w in _AGENCY_NAMES for w in words):
            return "agency-label"
        if any(c.isdigit() for c in stripped) and all(
            w in _TIMESTAMP_WORDS or w.isdigit() for w in words
        ):
            return "timestamp"
    if _is_byline(stripped):
        return "byline"
    if _is_menu(stripped):
        return "menu"
    if _is_kicker(stripped):
        return "kicker"
    return None


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    while position < len(text) and len(spans) <= MAX_LEAD_LINES:
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        if text[position:end].strip():
            spans.append((position, end))
        position = end + 1
    return spans


def _inside(
    text: str, line_start: int, line_end: int, reference: datetime.date | None, title: str | None
) -> tuple[int, Dateline, list[str], list[str]] | None:
    """A dateline inside a line after lead text: (where it starts, it, the lead's kinds, names)."""
    line = text[line_start : min(line_end, line_start + MAX_LEAD_CHARS)]
    marks = [m.start() for m in _CREDIT_MARK_RE.finditer(line)]
    if not marks:
        return None
    # Word starts first, so a border or gap at the same place wins (True: delimited).
    cuts = {m.start(): False for m in _WORD_START_RE.finditer(line, 0, marks[-1])}
    cuts.update({m.end(): True for m in _CUT_RE.finditer(line, 0, marks[-1])})
    for cut in sorted(cuts):
        prefix = line[:cut]
        if cut == 0 or prefix.rstrip().endswith(","):
            continue  # the line's start was read already; a comma splits a place, not a lead
        delimited = cuts[cut]
        kinds = _prefix_kinds(prefix, title, delimited=delimited)
        if kinds is None:
            continue
        dateline = agency_dateline_at(text, line_start + cut, line_end, reference)
        if dateline is None or not _placed_well(dateline, delimited):
            continue
        if not delimited and not _sentence_follows(text, line_start + cut, dateline, line_end):
            continue
        names = [n for kind, part in kinds if kind == "byline" for n in _byline_names(part)]
        names += _byline_names(dateline.raw, dateline.location)
        return line_start + cut, dateline, [kind for kind, _ in kinds], names
    return None


def _prefix_kinds(
    prefix: str, title: str | None, *, delimited: bool
) -> list[tuple[str, str]] | None:
    """The kinds of lead in the text before a dateline inside a line, or None if any is prose.

    Cells (between borders or gaps) and the pieces of the last cell between dashes must each be
    lead. Right before the dateline, after a dash, only a byline or a place may stand ("By NAME
    -- (Sports Network) -", "Charlotte, NC -- Charlotte, NC (Sports Network) -"); in a run of
    words, a byline or a kicker whose last word is not lower-case ("... Writer ST. LOUIS").
    """
    cells = [c for c in _CELL_SPLIT_RE.split(prefix) if c.strip(" \t\xa0-—–―_|:·•*")]
    if not cells:
        return []
    last = _DASH_SPLIT_RE.split(cells[-1])
    pieces = cells[:-1] + last[:-1]
    kinds: list[tuple[str, str]] = []
    for piece in (p.strip() for p in pieces):
        kind = lead_kind(piece, title) if piece else "table-debris"
        if kind is None:
            return None
        kinds.append((kind, piece))
    final = last[-1].strip()
    if not final:
        if len(last) == 1:
            return kinds
        before = pieces[-1].strip()
        if _is_byline(before):
            return [*kinds[:-1], ("byline", before)]
        if _is_place_line(before):
            return [*kinds[:-1], ("place", before)]
        return None
    if _is_byline(final):
        return [*kinds, ("byline", final)]
    kind = lead_kind(final, title)
    if kind is None or (not delimited and kind == "kicker" and final.split()[-1].islower()):
        return None
    return [*kinds, (kind, final)]


def _placed_well(dateline: Dateline, delimited: bool) -> bool:
    """Inside a run of words (no border or gap before it), only a place in capitals counts."""
    if dateline.location is None:
        return delimited
    words = dateline.location.split(",")[0].split()
    caps = [w.isupper() or not any(c.isalpha() for c in w) for w in words]
    if any(caps) and not all(caps):
        return False  # "Photos BAGHDAD": the place is the capitals, found at a later cut
    return delimited or all(caps)


def _sentence_follows(text: str, start: int, dateline: Dateline, end: int) -> bool:
    """A new sentence after the dateline, or the line's end after a dash ("NATO (UPI)." ending
    a line of words is the end of a sentence, not a dateline)."""
    after = start + len(dateline.raw)
    rest = text[after:end].lstrip()
    if not rest:
        return dateline.raw.rstrip().endswith(("-", "—", "–", "―", "_"))
    return rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘"


def _lead(
    text: str, start: int, cut: int, dateline: Dateline, kinds: list[str], authors: list[str]
) -> Lead:
    rest = text[cut:]
    body = strip_dateline(rest, dateline)
    return Lead(dateline, text[:start] + body, tuple(kinds), tuple(dict.fromkeys(authors)))


def _words(line: str) -> list[str]:
    return [w.lower() for w in _TOKEN_RE.findall(_CAMEL_RE.sub(" ", line)) if w.isascii()]


def _is_headline(line: str, title: str | None) -> bool:
    if not title:
        return False
    words, title_words = _words(line), _words(title)
    if not words:
        return False
    return words == title_words or (len(words) >= 3 and " ".join(words) in " ".join(title_words))


def _is_kicker(line: str) -> bool:
    """A short line that does not end a sentence: a headline, kicker, section or chrome cell."""
    if len(line) > MAX_KICKER_CHARS or len(line.split()) > MAX_KICKER_WORDS:
        return False
    if _SENTENCE_END_RE.search(line) and not _ABBREVIATION_END_RE.search(line):
        return False
    return line[:1].isupper() or line[:1].isdigit() or not line[:1].isalpha()


def _is_menu(line: str) -> bool:
    """A navigation row: short capitalised entries between separators ("News - Sports » NHL")."""
    pieces = [p.strip() for p in _MENU_SPLIT_RE.split(line)]
    entries = [p for p in pieces if p.strip("-—–")]
    if len(pieces) < MIN_MENU_PIECES or not entries:
        return False
    return all(len(p.split()) <= MAX_MENU_ENTRY_WORDS and _is_kicker(p) for p in entries)


def _is_byline(line: str) -> bool:
    return _byline_split(line) is not None


def _byline_split(line: str) -> tuple[list[str], list[str]] | None:
    """(names, title words) of a byline line, or None."""
    line = line.strip(" -—–―,")
    match = _BYLINE_RE.fullmatch(line)
    words = (match["rest"] if match else line).replace(",", " , ").split()
    names: list[str] = []
    title: list[str] = []
    for word in words:
        if title or (word.lower() in _TITLE_OPENERS and (names or not match)):
            title.append(word)
        elif word != ",":
            names.append(word)
    if title and title[-1].lower() not in _TITLE_NOUNS:
        return None
    if not match and (names or not title):
        return None
    if match and not names:
        return None
    if len(names) > MAX_BYLINE_NAME_WORDS or len(title) > MAX_BYLINE_NAME_WORDS:
        return None
    if not all(w[:1].isupper() or w in ("and", "&", "de", "van", "von", "al") for w in names):
        return None
    if not all(w[:1].isupper() for w in title if w != ","):
        return None
    return names, title


def _byline_names(text: str, place: str | None = None) -> list[str]:
    """The writers' names of a byline ("By JANE DOE and SAM POE ..." -> both), else [].

    The names end at the writer's title, a comma, a month or, in a dateline's `raw`, its place.
    """
    match = _BYLINE_RE.match(text.strip())
    if match is None:
        return []
    rest = match["rest"]
    if place and place.split()[0] in rest:
        rest = rest[: rest.index(place.split()[0])]
    words: list[str] = []
    for word in rest.replace(",", " , ").split():
        stop = word.lower() in _TITLE_OPENERS or word.lower().strip(".") in _MONTHS
        if (stop or word == "," or not word[:1].isupper()) and word not in ("and", "&"):
            break
        words.append(word)
    names = " ".join(words)
    return [n.strip() for n in re.split(r"\s+(?:and|&)\s+", names) if n.strip()]


def _is_place_line(line: str) -> bool:
    return bool(line) and is_place(line)
