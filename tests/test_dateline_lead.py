"""Tests of newscrawl.dateline_lead: the dateline past bylines, timestamps, labels and debris.

Every case is an invented lead, shaped like the page chrome syndicating sites leave above a
wire story; one case per rule family at least, each failing without its rule.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.dateline_lead import (
    MAX_LEAD_LINES,
    find_lead_dateline,
    lead_kind,
    read_dateline,
)
from newscrawl.items import Article
from newscrawl.pipelines import reference_dates
from tests.test_datelines import prose

REFERENCE = datetime.date(2024, 3, 7)


class LeadCase(NamedTuple):
    text: str
    raw: str | None  # None: no dateline in the lead
    location: str | None = None
    agency: str | None = None
    skipped: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    body: str = "The council voted."  # what `text` starts with afterwards
    title: str | None = None


BODY = "The council voted."
LEAD_CASES = [
    # bylines, on their own lines and with a writer's title
    LeadCase(
        f"By JANE ROE\nAssociated Press Writer\nTULSA, Okla. (AP) -- {BODY}",
        "TULSA, Okla. (AP) --",
        "TULSA, Okla.",
        "AP",
        ("byline", "byline"),
        ("JANE ROE",),
    ),
    LeadCase(
        f"By SAM POE and ANN LEE AP Sports Writer\nDENVER (AP) — {BODY}",
        "DENVER (AP) —",
        "DENVER",
        "AP",
        ("byline",),
        ("SAM POE", "ANN LEE"),
    ),
    LeadCase(
        f"AP Sports Writer\nDENVER (AP) — {BODY}", "DENVER (AP) —", "DENVER", "AP", ("byline",)
    ),
    # timestamps
    LeadCase(
        f"Associated Press - March 3, 2024 9:15 AM ET\nGENEVA (AP) - {BODY}",
        "GENEVA (AP) -",
        "GENEVA",
        "AP",
        ("timestamp",),
    ),
    LeadCase(
        f"2024-03-06 11:20:45 -\nGENEVA (AP) -{BODY}",
        "GENEVA (AP) -",
        "GENEVA",
        "AP",
        ("timestamp",),
    ),
    LeadCase(
        f"Posted: Monday Mar 4, 2024 8:02 PM\nOSLO (Reuters) - {BODY}",
        "OSLO (Reuters) -",
        "OSLO",
        "Reuters",
        ("timestamp",),
    ),
    LeadCase(
        f"4:12 PM\nOSLO (Reuters) - {BODY}", "OSLO (Reuters) -", "OSLO", "Reuters", ("timestamp",)
    ),
    # the agency's name alone
    LeadCase(
        f"Reuters\nOSLO (Reuters) - {BODY}",
        "OSLO (Reuters) -",
        "OSLO",
        "Reuters",
        ("agency-label",),
    ),
    LeadCase(
        f"- Reuters\n-  Wednesday March 6 2024\nOSLO, March 6 (Reuters) - {BODY}",
        "OSLO, March 6 (Reuters) -",
        "OSLO",
        "Reuters",
        ("agency-label", "timestamp"),
    ),
    # the headline repeated, a kicker
    LeadCase(
        f"Council backs the harbour plan.\nOSLO (Reuters) - {BODY}",
        "OSLO (Reuters) -",
        "OSLO",
        "Reuters",
        ("headline",),
        title="Council backs the harbour plan",
    ),
    LeadCase(
        f"Harbour plan wins backing\nOSLO (Reuters) - {BODY}",
        "OSLO (Reuters) -",
        "OSLO",
        "Reuters",
        ("kicker",),
    ),
    # table debris, and a dateline inside a table row
    LeadCase(
        f"|  |  |\n|  |\nOSLO (AFP) - {BODY}", "OSLO (AFP) -", "OSLO", "AFP", ("table-debris",) * 2
    ),
    LeadCase(
        f"| Home | World | Sports |\n| OSLO, Norway (AFP): {BODY}",
        "OSLO, Norway (AFP):",
        "OSLO, Norway",
        "AFP",
        ("table-debris",),
    ),
    # a dateline inside a line, after a border, a gap, a byline and a dash, or a place and a dash
    LeadCase(
        f"News | Written by: AFP | CAIRO, Egypt (AFP) - {BODY}",
        "CAIRO, Egypt (AFP) -",
        "CAIRO, Egypt",
        "AFP",
        ("kicker", "kicker"),
    ),
    LeadCase(
        f"Harbour plan wins backing  OSLO, March 6 (Reuters) - {BODY}",
        "OSLO, March 6 (Reuters) -",
        "OSLO",
        "Reuters",
        ("kicker",),
    ),
    LeadCase(
        f"By Ann Lee, Senior NHL Editor -- (Sports Network) - {BODY}",
        "(Sports Network) -",
        None,
        "Sports Network",
        ("byline",),
        ("Ann Lee",),
    ),
    LeadCase(
        f"Tampa, FL -- Tampa, FL (Sports Network) - {BODY}",
        "Tampa, FL (Sports Network) -",
        "Tampa, FL",
        "Sports Network",
        ("place",),
    ),
    LeadCase(
        f"Blues top Stars 03/06/2024 - By Ann Lee Contributing Writer ST. LOUIS (Ticker) -- {BODY}",
        "ST. LOUIS (Ticker) --",
        "ST. LOUIS",
        "Ticker",
        ("kicker", "byline"),
        ("Ann Lee",),
    ),
    LeadCase(
        f"Harbour plan (Update2)\t\tBy Ann Lee March 6 (Bloomberg) -- {BODY}",
        "By Ann Lee March 6 (Bloomberg) --",
        None,
        "Bloomberg",
        ("kicker",),
        ("Ann Lee",),
    ),
    LeadCase(
        f"Video \\| Photos OSLO (Reuters) - {BODY}",
        "OSLO (Reuters) -",
        "OSLO",
        "Reuters",
        ("kicker", "kicker"),
    ),
    LeadCase(
        f"5 hurt in harbour fire 06/03/2024 OSLO, Norway, (AP) - {BODY}",
        "OSLO, Norway, (AP) -",
        "OSLO, Norway",
        "AP",
        ("kicker",),
    ),
    # the first paragraph's dateline, as find_dateline reads it
    LeadCase(f"OSLO (Reuters) - {BODY}", "OSLO (Reuters) -", "OSLO", "Reuters"),
]
LEAD_NEGATIVES = [
    # prose before the dateline: the search stops at the first line that is no lead
    LeadCase(f"The council met on Tuesday.\nOSLO (Reuters) - {BODY}", None),
    LeadCase(f"Officials said the plan would pass, and it did.\nOSLO (AP) — {BODY}", None),
    # a house dateline beyond the first paragraph is not taken
    LeadCase(f"By JANE ROE\nOSLO — {BODY}", None),
    # inside a run of prose words
    LeadCase("Lawmakers in OSLO (AP) — debated the bill.", None),
    LeadCase("Officials said in Oslo (AP) — Biden left.", None),
    LeadCase("Officials said — NATO (AP) — Biden left.", None),
    LeadCase("Talks went on and on — Oslo (Sports Network) - The team won.", None),
    LeadCase(f"Harbour plan wins backing OSLO (Reuters) - {BODY.lower()}", None),
    # a comma splits a place, never a lead from a dateline
    LeadCase(
        f"Tampa,  FL (Sports Network) - {BODY}",
        "Tampa,  FL (Sports Network) -",
        "Tampa, FL",
        "Sports Network",
    ),
    LeadCase("By JANE ROE\nAssociated Press Writer\nThe council voted.", None),
    LeadCase("", None),
    # a photographer's credit alone on a line is no dateline; a place in capitals is
    LeadCase(f"Harbour at dawn\nJane Roe (Reuters)\n{BODY}", None),
    LeadCase(
        f"Harbour at dawn\nBERGEN, Norway (AFP)\n{BODY}",
        "BERGEN, Norway (AFP)",
        "BERGEN, Norway",
        "AFP",
        ("kicker",),
    ),
    # AP's notes to editors and navigation rows are lead too
    LeadCase(
        f"Eds: UPDATES with arrests.\nBy JANE ROE\nBERGEN, Norway (AP) -- {BODY}",
        "BERGEN, Norway (AP) --",
        "BERGEN, Norway",
        "AP",
        ("editors-note", "byline"),
        ("JANE ROE",),
    ),
    LeadCase(
        f"Forums » NBA - Golf - NFL - College Football - NHL\nBERGEN (AFP) - {BODY}",
        "BERGEN (AFP) -",
        "BERGEN",
        "AFP",
        ("menu",),
    ),
]


def _ids(case: LeadCase) -> str:
    return repr(case.text[:40])


@pytest.mark.parametrize("case", LEAD_CASES + LEAD_NEGATIVES, ids=_ids)
def test_lead_cases(case: LeadCase) -> None:
    lead = find_lead_dateline(case.text, REFERENCE, title=case.title)
    if case.raw is None:
        assert lead is None
        return
    assert lead is not None
    assert (lead.dateline.raw, lead.dateline.location, lead.dateline.agency) == (
        case.raw,
        case.location,
        case.agency,
    )
    assert lead.skipped == case.skipped
    assert lead.authors == case.authors
    assert lead.text.startswith(case.body)
    assert case.raw not in lead.text


def test_the_lead_bound() -> None:
    debris = "|  |  |\n" * (MAX_LEAD_LINES - 1)
    assert find_lead_dateline(f"{debris}OSLO (AFP) - {BODY}", REFERENCE) is not None
    assert find_lead_dateline(f"{debris}|  |\nOSLO (AFP) - {BODY}", REFERENCE) is None


def test_text_after_the_dateline_is_kept_whole() -> None:
    text = f"Reuters\nOSLO (Reuters) - {BODY}\nSecond paragraph.\n\nThird."
    lead = find_lead_dateline(text, REFERENCE)
    assert lead is not None
    assert lead.text == f"{BODY}\nSecond paragraph.\n\nThird."


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("By JANE ROE", "byline"),
        ("AP Sports Writer", "byline"),
        ("By Ann Lee, Senior Political Correspondent", "byline"),
        ("Associated Press - March 3, 2024 9:15 AM ET", "timestamp"),
        ("Jan 18, 2024 10:15 am US/Eastern", "timestamp"),
        ("12-30-2023, 02h53", "timestamp"),
        ("Published: Monday, January 14, 2024", "timestamp"),
        ("The Associated Press", "agency-label"),
        ("- Reuters", "agency-label"),
        ("|  |  |", "table-debris"),
        ("| Home | World | Sports |", "table-debris"),
        ("Harbour plan wins backing", "kicker"),
        ("Eds: AMs. UPDATES with arrests.", "editors-note"),
        ("Home -- News -- Sports -- Weather -- Local", "menu"),
        ("He ran - and ran - and ran - and won the race today.", None),
        ("The council met on Tuesday.", None),
        ("By the end of the day, the council had voted.", None),
        ("| The council met. | It voted. |", None),
        ("March 6 was a cold day for the council.", None),
    ],
)
def test_lead_kind(line: str, kind: str | None) -> None:
    assert lead_kind(line) == kind


def test_read_dateline_counts_what_it_removed() -> None:
    reading = read_dateline(f"By JANE ROE\n4:12 PM\nOSLO (Reuters) - {BODY}", REFERENCE)
    assert reading.text == BODY
    assert reading.dateline is not None and reading.dateline.agency == "Reuters"
    assert reading.rules == ["dateline:lead-byline", "dateline:lead-timestamp"]
    assert reading.authors == ("JANE ROE",)


def test_read_dateline_falls_back_to_the_dateline_element() -> None:
    reading = read_dateline(BODY, REFERENCE, element="BUFFALO, New York (AFP)")
    assert reading.text == BODY
    assert reading.dateline is not None
    assert reading.dateline.raw == "BUFFALO, New York (AFP)"
    assert (reading.dateline.location, reading.dateline.agency) == ("BUFFALO, New York", "AFP")
    assert reading.rules == ["dateline:element"]


@pytest.mark.parametrize(
    "element", ["Harbour plan wins backing", "BUFFALO, New York", "OSLO (AFP) - The team won."]
)
def test_an_element_that_is_no_dateline_is_ignored(element: str) -> None:
    reading = read_dateline(BODY, REFERENCE, element=element)
    assert reading.dateline is None
    assert reading.rules == []


def test_the_text_dateline_wins_over_the_element() -> None:
    reading = read_dateline(f"OSLO (Reuters) - {BODY}", REFERENCE, element="BERGEN (AFP)")
    assert reading.dateline is not None and reading.dateline.location == "OSLO"


# --- the wider search keeps the prose property --------------------------------------------------

LEAD_LINES = ["By JANE ROE", "4:12 PM", "Reuters", "|  |  |", "Harbour plan wins backing", ""]


@settings(max_examples=150, deadline=None)
@given(
    lead=st.lists(st.sampled_from(LEAD_LINES), max_size=4),
    paragraphs=st.lists(prose(), min_size=1, max_size=4),
    joiner=st.sampled_from(["\n", " | ", "  ", " — "]),
)
def test_prose_after_any_lead_never_yields_a_dateline(
    lead: list[str], paragraphs: list[str], joiner: str
) -> None:
    text = "\n".join(lead) + "\n" + joiner.join(paragraphs)
    assert find_lead_dateline(text, REFERENCE, agency_hint="AP") is None


def test_a_stale_declared_date_gives_way_to_the_crawl_time() -> None:
    """A page that declares a years-old date (a template's) still gets its dateline's date."""
    article = Article(
        text="Jan. 11 (Bloomberg) -- Copper rose for a third day.",
        published="2005-06-01T00:00:00+00:00",
        modified="2005-06-01T09:00:00+00:00",
        crawled_at="2008-01-12T08:30:00+00:00",
    )
    references = reference_dates(article)
    assert references == [datetime.date(2005, 6, 1), datetime.date(2008, 1, 12)]
    reading = read_dateline(article.text, references[0], fallback_references=references[1:])
    assert reading.dateline is not None
    assert (reading.dateline.agency, reading.dateline.date) == ("Bloomberg", "2008-01-11")
    assert reading.text == "Copper rose for a third day."
    undated = read_dateline(
        "HAYWARD, Calif. (AP) — Police said.", references[0], fallback_references=references[1:]
    )
    assert undated.dateline is not None and undated.dateline.date is None


def test_a_sentence_ending_in_a_credit_is_no_dateline() -> None:
    """Hypothesis found this: mid-line, "NATO (UPI)." ends a sentence; a dateline needs a dash
    or a new sentence after it."""
    text = "\nThe the Washington NATO (UPI)."
    assert find_lead_dateline(text, datetime.date(2024, 3, 7), agency_hint="AP") is None
