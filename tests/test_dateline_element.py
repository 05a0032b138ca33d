"""Tests of newscrawl.dateline_element: a dateline printed as an element of its own."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from newscrawl.dateline_element import MAX_ELEMENT_NODES, find_dateline_element
from newscrawl.extraction import extract

STORY = "<p>The harbour council voted on Tuesday to build a second pier for the ferries.</p>"


def _page(lead: str) -> str:
    return f"<html><body><h1>Pier plan</h1>{lead}{STORY * 3}</body></html>"


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ('<div class="small">BERGEN, Norway (AFP)</div>', "BERGEN, Norway (AFP)"),
        ('<span class="dateline">OSLO (Reuters)</span>', "OSLO (Reuters)"),
        ("<newsml><dateline>TROMSO (AFP)</dateline></newsml>", "TROMSO (AFP)"),
        ("<p><b>BERGEN,   Norway</b> (AFP)</p>", "BERGEN, Norway (AFP)"),
        ('<div class="grey">12-30-2023, 02h53</div><div>OSLO (AP)</div>', "OSLO (AP)"),
    ],
)
def test_an_element_holding_only_a_dateline_is_found(lead: str, expected: str) -> None:
    assert find_dateline_element(fromstring(_page(lead))) == expected


def test_an_element_named_dateline_comes_first() -> None:
    page = _page('<div>BERGEN (AFP)</div><span class="story-dateline">OSLO (Reuters)</span>')
    assert find_dateline_element(fromstring(page)) == "OSLO (Reuters)"


@pytest.mark.parametrize(
    "lead",
    [
        "",
        '<span class="dateline">BERGEN, Norway</span>',  # no agency: nothing to credit
        '<span class="dateline">Harbour plan wins backing</span>',
        "<p>OSLO (AFP) - The council voted.</p>",  # a paragraph of the story, not an element
        "<div>Photo: Jane Roe (AFP)</div>",  # a caption credit
        "<div>Jane Roe (REUTERS)</div>",  # a photographer's credit, not a place
        "<div>" + "<i>x</i>" * MAX_ELEMENT_NODES + "OSLO (AFP)</div>",  # a container
    ],
)
def test_no_dateline_element(lead: str) -> None:
    assert find_dateline_element(fromstring(_page(lead))) is None


def test_extraction_hands_the_element_over() -> None:
    extracted = extract(_page('<div class="small">BERGEN, Norway (AFP)</div>'))
    assert extracted is not None
    assert extracted.dateline_element == "BERGEN, Norway (AFP)"
