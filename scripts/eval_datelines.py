"""Measure dateline parsing on the real wire pages of ../shared/eval.

Usage: python scripts/eval_datelines.py --eval-dir ../shared/eval

Pages (formats in ../shared/eval/README.md):
  aeb     all 181 pages; the expected `articleBody` decides which open with a dateline, so the
          pages without one measure false positives.
  fundus  the wire publishers' pages (FUNDUS_PUBLISHERS); the expected body is summary + section
          headlines + paragraphs of the page's parser version (a publisher's pages sorted by date
          map one to one onto its version keys sorted by version).

newscrawl's side is the real pipeline: `newscrawl.extraction.extract(html, url, rules)` (with
the source's rules when the host belongs to a source), then `find_dateline` on its text, with the
reference date the dateline pipeline uses (published, else modified, else crawl time: fundus's
crawl_date; aeb has none) and the agency hint of the page's source (the source's agency for a
source's host; for fundus, the publisher's own agency, so AnadoluAjansi pages are read as an
Anadolu source would read them).

The truth is derived here from the expected text, never from newscrawl.datelines, and it is not
stored anywhere: it is recomputed from ../shared/eval on every run. The rules are deliberately
simple string rules, easy to audit by eye against the printed list:
  agency   the earliest "(NAME)" (or "/TASS/") of a fixed agency table within the first
           TRUTH_AGENCY_WINDOW characters of the dateline paragraph; no check of what precedes it.
  location the text before the agency, cut into comma segments, minus trailing segments that are
           a date ("March 7", "10 abr", "2018"); None when nothing is left.
  date     month and day from that date segment; the year printed there, else the year of the
           page's publishing date (fundus `publishing_date`, or a date in the URL), one less when
           that would put the dateline more than a month after publication; not checked when the
           page has neither.
  house    no agency: the paragraph opens with capitals (no lower-case letter, no digit) up to the
           first comma or separator (" — ", " – ", " -- ", ": "), within TRUTH_HOUSE_WINDOW
           characters; the location and date are read as above.
  Anadolu  on an Anadolu page, a first body paragraph of at most three words without any
           punctuation is the place-alone dateline.
The dateline paragraph is the expected text's first paragraph or, when the page has a summary
(standfirst), the first body paragraph after it: extraction may keep or drop a standfirst, and
the dateline belongs to the body either way. What this cannot see: a dateline form the rules above
do not know is counted as "no dateline" (it shows up as a false positive if newscrawl finds it),
and both sides were written by the same person, so a shared misreading of a format would pass.
Every truth is printed next to newscrawl's answer for each miss, so it can be checked by eye.

Exits 2 when the eval folder is missing; otherwise 0 (it reports, it does not gate).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.cleanup import CleanupRules
from newscrawl.datelines import Dateline, find_dateline
from newscrawl.extraction import extract
from newscrawl.sources import SOURCES

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
# Printed agency names the truth knows, with their canonical names.
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
TRUTH_AGENCY_WINDOW = 100  # a dateline's agency sits within its first hundred characters
TRUTH_HOUSE_WINDOW = 60  # a house dateline's place and date fit in sixty characters
HOUSE_SEPARATORS = (" — ", " – ", " -- ", ": ")
ANADOLU_PLACE_WORDS = 3  # "Ankara", "Washington DC", "Sao Paulo"
LATE_DATELINE_DAYS = 31  # a dateline dated later than this after publication is last year's
SNIPPET = 70  # characters of page text shown per miss
# Months by their first three letters, English and Spanish (EFE's "10 abr").
MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MONTH_NUMBERS = {name: i for months in (MONTHS_EN, MONTHS_ES) for i, name in enumerate(months, 1)}
URL_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d\d)[/-](?P<m>\d\d)[/-](?P<d>\d\d)")
WORD_RE = re.compile(r"[^\W\d_]+|\d+")


@dataclass
class Page:
    page_id: str
    url: str | None
    html: str
    paragraphs: list[str]  # the dateline paragraph candidates: first, then first after summary
    published: datetime.date | None  # from the eval data (fundus publishing_date, URL date)
    crawled: datetime.date | None
    hint: str | None


@dataclass(frozen=True)
class Truth:
    paragraph: str
    location: str | None
    date: str | None
    date_checked: bool
    agency: str | None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    args = parser.parse_args(argv)
    if not (args.eval_dir / "aeb").is_dir() or not (args.eval_dir / "fundus").is_dir():
        print(
            f"eval_datelines: evaluation data not found at {args.eval_dir} "
            "(expected aeb/ and fundus/ in it; see ../shared/eval/README.md)",
            file=sys.stderr,
        )
        return 2
    sets = {"aeb": load_aeb(args.eval_dir / "aeb"), "fundus": load_fundus(args.eval_dir / "fundus")}
    rows, misses, false_positives, unchecked = [], [], [], []
    by_agency: Counter[tuple[str, bool]] = Counter()
    for set_name, pages in sets.items():
        found = right = 0
        for page in pages:
            truth = derive_truth(page)
            text, dateline = run_newscrawl(page)
            if truth is None:
                if dateline is not None:
                    false_positives.append((page.page_id, dateline))
                continue
            found += 1
            problem = compare(truth, text, dateline)
            agency = truth.agency or "house"
            by_agency[agency, problem is None] += 1
            if problem is None:
                right += 1
                if not truth.date_checked:
                    unchecked.append(page.page_id)
            else:
                misses.append((page.page_id, truth, dateline, problem))
        rows.append((set_name, len(pages), found, right, found - right))
    print_report(rows, by_agency, misses, false_positives, unchecked)
    return 0


def load_aeb(folder: Path) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, record in sorted(truth.items()):
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        url = record["url"]
        paragraphs = [line.strip() for line in record["articleBody"].split("\n") if line.strip()]
        pages.append(
            Page(
                f"aeb/{page_id[:12]}",
                url,
                html.decode("utf-8", errors="replace"),
                paragraphs[:1],
                _url_date(url),
                None,
                _source(url)[0],
            )
        )
    return pages


def load_fundus(folder: Path) -> list[Page]:
    pages = []
    for publisher, hint in FUNDUS_PUBLISHERS.items():
        expected_file = folder / f"{publisher}.json"
        versions = json.loads(expected_file.read_text(encoding="utf-8"))
        meta = json.loads((expected_file.parent / "meta.info").read_text(encoding="utf-8"))
        page_files = sorted(expected_file.parent.glob(f"{expected_file.stem}_*.html.gz"))
        ordered = sorted(versions, key=_version_key)
        for page_file, version in zip(page_files, ordered, strict=True):
            record = versions[version]
            info = meta.get(page_file.name, {})
            summary = [p for p in record["body"].get("summary", []) if p.strip()]
            body = [
                p
                for section in record["body"].get("sections", [])
                for p in section.get("headline", []) + section.get("paragraphs", [])
                if p.strip()
            ]
            paragraphs = (summary[:1] + body[:1]) if summary else body[:1]
            pages.append(
                Page(
                    f"{publisher}_{page_file.name.removesuffix('.html.gz').split('_', 1)[1]}",
                    info.get("url"),
                    gzip.decompress(page_file.read_bytes()).decode("utf-8", errors="replace"),
                    [p.strip() for p in paragraphs],
                    _iso_date(record.get("publishing_date")) or _url_date(info.get("url")),
                    _iso_date(info.get("crawl_date")),
                    hint,
                )
            )
    return pages


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("V").split("_"))


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


def _source(url: str | None) -> tuple[str | None, CleanupRules | None]:
    host = urlsplit(url or "").hostname or ""
    for source in SOURCES.values():
        if host in source.allowed_domains:
            return source.agency, source.rules
    return None, None


# --- the truth, from the expected text ------------------------------------------------------


def derive_truth(page: Page) -> Truth | None:
    for paragraph in page.paragraphs:
        truth = _agency_truth(paragraph, page) or _house_truth(paragraph, page)
        if truth is not None:
            return truth
    if page.hint == "Anadolu" and len(page.paragraphs) > 1:
        place = page.paragraphs[1]
        if len(place.split()) <= ANADOLU_PLACE_WORDS and not re.search(r"[^\w\s]", place):
            return Truth(place, place, None, True, "Anadolu")
    return None


def _agency_truth(paragraph: str, page: Page) -> Truth | None:
    window = paragraph[:TRUTH_AGENCY_WINDOW]
    hits = [(window.find(f"({name})"), name) for name in TRUTH_AGENCIES]
    hits.append((window.find("/TASS/"), "TASS"))
    hits = [(position, name) for position, name in hits if position >= 0]
    if not hits:
        return None
    position, name = min(hits)
    location, date, checked = _place_and_date(paragraph[:position], page)
    return Truth(paragraph, location, date, checked, TRUTH_AGENCIES.get(name, name))


def _house_truth(paragraph: str, page: Page) -> Truth | None:
    cuts = [cut for cut in map(paragraph.find, HOUSE_SEPARATORS) if cut > 0]
    if not cuts or min(cuts) > TRUTH_HOUSE_WINDOW:
        return None
    head = paragraph[: min(cuts)]
    city = head.split(",")[0]
    if any(c.islower() or c.isdigit() for c in city) or not any(c.isalpha() for c in city):
        return None
    location, date, checked = _place_and_date(head, page)
    return Truth(paragraph, location, date, checked, None)


def _place_and_date(head: str, page: Page) -> tuple[str | None, str | None, bool]:
    """(location, ISO date, whether the date can be checked) from the text before the agency."""
    segments = [s.strip() for s in head.replace("\xa0", " ").split(",")]
    month = day = year = None
    while segments and _date_parts(segments[-1]):
        parts = _date_parts(segments.pop())
        year = parts.get("year", year)
        month, day = parts.get("month", month), parts.get("day", day)
    location = ", ".join(s for s in segments if s) or None
    if month is None or day is None:
        return location, None, True
    if year is None and page.published is None:
        return location, None, False
    try:
        if year is None:
            year = page.published.year
            dated = datetime.date(year, month, day)
            if (dated - page.published).days > LATE_DATELINE_DAYS:
                dated = dated.replace(year=year - 1)
        else:
            dated = datetime.date(year, month, day)
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


# --- newscrawl's side -------------------------------------------------------------------------


def run_newscrawl(page: Page) -> tuple[str | None, Dateline | None]:
    extracted = extract(page.html, page.url, _source(page.url)[1])
    if extracted is None:
        return None, None
    reference = _iso_date(extracted.published) or _iso_date(extracted.modified) or page.crawled
    return extracted.text, find_dateline(extracted.text, reference, agency_hint=page.hint)


def compare(truth: Truth, text: str | None, dateline: Dateline | None) -> str | None:
    """None when newscrawl got agency, location and date right, else why not."""
    if text is None:
        return "extraction returned no text"
    if dateline is None:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        opening = truth.paragraph[:25]
        where = next((i for i, line in enumerate(lines) if line.startswith(opening)), None)
        if where is None:
            return "the dateline paragraph is not in the extracted text"
        if where > 0:
            return (
                f"the dateline paragraph is line {where + 1} of the extracted text; "
                f"line 1 is {_snippet(lines[0])}"
            )
        return f"no dateline found in {_snippet(lines[0])}"
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


def _snippet(text: str) -> str:
    return repr(text if len(text) <= SNIPPET else text[:SNIPPET] + "…")


def print_report(
    rows: list[tuple[str, int, int, int, int]],
    by_agency: Counter[tuple[str, bool]],
    misses: list[tuple[str, Truth, Dateline | None, str]],
    false_positives: list[tuple[str, Dateline]],
    unchecked: list[str],
) -> None:
    print("datelines: newscrawl.extraction + newscrawl.datelines vs truth from the expected text")
    print(f"{'set':<8}{'pages':>7}{'with dateline':>15}{'parsed right':>14}{'missed':>8}")
    totals = [0, 0, 0, 0]
    for set_name, *counts in rows:
        print(f"{set_name:<8}{counts[0]:>7}{counts[1]:>15}{counts[2]:>14}{counts[3]:>8}")
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
    print(f"{'all':<8}{totals[0]:>7}{totals[1]:>15}{totals[2]:>14}{totals[3]:>8}")
    print(f"false positives (dateline found, truth has none): {len(false_positives)}")
    agencies = sorted({agency for agency, _ in by_agency})
    print(
        "by agency: "
        + ", ".join(
            f"{a} {by_agency[a, True]}/{by_agency[a, True] + by_agency[a, False]}" for a in agencies
        )
    )
    if unchecked:
        print(f"right, date not checkable (no year in the eval data): {', '.join(unchecked)}")
    for page_id, truth, dateline, problem in misses:
        print(f"MISS {page_id}: {problem}")
        print(f"     truth {truth.agency}, {truth.location!r}, {truth.date}; got {dateline}")
    for page_id, dateline in false_positives:
        print(f"FALSE POSITIVE {page_id}: {dateline}")


if __name__ == "__main__":
    sys.exit(main())
