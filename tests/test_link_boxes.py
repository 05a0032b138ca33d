"""Boxes of linked headlines are removed before extraction; prose with links stays."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from newscrawl.extraction import extract
from newscrawl.link_boxes import _letters, drop_link_boxes

BODY = (
    "<p>The harbour board approved the ferry plan on Monday after a long debate about the cost "
    "of the new pier, which the city will share with the regional government.</p>"
    "<p>Work on the pier starts in the spring, the board said, and the first ferries should "
    "sail the following summer if the builders keep to the schedule they agreed.</p>"
)


def test_a_numbered_box_of_headlines_in_the_column_is_removed() -> None:
    page = (
        f"<html><body><article><h1>Ferry plan approved</h1>{BODY}"
        "<p><strong>Ferries: all the coverage...</strong><br><br>"
        "1. <a href='/a'>Board delays the ferry vote again</a><br>"
        "2. <a href='/b'>Ferry fares to rise next year</a><br>"
        "3. <a href='/c'>Poll: should the city buy the ferries?</a></p>"
        "<p>The board meets again in June.</p></article></body></html>"
    )
    extracted = extract(page, "https://paper.example/ferry")
    assert extracted is not None
    assert "all the coverage" not in extracted.text and "fares to rise" not in extracted.text
    assert extracted.text.endswith("The board meets again in June.")
    assert "generic:link-box" in extracted.rules_fired


def test_prose_with_links_and_short_link_lists_stay() -> None:
    tree = fromstring(
        "<div><p>The <a href='/a'>harbour board</a> met the <a href='/b'>city council</a> and "
        "the <a href='/c'>regional government</a> about the ferry.</p>"
        "<ul><li><a href='/d'>Home</a></li><li><a href='/e'>News</a></li></ul>"
        "<p><a href='/f'>Board delays the ferry vote</a></p></div>"
    )
    assert not drop_link_boxes(tree)
    assert "regional government" in tree.text_content() and "Home" in tree.text_content()


def test_a_list_of_related_headlines_is_removed() -> None:
    tree = fromstring(
        "<div><p>Body.</p><h3>Related</h3><ul><li><a href='/a'>Board delays the ferry vote</a>"
        "</li><li><a href='/b'>Ferry fares to rise next year</a></li></ul></div>"
    )
    assert drop_link_boxes(tree)
    assert tree.text_content() == "Body.Related"


def test_a_table_of_dated_headlines_is_removed_and_a_table_of_figures_stays() -> None:
    headlines = "".join(
        f"<tr><td>1/2025</td><td><a href='/{n}'>{title}</a></td></tr>"
        for n, title in enumerate(
            ["Board delays the ferry vote", "Ferry fares to rise next year", "A new pier opens"]
        )
    )
    figures = (
        "<table><tr><th>Route</th><th>Fare</th></tr>"
        "<tr><td><a href='/r1'>North harbour line</a></td>"
        "<td>4.50 for adults, 2 for children</td></tr>"
        "<tr><td><a href='/r2'>South bay line</a></td>"
        "<td>3 for adults and free for children</td></tr>"
        "</table>"
    )
    page = (
        f"<html><body><article><h1>Ferry plan approved</h1>{BODY}{figures}"
        f"<p>Other stories</p><table>{headlines}</table></article></body></html>"
    )
    extracted = extract(page, "https://paper.example/ferry")
    assert extracted is not None
    assert "fares to rise" not in extracted.text and "A new pier opens" not in extracted.text
    assert "North harbour line" in extracted.text and "free for children" in extracted.text
    assert "generic:link-box" in extracted.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Related: 3 stories, 2024!",
        "Caf\u00e9 r\u00e9ouvert \u2014 \u4e0a\u6d77 2\u00bd",
        "\x00\t_^`{~" * 9,
    ],
)
def test_letters_are_counted_as_str_isalpha_counts_them(text: str) -> None:
    assert _letters(text) == sum(character.isalpha() for character in text)
