"""Datelines: find the wire dateline at the start of a body, parse it, strip it off.

A dateline is `[By NAME ]PLACE[, REGION][, DATE] (AGENCY) SEP` at the very start of the first
paragraph ("BAGHDAD, June 26 (Reuters) -", "HAYWARD, Calif. (AP) —", "Aug. 10 (UPI) --",
"MOSCOW, January 21. /TASS/."), a house dateline without agency whose place is printed in
capitals before a dash ("WASHINGTON —", "BEIRUT, Lebanon, June 2 —"), or, on Anadolu pages
only, a first paragraph that is nothing but the place ("Ankara").

Choices (documented for users of the `dateline` field):

- `raw` is a prefix of the first paragraph, ending with the separator (or with the agency when
  there is none, as PTI prints it). A byline glued in front ("By Tom Ashby ABUJA, Jan 10
  (Reuters) -") belongs to `raw`, so stripping removes it with the dateline; `location` is the
  place alone ("ABUJA").
- `location` is the place as printed, with runs of whitespace (non-breaking spaces included)
  collapsed to one space: "HAYWARD, Calif.", "BEIRUT/THE HAGUE", "New Delhi [India]".
- `date` is ISO `YYYY-MM-DD`; the year comes from the dateline when it prints one (AFP wire),
  else from `reference` through `resolve_date`; it is None when neither gives a sure date.
- `agency` is canonical ("AP", "Reuters", "dpa", ...); house datelines have `agency` None.
  Only the agencies in AGENCIES count: "(CNN)" and other outlets' tags are ordinary text.
- Precision before recall: a false dateline deletes body text downstream. An acronym expanded
  in front of it ("Unified Payments Interface (UPI) --") is not a dateline. A house dateline
  needs a place in capitals and a dash; kickers ("FILE -", "EDITOR'S NOTE —", "BREAKING NEWS —")
  are refused, and a colon never ends a house dateline: "NEW DELHI:" (South Asian and East
  African papers) cannot be told from the kickers "BREAKING NEWS:", "WARNING GRAPHIC DETAIL:",
  "DEAR ABBY:" without a gazetteer, and on real pages they came about half and half. After an
  agency a colon is a separator like any other ("Dehradun (PTI):"). A dateline behind a kicker
  is not looked for.

Pure module: no Scrapy import.

>>> dateline = find_dateline("BAGHDAD, June 26 (Reuters) -\\nIraqi forces raided ...",
...                          datetime.date(2020, 6, 26))
>>> dateline.as_dict()
{'raw': 'BAGHDAD, June 26 (Reuters) -', 'location': 'BAGHDAD', 'date': '2020-06-26', \
'agency': 'Reuters'}
>>> strip_dateline("BAGHDAD, June 26 (Reuters) -\\nIraqi forces raided ...", dateline)
'Iraqi forces raided ...'
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from newscrawl.agencies import (
    AGENCIES,
    ANADOLU,
    NO_SEPARATOR_AGENCIES,
    SLASH_AGENCY_PATTERN,
    canonical_agency,
    is_credit,
)

# How far (in days) a year-less dateline date may sit from the reference date and still be
# trusted; wire stories are dated the day they are filed, pages are published within weeks.
MAX_DATE_DISTANCE_DAYS = 45
# Longest text allowed before the agency: a byline, a multi-city place, a region and a date
# fit in 120 characters; the bound also keeps every regex linear on a 100 kB paragraph.
MAX_HEAD_CHARS = 120
# Longest credit of another wire in its parenthesis ("Multichannel News", "Hollywood Reporter").
MAX_CREDIT_CHARS = 40
# Longest parenthesised state in an ANI place ("Srinagar (Jammu and Kashmir) [India]").
MAX_STATE_CHARS = 40
# Longest text allowed before a house dateline's separator ("BEIRUT, Lebanon, June 2 —").
MAX_HOUSE_HEAD_CHARS = 80
# A place is at most a city, a region and a country ("SAN JUAN, Puerto Rico, USA" is the worst).
MAX_PLACE_SEGMENTS = 3
# Words in a whole place ("ST. JOHN'S, Newfoundland and Labrador" has five).
MAX_PLACE_WORDS = 8
# Words in a house dateline's capital city ("LAKE BUENA VISTA", "SALT LAKE CITY"); longer runs
# of capitals are shouted headlines or kickers, not places.
MAX_HOUSE_CITY_WORDS = 4
# A capital city needs this many letters, so "NO —" or "OK —" never pass for a place.
MIN_HOUSE_CITY_LETTERS = 3
# Words in a byline glued in front of a Reuters dateline ("By Tom Ashby and Jane Roe").
MAX_BYLINE_WORDS = 6
# Anadolu's place-alone first paragraph: "Ankara", "Washington DC", "Sao Paulo".
MAX_ANADOLU_PLACE_WORDS = 3
# Years a dateline may print (AFP wire form); anything else is not a year.
MIN_YEAR, MAX_YEAR = 1900, 2100


# Words that name an agency, never a place: "Xinhua News Agency (Xinhua)", "Agencia EFE (EFE)".
_AGENCY_WORDS = frozenset(
    {"agence", "agencia", "agency", "associated", "press"} | {n.lower() for n in AGENCIES.values()}
)
# Words of an organisation's name, never of a place: with another wire's credit, "Apple Inc
# (AAPL) - Shares rose" must not read as a dateline.
_ORGANISATION_WORDS_TEXT = (
    "inc corp co ltd llc plc ag sa nv group holdings company party committee council association "
    "union organization organisation institute university commission department ministry bank "
    "authority board fund foundation federation league club team shares stock index"
)
_ORGANISATION_WORDS = frozenset(_ORGANISATION_WORDS_TEXT.split())
# Lower-case words that may sit inside a place name ("Rio de Janeiro", "Dar es Salaam").
_PLACE_CONNECTOR_RE = re.compile(
    r"d[aeiou]s?|del|la|las|le|les|los|el|al|es|of|and|upon|on|am|an|der|den|sur|en|y|van|von"
)
# Capitalised leads that are kickers, labels or captions, never a house dateline's place (AP's
# caption "FILE -", "ANALYSIS —"); with _KICKER_WORD_RE below, which catches "EDITOR'S NOTE —",
# "BREAKING NEWS —" and "LIVE UPDATES —" wherever the word sits.
_KICKER_RE = re.compile(
    r"NEW|FILE|YES|NOTICE|ALERT|FLASH|URGENT|ADVISORY|SUMMARY|RELATED|TRENDING|DEVELOPING"
    r"|DEVELOPING STORY|VIDEOS?|PHOTOS?|LISTEN|PODCAST|OPINION|ANALYSIS|COMMENTARY|EDITORIAL"
    r"|EXPLAINER|FACTBOX|FACT[ -]CHECK|REVIEW|INTERVIEW|CLARIFICATION|SPOILER ALERT|SPONSORED"
    r"|ADVERTISEMENT|READ MORE|ALSO READ|SEE ALSO"
)
_KICKER_WORD_RE = re.compile(
    r"BREAKING|EXCLUSIVE|UPDATED?|UPDATES|NOTE|CORRECTION|WATCH|WARNING|GRAPHIC"
)
# Words that no capitalised city contains but a lead-in in capitals does ("WHEN THE STORM HIT
# —", "IT WAS OVER —"); "THE" stays allowed for THE HAGUE and THE DALLES.
_NOT_PLACE_WORD_RE = re.compile(
    r"AN?|I|IT|HE|SHE|WE|THEY|YOU|MY|OUR|YOUR|HIS|HER|ITS|THEIR|THIS|THAT|THESE|THOSE|THERE"
    r"|HERE|WHEN|WHAT|WHY|HOW|WHO|IF|BUT|OR|SO|IS|ARE|WAS|WERE|BE|NOT|NO|WITH|FOR|FROM|BY|TO|IN|AT"
)

# Month names, by month: English full and short forms (with AP's "Sept"), and the Spanish ones
# EFE prints day-first ("Madrid, 10 abr (EFE).-").
_MONTH_NAMES_EN = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTH_NAMES_ES = (
    ("enero", "ene"),
    ("febrero", "feb"),
    ("marzo", "mar"),
    ("abril", "abr"),
    ("mayo", "may"),
    ("junio", "jun"),
    ("julio", "jul"),
    ("agosto", "ago"),
    ("septiembre", "setiembre", "sept", "sep", "set"),
    ("octubre", "oct"),
    ("noviembre", "nov"),
    ("diciembre", "dic"),
)
_MONTHS_EN = {name: month for month, names in enumerate(_MONTH_NAMES_EN, 1) for name in names}
_MONTHS_ES = {name: month for month, names in enumerate(_MONTH_NAMES_ES, 1) for name in names}
_MONTHS = _MONTHS_EN | _MONTHS_ES


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "september" wins over "sep" and "marzo" over "mar".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# The agency dateline: a short head without parentheses, then the first "(AGENCY)" or "/TASS/".
# The head is lazy and bounded, and cannot cross a parenthesis, so a paragraph that opens with
# any other parenthesis fails at once and a long paragraph costs at most MAX_HEAD_CHARS steps.
# The one parenthesis allowed is ANI's state, and only right before its "[India]".
_AGENCY_DATELINE_RE = re.compile(
    rf"(?P<head>[^()\n]{{0,{MAX_HEAD_CHARS}}}?"
    rf"(?:\([^()\n]{{1,{MAX_STATE_CHARS}}}\)[^\S\n]*\[[^()\n]{{0,{MAX_HEAD_CHARS}}}?)?)"
    rf"(?:\((?P<agency>{_alternation(AGENCIES)})\)|/(?P<slash>{SLASH_AGENCY_PATTERN})/)"
)
# Another wire's credit in the same place: the first parenthesis after the head, whatever it
# holds; `is_credit` and the stricter checks of `agency_dateline_at` decide.
_CREDIT_DATELINE_RE = re.compile(
    rf"(?P<head>[^()\n]{{0,{MAX_HEAD_CHARS}}}?)\((?P<credit>[^()\n]{{1,{MAX_CREDIT_CHARS}}})\)"
)
# Separators another wire's credit must be followed by: dashes only (a colon or nothing after
# "(Name)" is as often prose: "the party (Likud): ...").
_CREDIT_SEPARATORS = frozenset({"â€”", "â€“", "--", "—", "–", "―", "-", "_"})
# A dash left at the end of a head ("St. Petersburg, FL -- (Sports Network)", "SAN JOSE,
# Calif.--(BUSINESS WIRE)--"): the place's own separator, printed before the credit; and AP's
# stray comma ("GAZA CITY, Gaza Strip, (AP) -").
_TRAILING_DASH_RE = re.compile(r"[^\S\n]*(?:--|[-—–―,])[^\S\n]*$")
# A house dateline: a short head up to the first dash. The head cannot contain brackets, colons
# or dash-like characters, so the first separator decides; a hyphen or underscore separates
# only with a space before it, so "WINSTON-SALEM" stays one word. No colon: see the docstring.
_HOUSE_DATELINE_RE = re.compile(
    rf"(?P<head>[^()\[\]\n—–―:_]{{1,{MAX_HOUSE_HEAD_CHARS}}}?)(?:Â?[^\S\n])*"
    r"(?P<sep>â€”|â€“|—|–|―|--|(?<=\s)[-_])"
)
# The separator after an agency: dashes of every width (and their mojibake, "â€”" is an em
# dash read as cp1252), EFE's ".-", TASS's ".", colons (AFP web, PTI, ANI) and AP's old "_".
_SEPARATOR_RE = re.compile(r"(?:Â?[^\S\n])*(?P<sep>â€”|â€“|\.-|--|—|–|―|-|_|:|\.)")
# Separators distinctive enough to be glued to the next word ("(AP)—The").
_GLUABLE_SEPARATORS = frozenset({"â€”", "â€“", ".-", "--", "—", "–", "―"})
# Whitespace after a separator, including a non-breaking space mis-decoded as "Â\xa0".
_GAP_RE = re.compile(r"(?:Â?[^\S\n])*")
_SPACES_RE = re.compile(r"(?:Â?\s)+")
_WORD_SPAN_RE = re.compile(r"\S+")
# A date at the end of the head: "June 26", "Jan. 5", "SEPT 3", "March 22, 2018", TASS's
# "January 21." and EFE's day-first "10 abr". Month names only: a bare number is never a date.
_DATE_AT_END_RE = re.compile(
    rf"(?:^|(?<=[\s,]))(?:"
    rf"(?P<month1>{_alternation(_MONTHS_EN)})\b\.?\s*(?P<day1>\d{{1,2}})"
    rf"|(?P<day2>\d{{1,2}})\s*(?:de\s+)?(?P<month2>{_alternation(_MONTHS)})\b\.?"
    rf")(?!\d)(?:,?\s*(?P<year>\d{{4}}))?\.?\s*$",
    re.IGNORECASE,
)
# One word of a place: letters with inner dots, apostrophes and hyphens ("ST.", "D'ALENE",
# "WINSTON-SALEM", "D.C."). Digits and other punctuation mean it is not a place.
_PLACE_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|[.'’-])*")
# ANI's bracketed country after the city, with the state in parentheses before it if any:
# "New Delhi [India]", "Srinagar (Jammu and Kashmir) [India]".
_BRACKETED_REGION_RE = re.compile(
    r"(?P<city>[^\[\]()]+?)\s*(?:\((?P<state>[^\[\]()]+)\)\s*)?\[(?P<region>[^\[\]()]+)\]"
)
# Lower-case prefixes of Arabic, French and Italian place names ("al-Qaim", "d'Ivoire").
_LOWER_PREFIX_RE = re.compile(r"(?:al|el|ad|as|an|ar|d|l)['’-](?=[^\W\d_])")
# Mixed-case prefixes AP keeps in capitalised datelines ("McALLEN, Texas", "DeKALB, Ill.").
_CAPS_PREFIX_RE = re.compile(r"(?:Mc|Mac|De|Di|Du|La|Le)(?=[^\W\d_]{2})")


@dataclass(frozen=True)
class Dateline:
    """A parsed dateline; `raw` is exactly the prefix of the first paragraph it was read from.

    >>> Dateline("WASHINGTON (AP) —", "WASHINGTON", None, "AP").as_dict()["agency"]
    'AP'
    """

    raw: str
    location: str | None
    date: str | None
    agency: str | None

    def as_dict(self) -> dict[str, str | None]:
        """The record's `dateline` field: `{"raw", "location", "date", "agency"}`."""
        return asdict(self)


def resolve_date(
    month: int, day: int, reference: datetime.date, max_days: int = MAX_DATE_DISTANCE_DAYS
) -> datetime.date | None:
    """The date nearest `reference` with this month and day, or None beyond `max_days`.

    The year before, of and after the reference are tried (never `strptime` without a year:
    Feb 29 needs a leap year); impossible days give None.

    >>> resolve_date(12, 30, datetime.date(2021, 1, 2))
    datetime.date(2020, 12, 30)
    >>> resolve_date(2, 29, datetime.date(2023, 3, 1)) is None
    True
    """
    if isinstance(reference, datetime.datetime):
        reference = reference.date()
    best: datetime.date | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - reference) < abs(best - reference):
            best = candidate
    if best is None or abs(best - reference).days > max_days:
        return None
    return best


def find_dateline(
    text: str, reference: datetime.date | None, *, agency_hint: str | None = None
) -> Dateline | None:
    """The dateline at the start of the first paragraph of `text`, or None.

    `reference` (publication date, else Last-Modified, else crawl time) gives the year of a
    year-less date; `agency_hint` is the source's agency, used only for Anadolu's dateline,
    which is the place alone as the first paragraph.

    >>> find_dateline("HAYWARD, Calif. (AP) — Police said ...", None)
    Dateline(raw='HAYWARD, Calif. (AP) —', location='HAYWARD, Calif.', date=None, agency='AP')
    >>> find_dateline("The Republican National Committee (RNC) said ...", None) is None
    True
    """
    start = _first_paragraph_start(text)
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    return (
        agency_dateline_at(text, start, end, reference)
        or _house_dateline(text, start, end, reference)
        or _anadolu_dateline(text, start, end, agency_hint)
    )


def strip_dateline(text: str, dateline: Dateline) -> str:
    """`text` without `dateline.raw` and the whitespace after it (or its paragraph, if alone).

    Whitespace before the first paragraph is kept; nothing else changes. Raises ValueError
    when the first paragraph does not start with `raw`.

    >>> text = "  LONDON (dpa) - Rain fell.\\nMore."
    >>> strip_dateline(text, find_dateline(text, None))
    '  Rain fell.\\nMore.'
    """
    start = _first_paragraph_start(text)
    if not text.startswith(dateline.raw, start):
        raise ValueError(f"text does not start with the dateline {dateline.raw!r}")
    rest = _GAP_RE.match(text, start + len(dateline.raw)).end()
    if text.startswith("\n", rest):
        rest += 1
    return text[:start] + text[rest:]


def _first_paragraph_start(text: str) -> int:
    # Extraction can leave blank or whitespace-only lines before the body; skip them.
    return len(text) - len(text.lstrip())


def agency_dateline_at(
    text: str, start: int, end: int, reference: datetime.date | None
) -> Dateline | None:
    """The agency dateline starting exactly at `start` in the line `text[start:end]`, or None.

    A known agency (AGENCIES) in parentheses or slashes, or another wire's credit in the
    strong shape only: a place (or nothing) before it, a dash after it, a new sentence (or the
    end of the line) after the dash.
    """
    match = _AGENCY_DATELINE_RE.match(text, start, end)
    if match is not None:
        printed = match["agency"] or match["slash"]
        return _agency_fields(text, start, end, match, printed, reference, known=True)
    match = _CREDIT_DATELINE_RE.match(text, start, end)
    if match is None or not is_credit(match["credit"]):
        return None
    return _agency_fields(text, start, end, match, match["credit"], reference, known=False)


def _agency_fields(
    text: str,
    start: int,
    end: int,
    match: re.Match[str],
    printed: str,
    reference: datetime.date | None,
    *,
    known: bool,
) -> Dateline | None:
    agency = canonical_agency(printed)
    raw_end = _separator_end(text, match.end(), end, agency, strict=not known)
    if raw_end is None:
        return None
    head, date = _split_date(_TRAILING_DASH_RE.sub("", match["head"]), reference)
    location = None
    if head:
        byline = head.startswith(("By ", "BY "))
        if byline and not known:
            return None  # "By NAME, NFL Editor -- (Sports Network)": the lead finds these
        location = _byline_place(head) if byline else head
        if location is None and date is not None and _is_byline(head):
            location = ""  # "By Heather Smith Jan. 11 (Bloomberg) --": byline, date, no place
        elif location is None or not _is_place(location) or _expands(location, printed):
            return None
        if location and not known and _names_organisation(location):
            return None
    return Dateline(
        raw=text[start:raw_end],
        location=_normalize(location) if location else None,
        date=date,
        agency=agency,
    )


def _house_dateline(
    text: str, start: int, end: int, reference: datetime.date | None
) -> Dateline | None:
    match = _HOUSE_DATELINE_RE.match(text, start, end)
    if match is None:
        return None
    after = match.end()
    # The separator must end the paragraph or be followed by a space; em and en dashes may
    # also touch the next word ("WASHINGTON—The").
    glued = after < end and not text[after].isspace()
    if glued and (match["sep"] not in _GLUABLE_SEPARATORS or not _starts_sentence(text[after])):
        return None
    head, date = _split_date(match["head"], reference)
    if not head or not _is_house_place(head):
        return None
    return Dateline(
        raw=text[start:after],
        location=_normalize(head),
        date=date,
        agency=None,
    )


def _anadolu_dateline(text: str, start: int, end: int, agency_hint: str | None) -> Dateline | None:
    if agency_hint != ANADOLU:
        return None
    paragraph = text[start:end].rstrip()
    # The place must be its own short paragraph with the body after it, not the whole text,
    # and no sentence ("Officials." is not a place).
    if len(paragraph) > MAX_HOUSE_HEAD_CHARS or not text[end:].strip():
        return None
    if len(paragraph.split()) > MAX_ANADOLU_PLACE_WORDS or not paragraph[-1:].isalpha():
        return None
    if "," in paragraph or not _is_place(paragraph):
        return None
    return Dateline(raw=paragraph, location=_normalize(paragraph), date=None, agency=ANADOLU)


def _separator_end(
    text: str, pos: int, end: int, agency: str, *, strict: bool = False
) -> int | None:
    """Where the dateline ends after the agency at `pos`: after its separator, if any.

    `strict` (another wire's credit): only a dash separates, and a new sentence or the end of
    the line must follow it.
    """
    match = _SEPARATOR_RE.match(text, pos, end)
    if strict:
        if match is None or match["sep"] not in _CREDIT_SEPARATORS:
            return None
        after = _GAP_RE.match(text, match.end(), end).end()
        if after < end and not _starts_sentence(text[after]):
            return None
        if match.end() < end and not text[match.end()].isspace():
            return None
        return match.end()
    if match is not None:
        after = match.end()
        if after == end or text[after].isspace():
            return after
        # "(AP) -The": a spaced hyphen glued to a capital is a separator too, on old AP pages.
        spaced_hyphen = match["sep"] == "-" and match.start("sep") > pos
        gluable = match["sep"] in _GLUABLE_SEPARATORS or spaced_hyphen
        if gluable and _starts_sentence(text[after]):
            return after
        if match["sep"] not in (".", ":"):
            return None
    # No separator: the dateline is its own paragraph, or (PTI, IANS, ANI only: for other
    # agencies it is an aside inside a sentence) a new sentence follows the agency.
    gap = _GAP_RE.match(text, pos, end).end()
    if gap == end:
        return pos
    if agency in NO_SEPARATOR_AGENCIES and gap > pos and _starts_sentence(text[gap]):
        return pos
    return None


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "\"'“‘«"


def _split_date(head: str, reference: datetime.date | None) -> tuple[str, str | None]:
    """Split a head into its place part and its ISO date (None: no date, or not resolvable)."""
    head = head.strip()
    match = _DATE_AT_END_RE.search(head)
    if match is None:
        return head, None
    month = _MONTHS[(match["month1"] or match["month2"]).lower()]
    day = int(match["day1"] or match["day2"])
    place = head[: match.start()].rstrip().rstrip(",").rstrip()
    date: datetime.date | None = None
    if match["year"] and MIN_YEAR <= int(match["year"]) <= MAX_YEAR:
        try:
            date = datetime.date(int(match["year"]), month, day)
        except ValueError:
            date = None
    elif reference is not None:
        date = resolve_date(month, day, reference)
    return place, date.isoformat() if date else None


def _byline_place(head: str) -> str | None:
    """The capitalised place after a glued byline ("By Tom Ashby ABUJA" -> "ABUJA")."""
    words = list(_WORD_SPAN_RE.finditer(head))
    for index, word in enumerate(words[1:], start=1):
        if _is_caps(word[0]) and sum(c.isalpha() for c in word[0]) > 1:
            byline = [w[0] for w in words[1:index]]
            if not 0 < len(byline) <= MAX_BYLINE_WORDS or not all(map(_is_name_word, byline)):
                return None
            return head[word.start() :]
    return None


def _is_byline(head: str) -> bool:
    """A byline and nothing else: "By Jane Roe", "By Tom Ashby and Sam Poe"."""
    words = head.split()[1:]
    return 0 < len(words) <= MAX_BYLINE_WORDS and all(map(_is_name_word, words))


def _names_organisation(place: str) -> bool:
    return any(w.lower().strip(".,") in _ORGANISATION_WORDS for w in place.split())


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or bool(_PLACE_CONNECTOR_RE.fullmatch(word))


def is_place(text: str) -> bool:
    """Whether `text` reads as a dateline's place ("HAYWARD, Calif.", "Charlotte, NC")."""
    return _is_place(_normalize(text))


def _is_place(place: str) -> bool:
    """A printed place: up to three comma segments of capitalised words, cities split by "/"."""
    segments = [s.strip() for s in place.split(",")]
    if len(segments) > MAX_PLACE_SEGMENTS:
        return False
    words: list[str] = []
    for segment in segments:
        bracketed = _BRACKETED_REGION_RE.fullmatch(segment)
        parts = (
            [p for p in bracketed.group("city", "state", "region") if p] if bracketed else [segment]
        )
        for part in (p for chunk in parts for p in chunk.split("/")):
            part_words = _SPACES_RE.sub(" ", part).strip().split(" ")
            if not _is_capitalised_words(part_words):
                return False
            words += part_words
    if len(words) > MAX_PLACE_WORDS:
        return False
    return not any(w.lower().strip(".") in _AGENCY_WORDS for w in words)


def _is_capitalised_words(words: list[str]) -> bool:
    # A place starts and ends with a name: "Port of Spain", never "The of".
    if not words or not _is_capitalised(words[0]) or not _is_capitalised(words[-1]):
        return False
    if _NOT_PLACE_WORD_RE.fullmatch(words[0].upper()):
        return False  # "In Paris (AP) —" and "It (AP)" are prose, not places
    return all(_is_capitalised(w) or _PLACE_CONNECTOR_RE.fullmatch(w) for w in words)


def _is_capitalised(word: str) -> bool:
    if not _PLACE_WORD_RE.fullmatch(word):
        return False
    return word[0].isupper() or bool(_LOWER_PREFIX_RE.match(word))


def _is_caps(word: str) -> bool:
    """A word in capitals, allowing AP's "McALLEN" and "DeKALB"."""
    if not _PLACE_WORD_RE.fullmatch(word):
        return False
    letters = _CAPS_PREFIX_RE.sub("", word, count=1)
    return all(c.isupper() for c in letters if c.isalpha())


def _is_house_place(place: str) -> bool:
    """A house dateline's place: a city in capitals, then optional region segments."""
    if not _is_place(place):
        return False
    city = place.split(",")[0]
    words = _SPACES_RE.sub(" ", city.replace("/", " ")).split()
    if len(words) > MAX_HOUSE_CITY_WORDS or not all(map(_is_caps, words)):
        return False
    if sum(c.isalpha() for c in city) < MIN_HOUSE_CITY_LETTERS:
        return False
    if _KICKER_RE.fullmatch(" ".join(words)):
        return False
    return not any(
        _KICKER_WORD_RE.fullmatch(w.strip(".")) or _NOT_PLACE_WORD_RE.fullmatch(w) for w in words
    )


def _expands(place: str, printed: str) -> bool:
    """True when the place is the agency's name spelt out ("Unified Payments Interface (UPI)").

    Wire places are printed in capitals or carry a region, so only a single segment in
    title case is checked: its last words' initials spelling the acronym give it away.
    """
    if "," in place or "/" in place or all(map(_is_caps, place.split())):
        return False
    initials = [
        piece[0].upper()
        for word in place.split()
        if not _PLACE_CONNECTOR_RE.fullmatch(word)
        for piece in word.split("-")
        if piece
    ]
    letters = [c.upper() for c in printed if c.isalpha()]
    return len(initials) >= len(letters) and initials[-len(letters) :] == letters


def _normalize(location: str) -> str:
    return _SPACES_RE.sub(" ", location).strip()
