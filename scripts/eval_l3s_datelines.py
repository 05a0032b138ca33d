"""Datelines on the l3s pages (../shared/eval/l3s/), scored per tier as its README says.

The crawl's own code runs in process on every labelled record of `pages.warc.gz`:
`newscrawl.archives.read_archive`, `newscrawl.pagereader.read_page` on the record body with its
content type and URL (and the rules of the source that serves the host, if any), then
`newscrawl.dateline_lead.read_dateline` as the dateline stage calls it, with the reference date
the stage uses (published, else modified, else the record's WARC-Date).

Scoring (l3s/README.md): `agency` casefolded and without punctuation, through the usual aliases
and `agency_alt`; `location` without case or punctuation, or one of `location_alt`; the MM-DD of
`date` equal to `month_day` (or one of `month_day_alt`; null when it is null). All fields exact
counts as right. A negative (null label) is right only when the record exists and has no
dateline. Tiers: core, other, separate, negatives.

Beside newscrawl, a baseline: one regular expression on the first lines of the same text.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newscrawl.archives import ArchivedPage, read_archive
from newscrawl.dateline_lead import read_dateline
from newscrawl.datelines import Dateline
from newscrawl.pagereader import read_page
from newscrawl.reading import Reading
from scripts.evaldata import agency_and_rules

TIERS = ("core", "other", "separate", "negatives")
# Spellings the labels and the records may use for the same agency (compared after _key).
ALIASES = {
    "associatedpress": "ap",
    "theassociatedpress": "ap",
    "agencefrancepresse": "afp",
    "unitedpressinternational": "upi",
    "deutschepresseagentur": "dpa",
    "xinhuanewsagency": "xinhua",
    "presstrustofindia": "pti",
    "indoasiannewsservice": "ians",
    "bloombergnews": "bloomberg",
}
BASELINE_LINES = 5  # the baseline reads this many first non-empty lines
# The baseline: an optional place, an optional month-day, a parenthesised credit, a dash.
BASELINE_RE = re.compile(
    r"^(?:(?P<place>[A-Z][^()\n,]{0,40}(?:,[^()\n,]{1,30})?)?,?\s*"
    r"(?P<month>[A-Z][a-z]{2,8})?\.?\s*(?P<day>\d{1,2})?\s*)\((?P<agency>[A-Za-z][\w .!-]{0,30})\)"
    r"\s*(?:--|-|—|–|―|_|:)"
)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class Outcome:
    url: str
    tier: str
    label: dict | None
    got: Dateline | None
    baseline: Dateline | None
    has_record: bool


def run(folder: Path) -> list[Outcome]:
    labels = json.loads((folder / "datelines.json").read_text(encoding="utf-8"))["entries"]
    outcomes = []
    for record in _records(folder / "pages.warc.gz", set(labels)):
        label = labels[record.url]
        tier = label["tier"] if label else "negatives"
        got = baseline = None
        has_record = False
        agency, rules = agency_and_rules(record.url)
        reading = read_page(record.body, record.headers.get("content-type"), record.url, rules)
        if isinstance(reading, Reading):
            has_record = True
            extracted = reading.extracted
            references = _references(extracted.published, extracted.modified, record.fetched_at)
            reference = references[0] if references else None
            got = read_dateline(
                extracted.text,
                reference,
                agency_hint=agency,
                title=extracted.title,
                element=getattr(extracted, "dateline_element", None),
                fallback_references=references[1:],
            ).dateline
            baseline = baseline_dateline(extracted.text, reference)
        outcomes.append(Outcome(record.url, tier, label, got, baseline, has_record))
    return outcomes


def _records(path: Path, urls: set[str]) -> Iterator[ArchivedPage]:
    with path.open("rb") as stream:
        for record in read_archive(stream):
            if isinstance(record, ArchivedPage) and record.url in urls:
                yield record


def _references(*values: str | None) -> list[datetime.date]:
    """The dates among `values`, in order and without repeats (as the dateline stage has them)."""
    found = []
    for value in values:
        if not value:
            continue
        try:
            found.append(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date())
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def baseline_dateline(text: str, reference: datetime.date | None) -> Dateline | None:
    lines = [line.strip(" |") for line in text.split("\n") if line.strip(" |")]
    for line in lines[:BASELINE_LINES]:
        match = BASELINE_RE.match(line)
        if match is None:
            continue
        date = None
        month = (match["month"] or "").lower()[:3]
        if month in MONTHS and match["day"] and reference is not None:
            date = f"{reference.year}-{MONTHS.index(month) + 1:02d}-{int(match['day']):02d}"
        place = (match["place"] or "").strip() or None
        return Dateline(match[0], place, date, match["agency"].strip())
    return None


def right(label: dict | None, got: Dateline | None, has_record: bool) -> bool:
    """All fields exact, as l3s/README.md scores it."""
    if label is None:
        return has_record and got is None
    if got is None:
        return False
    agencies = {_agency_key(a) for a in [label["agency"], *label.get("agency_alt", [])]}
    locations = {_key(loc) for loc in [label["location"], *label.get("location_alt", [])]}
    days = {label["month_day"], *label.get("month_day_alt", [])}
    month_day = got.date[5:10] if got.date else None
    return (
        _agency_key(got.agency) in agencies
        and _key(got.location) in locations
        and month_day in days
    )


def _key(value: str | None) -> str | None:
    return None if value is None else re.sub(r"[\W_]+", "", value.casefold())


def _agency_key(value: str | None) -> str | None:
    key = _key(value)
    return ALIASES.get(key, key) if key is not None else None


def report(outcomes: list[Outcome], show: Callable[[str], None] = print) -> None:
    show("l3s datelines, all fields exact (newscrawl vs a first-lines regex), per tier:")
    show(f"{'tier':<12}{'pages':>6}{'newscrawl':>12}{'regex':>10}")
    for tier in TIERS:
        rows = [o for o in outcomes if o.tier == tier]
        ours = sum(right(o.label, o.got, o.has_record) for o in rows)
        theirs = sum(right(o.label, o.baseline, o.has_record) for o in rows)
        show(f"{tier:<12}{len(rows):>6}{_rate(ours, len(rows)):>12}{_rate(theirs, len(rows)):>10}")
    false = [o for o in outcomes if o.label is None and o.got is not None]
    show(f"l3s false datelines on the negatives: {len(false)}")


def misses(outcomes: list[Outcome]) -> list[str]:
    return [
        f"L3S MISS [{o.tier}] {o.url}: label {o.label and o.label['raw']!r}; got {o.got}"
        for o in outcomes
        if not right(o.label, o.got, o.has_record)
    ]


def _rate(count: int, total: int) -> str:
    return f"{count}/{total} {100 * count / total:.0f}%" if total else "-"
