"""Loose sentences beside paragraphs reach the text; short loose bits and other blocks do not."""

from __future__ import annotations

from lxml.html import fromstring

from newscrawl.extraction import extract
from newscrawl.loose_text import wrap_loose_text

LEAD = "A ferry that ran aground off the north pier was towed back to port on Monday night."
REST = (
    "<p>The harbour board said nobody was hurt and that the ferry would be inspected before it "
    "sails again, probably at the end of the week.</p>"
    "<p>Passengers were taken ashore by lifeboat, and the board thanked the volunteers who "
    "crewed the boats through the night.</p>"
)


def test_a_lead_set_loose_before_the_paragraphs_is_kept() -> None:
    page = (
        "<html><body><table><tr><td><h1>Ferry towed back to port</h1>"
        f"<div class='Story'>{LEAD}{REST}</div></td></tr></table></body></html>"
    )
    extracted = extract(page, "https://paper.example/ferry")
    assert extracted is not None
    assert extracted.text.startswith(LEAD)
    assert "generic:loose-text" in extracted.rules_fired


def test_short_loose_text_and_blocks_without_paragraphs_stay_as_they_are() -> None:
    tree = fromstring(
        f"<div><div>Home |<p>One.</p> | Next</div><div><span>{LEAD}</span> {LEAD}</div></div>"
    )
    assert not wrap_loose_text(tree)
