"""Measure dateline parsing on the real wire pages of ../shared/eval.

Usage: python -m scripts.eval_datelines --eval-dir ../shared/eval [--list]

Pages (formats in ../shared/eval/README.md):
  aeb           all 181 pages; the expected `articleBody` decides which open with a dateline, so
                the pages without one measure false positives.
  fundus wire   the wire publishers' pages (FUNDUS_PUBLISHERS).
  fundus other  every other fundus page, in many languages: extra, a harder test of false
                positives (any paper's house datelines count there too).
The figures asked for are the "aeb" and "fundus wire" rows. A fundus page's expected body is
summary + section headlines + paragraphs of its parser version (a publisher's pages sorted by
date map one to one onto its version keys sorted by version).

newscrawl's side is the real pipeline: `newscrawl.extraction.extract(html, url, rules)` (with the
source's rules when the host belongs to a source), then `read_dateline` on its text (what the
dateline stage runs) with the reference date the dateline pipeline uses (published, else
modified, else crawl time: fundus's crawl_date; aeb has none) and the agency hint of the page's
source (a source's agency for its hosts; for a fundus wire publisher, the publisher's own agency,
so AnadoluAjansi pages are read as an Anadolu source would read them).

The truth is derived here from the expected text, never from newscrawl.datelines, and is stored
nowhere: it is recomputed from ../shared/eval on every run. Its rules are plain string rules,
easy to audit by eye (`--list` prints every truth next to newscrawl's answer):
  agency   the earliest "(NAME)" (or "/TASS/") of a fixed agency table within the first
           TRUTH_AGENCY_WINDOW characters of the dateline paragraph, whatever precedes it; else
           another wire's credit as printed, when the paragraph opens with a place in capitals,
           "(Credit) -" and a new sentence (OTHER_CREDIT_RE).
  location the text before the agency, cut into comma segments, minus trailing segments that are
           a date ("March 7", "10 abr", "2018"); None when nothing is left.
  date     month and day from that date segment; the year printed there, else the year of the
           page's publishing date (fundus `publishing_date`, or a date in the URL), one less when
           that would put the dateline over a month after publication; when the page has neither,
           the date is not checked (the pages are listed).
  house    no agency: the paragraph opens with capitals (no lower-case letter, no digit) up to the
           first comma or separator (" — ", " – ", " -- ", ": ") within TRUTH_HOUSE_WINDOW
           characters, and is no salutation ("DEAR ABBY:"); location and date as above. The
           colon form is labelled apart: newscrawl refuses it on purpose (see
           newscrawl.datelines), and some colon "places" are kickers this rule cannot tell apart.
  Anadolu  on an Anadolu page, a first body paragraph of at most three words without
           punctuation is the place-alone dateline.
The dateline paragraph is the expected text's first paragraph or, when the page has a summary
(standfirst), the first body paragraph after it: extraction may keep or drop a standfirst, and the
dateline opens the body either way. Limits, honestly: a dateline form these rules do not know
counts as "no dateline" (it surfaces as a false positive if newscrawl finds it), and both sides
were written by the same person, so a misreading of a format shared by both would pass unseen.

Exits 2 when the eval folder is missing; otherwise 0 (it reports, it does not gate).
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newscrawl.dateline_lead import read_dateline
from newscrawl.datelines import Dateline
from newscrawl.extraction import extract
from newscrawl.reading import Extracted
from scripts import eval_l3s_datelines
from scripts.evaldata import aeb_pages, agency_and_rules, fundus_pages

SETS = ("aeb", "fundus wire", "fundus other")
WIRE_SETS = ("aeb", "fundus wire")  # the figures asked for; "fundus other" is extra
# fundus publishers carrying wire copy -> the agency the publisher itself is (the source hint).
FUNDUS_PUBLISHERS: dict[str, str | None] = {
    "us/Reuters": "Reuters",
    "us/APNews": "AP",
    "us/WashingtonTimes": None,
    "us/VoiceOfAmerica": None,
    "de/AFPFaktencheck": "AFP",
    "tr/AnadoluAjansi": "Anadolu",
    "ind/TimesOfIndia": None,
}
# Printed agency names the truth knows, with their canonical names ("/TASS/" is found apart).
TRUTH_AGENCIES = {
    "AP": "AP",
    "Reuters": "Reuters",
    "AFP": "AFP",
    "UPI": "UPI",
    "Bloomberg": "Bloomberg",
    "dpa": "dpa",
    "Xinhua": "Xinhua",
    "PTI": "PTI",
    "IANS": "IANS",
    "ANI": "ANI",
    "Yonhap": "Yonhap",
    "Kyodo": "Kyodo",
    "EFE": "EFE",
}
# Another wire's credit (a broadcaster's, a sports wire's): a paragraph that opens with a place in
# capitals and "(Credit) -", a capitalised name of one to four words, then a new sentence.
OTHER_CREDIT_RE = re.compile(
    r"^(?P<head>[A-Z][A-Z .,'’]{1,40}(?:,[^()]{1,30})?) "
    r"\((?P<credit>[A-Z][\w&]*(?: [A-Z][\w&]*){0,3})\) (?:-|--|—|–|―) [A-Z\"“]"
)
TRUTH_AGENCY_WINDOW = 100  # a dateline's agency sits within its first hundred characters
TRUTH_HOUSE_WINDOW = 60  # a house dateline's place and date fit in sixty characters
HOUSE_SEPARATORS = (" — ", " – ", " -- ", ": ")
COLON = ": "
ANADOLU_PLACE_WORDS = 3  # "Ankara", "Washington DC", "Sao Paulo"
LATE_DATELINE_DAYS = 31  # a dateline dated over a month after publication is last year's
SNIPPET = 70  # characters of page text shown per miss
OPENING_CHARS = 25  # enough of the dateline paragraph to find it among the extracted lines
# Months by their first three letters, English and Spanish (EFE's "10 abr").
MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MONTH_NUMBERS = {name: i for months in (MONTHS_EN, MONTHS_ES) for i, name in enumerate(months, 1)}
URL_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d\d)[/-](?P<m>\d\d)[/-](?P<d>\d\d)")
WORD_RE = re.compile(r"[^\W\d_]+|\d+")


@dataclass
class Page:
    set_name: str
    page_id: str
    url: str | None
    html: str
    paragraphs: list[str]  # dateline paragraph candidates: the first, then the first after summary
    published: datetime.date | None  # from the eval data: fundus publishing_date, a URL date
    crawled: datetime.date | None
    hint: str | None


@dataclass(frozen=True)
class Truth:
    kind: str  # "agency", "house", "house (colon)" or "Anadolu place"
    paragraph: str
    agency: str | None
    location: str | None
    date: str | None
    date_checked: bool


@dataclass
class Tally:
    pages: int = 0
    with_dateline: int = 0
    right: int = 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--list", action="store_true", help="print every truth and answer")
    args = parser.parse_args(argv)
    if not (args.eval_dir / "aeb").is_dir() or not (args.eval_dir / "fundus").is_dir():
        print(
            f"eval_datelines: evaluation data not found at {args.eval_dir} "
            "(expected aeb/ and fundus/ in it; see ../shared/eval/README.md)",
            file=sys.stderr,
        )
        return 2
    pages = load_aeb(args.eval_dir / "aeb") + load_fundus(args.eval_dir / "fundus")
    tallies = {name: Tally() for name in SETS}
    by_kind: Counter[tuple[str, bool]] = Counter()
    misses: list[tuple[Page, Truth, Dateline | None, str]] = []
    false_positives: list[tuple[Page, Dateline]] = []
    unchecked: list[str] = []
    for page in pages:
        tally = tallies[page.set_name]
        tally.pages += 1
        truth = derive_truth(page)
        extracted, dateline = run_newscrawl(page)
        if args.list and (truth or dateline):
            print(f"{page.page_id}: truth {_fields(truth)}; got {dateline}")
        if truth is None:
            if dateline is not None:
                false_positives.append((page, dateline))
            continue
        tally.with_dateline += 1
        problem = compare(truth, extracted, dateline)
        by_kind[truth.agency or truth.kind, problem is None] += 1
        if problem is not None:
            misses.append((page, truth, dateline, problem))
            continue
        tally.right += 1
        if not truth.date_checked:
            unchecked.append(page.page_id)
    print_report(tallies, by_kind, misses, false_positives, unchecked)
    l3s = args.eval_dir / "l3s"
    if (l3s / "datelines.json").is_file():
        outcomes = eval_l3s_datelines.run(l3s)
        eval_l3s_datelines.report(outcomes)
        for line in eval_l3s_datelines.misses(outcomes):
            print(line)
    else:
        print(f"eval_datelines: no l3s set at {l3s}, its rows are left out")
    return 0


# --- the eval pages ---------------------------------------------------------------------------


def load_aeb(folder: Path) -> list[Page]:
    pages = []
    for page in aeb_pages(folder):
        paragraphs = [line.strip() for line in page.expected.split("\n") if line.strip()]
        pages.append(
            Page(
                set_name="aeb",
                page_id=f"aeb/{page.page_id[:12]}",
                url=page.url,
                html=page.html,
                paragraphs=paragraphs[:1],
                published=_url_date(page.url),
                crawled=None,
                hint=agency_and_rules(page.url)[0],
            )
        )
    return pages


def load_fundus(folder: Path) -> list[Page]:
    pages = []
    for page in fundus_pages(folder):
        summary = [p.strip() for p in page.summary if p.strip()]
        body = [p.strip() for p in page.sections if p.strip()]
        pages.append(
            Page(
                set_name="fundus wire" if page.publisher in FUNDUS_PUBLISHERS else "fundus other",
                page_id=page.page_id,
                url=page.url,
                html=page.html,
                paragraphs=summary[:1] + body[:1] if summary else body[:1],
                published=_iso_date(page.record.get("publishing_date")) or _url_date(page.url),
                crawled=_iso_date(page.crawl_date),
                hint=FUNDUS_PUBLISHERS.get(page.publisher),
            )
        )
    return pages


def _iso_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _url_date(url: str | None) -> datetime.date | None:
    match = URL_DATE_RE.search(url or "")
    if match is None:
        return None
    try:
        return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


# --- the truth, from the expected text --------------------------------------------------------


def derive_truth(page: Page) -> Truth | None:
    for paragraph in page.paragraphs:
        truth = _agency_truth(paragraph, page) or _house_truth(paragraph, page)
        if truth is not None:
            return truth
    if page.hint == "Anadolu" and len(page.paragraphs) > 1:
        place = page.paragraphs[1]
        if len(place.split()) <= ANADOLU_PLACE_WORDS and not re.search(r"[^\w\s]", place):
            return Truth("Anadolu place", place, "Anadolu", place, None, True)
    return None


def _agency_truth(paragraph: str, page: Page) -> Truth | None:
    window = paragraph[:TRUTH_AGENCY_WINDOW]
    hits = [(window.find(f"({name})"), canonical) for name, canonical in TRUTH_AGENCIES.items()]
    hits.append((window.find("/TASS/"), "TASS"))
    found = [(position, agency) for position, agency in hits if position >= 0]
    if not found:
        other = OTHER_CREDIT_RE.match(paragraph)
        if other is None:
            return None
        location, date, checked = _place_and_date(other["head"], page)
        return Truth("other credit", paragraph, other["credit"], location, date, checked)
    position, agency = min(found)
    location, date, checked = _place_and_date(paragraph[:position], page)
    return Truth("agency", paragraph, agency, location, date, checked)


def _house_truth(paragraph: str, page: Page) -> Truth | None:
    cuts = [(cut, sep) for sep in HOUSE_SEPARATORS if (cut := paragraph.find(sep)) > 0]
    if not cuts or min(cuts)[0] > TRUTH_HOUSE_WINDOW:
        return None
    cut, separator = min(cuts)
    city = paragraph[:cut].split(",")[0]
    if any(c.islower() or c.isdigit() for c in city) or not any(c.isalpha() for c in city):
        return None
    if city.startswith("DEAR "):
        return None
    location, date, checked = _place_and_date(paragraph[:cut], page)
    kind = "house (colon)" if separator == COLON else "house"
    return Truth(kind, paragraph, None, location, date, checked)


def _place_and_date(head: str, page: Page) -> tuple[str | None, str | None, bool]:
    """(location, ISO date, whether the date is checkable) from the text before the agency."""
    segments = [s.strip() for s in head.replace("\xa0", " ").split(",")]
    month = day = year = None
    while segments and (parts := _date_parts(segments[-1])):
        segments.pop()
        year = parts.get("year", year)
        month, day = parts.get("month", month), parts.get("day", day)
    location = ", ".join(s for s in segments if s) or None
    if month is None or day is None:
        return location, None, True
    if year is None and page.published is None:
        return location, None, False
    try:
        if year is not None:
            return location, datetime.date(year, month, day).isoformat(), True
        dated = datetime.date(page.published.year, month, day)
        if (dated - page.published).days > LATE_DATELINE_DAYS:
            dated = dated.replace(year=dated.year - 1)
    except ValueError:
        return location, None, True
    return location, dated.isoformat(), True


def _date_parts(segment: str) -> dict[str, int]:
    """{"month", "day"} of "March 7"/"10 abr"/"January 21.", {"year"} of "2018", else {}."""
    words = WORD_RE.findall(segment)
    if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4:
        return {"year": int(words[0])}
    months = [MONTH_NUMBERS[w.lower()[:3]] for w in words if w.lower()[:3] in MONTH_NUMBERS]
    days = [int(w) for w in words if w.isdigit() and len(w) <= 2]
    if len(words) == 2 and len(months) == 1 and len(days) == 1:
        return {"month": months[0], "day": days[0]}
    return {}


# --- newscrawl's side and the comparison ------------------------------------------------------


def run_newscrawl(page: Page) -> tuple[Extracted | None, Dateline | None]:
    extracted = extract(page.html, page.url, agency_and_rules(page.url)[1])
    if extracted is None:
        return None, None
    dates = (_iso_date(extracted.published), _iso_date(extracted.modified), page.crawled)
    references = list(dict.fromkeys(date for date in dates if date is not None))
    reading = read_dateline(
        extracted.text,
        references[0] if references else None,
        agency_hint=page.hint,
        title=extracted.title,
        element=extracted.dateline_element,
        fallback_references=references[1:],
    )
    return extracted, reading.dateline


def compare(truth: Truth, extracted: Extracted | None, dateline: Dateline | None) -> str | None:
    """None when newscrawl got agency, location and date right, else why not."""
    if extracted is None:
        return "extraction returned no text"
    if dateline is None:
        return _why_none(truth, extracted)
    wrong = [
        f"{field} {got!r} (truth {want!r})"
        for field, got, want in (
            ("agency", dateline.agency, truth.agency),
            ("location", dateline.location, truth.location),
            ("date", dateline.date, truth.date if truth.date_checked else dateline.date),
        )
        if got != want
    ]
    return "; ".join(wrong) or None


def _why_none(truth: Truth, extracted: Extracted) -> str:
    if truth.kind == "house (colon)":
        return "a colon never ends a house dateline (refused on purpose, see newscrawl.datelines)"
    lines = [line.strip() for line in extracted.text.split("\n") if line.strip()]
    opening = truth.paragraph[:OPENING_CHARS]
    where = next((i for i, line in enumerate(lines) if line.startswith(opening)), None)
    if where is None:
        return "the dateline paragraph is not in the extracted text"
    if where == 0:
        return f"no dateline found in {_snippet(lines[0])}"
    first = (
        "the page's headline, repeated by extraction"
        if _same_words(lines[0], extracted.title)
        else _snippet(lines[0])
    )
    return f"the dateline paragraph is line {where + 1} of the extracted text; line 1 is {first}"


def _same_words(line: str, title: str | None) -> bool:
    return title is not None and WORD_RE.findall(line.lower()) == WORD_RE.findall(title.lower())


def _fields(truth: Truth | None) -> str:
    if truth is None:
        return "no dateline"
    date = truth.date if truth.date_checked else "(not checkable)"
    return f"{truth.kind}: {truth.agency}, {truth.location!r}, {date}"


def _snippet(text: str) -> str:
    return repr(text if len(text) <= SNIPPET else text[:SNIPPET] + "…")


def print_report(
    tallies: dict[str, Tally],
    by_kind: Counter[tuple[str, bool]],
    misses: list[tuple[Page, Truth, Dateline | None, str]],
    false_positives: list[tuple[Page, Dateline]],
    unchecked: list[str],
) -> None:
    print("datelines: newscrawl.extraction + newscrawl.datelines vs truth from the expected text")
    print(f"{'set':<18}{'pages':>6}{'with dateline':>15}{'parsed right':>14}{'missed':>8}")
    rows = [(name, tallies[name]) for name in SETS]
    rows.append(
        (
            " + ".join(WIRE_SETS),
            Tally(
                sum(tallies[name].pages for name in WIRE_SETS),
                sum(tallies[name].with_dateline for name in WIRE_SETS),
                sum(tallies[name].right for name in WIRE_SETS),
            ),
        )
    )
    for name, t in rows:
        missed = t.with_dateline - t.right
        print(f"{name:<18}{t.pages:>6}{t.with_dateline:>15}{t.right:>14}{missed:>8}")
    print(f"false positives (dateline found, truth has none): {len(false_positives)}")
    kinds = sorted({kind for kind, _ in by_kind})
    totals = {kind: by_kind[kind, True] + by_kind[kind, False] for kind in kinds}
    print(
        "right, by agency or kind: "
        + ", ".join(f"{k} {by_kind[k, True]}/{totals[k]}" for k in kinds)
    )
    if unchecked:
        print(f"right, date not checkable (no year in the eval data): {', '.join(unchecked)}")
    for page, truth, dateline, problem in misses:
        print(f"MISS [{page.set_name}] {page.page_id}: {problem}")
        print(f"     truth {_fields(truth)}; got {dateline}")
    for page, dateline in false_positives:
        print(f"FALSE POSITIVE [{page.set_name}] {page.page_id}: {dateline}")


if __name__ == "__main__":
    sys.exit(main())
