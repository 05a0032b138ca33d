"""The dateline a page prints as an element of its own, before the body text.

Some pages print the dateline apart from the story: a `<span class="dateline">`, a NewsML
`<DateLine>` left in the page, or a small `<div>` above the body holding nothing but "BUFFALO,
New York (AFP)". Extraction then hands over a text that starts with the first sentence, and the
dateline exists only in the page. `find_dateline_element` returns that element's text as
printed (whitespace collapsed); the dateline stage parses it only when the text itself has no
dateline (`newscrawl.dateline_lead.read_dateline`).

Elements are tried in this order: one whose tag, class or id names a dateline ("dateline",
"DateLine", "story-dateline"), else any short element (a span, div, p, cell, bold run). Either
way its whole text must be an agency dateline, place and credit (`element_dateline` accepts it):
a line that is nothing but "PLACE (AGENCY)" is a dateline wherever it stands.

Pure module: no Scrapy import.

>>> from lxml.html import fromstring
>>> find_dateline_element(fromstring(
...     '<div><h1>Rules change</h1><div class="grey">BUFFALO, New York (AFP)</div>'
...     '<p>The league said.</p></div>'))
'BUFFALO, New York (AFP)'
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.dateline_lead import element_dateline

# Longest element text taken for a dateline: a place, a region, a date and a credit.
MAX_ELEMENT_CHARS = 120
# Most nodes an element holding a dateline has (itself, a <b>, a <br>, ...): larger elements are
# containers, and reading their text would cost a walk of the whole page per element.
MAX_ELEMENT_NODES = 6
_NAMED = XPath(
    "//*[contains(translate(local-name(), 'DATELINE', 'dateline'), 'dateline')"
    " or contains(translate(@class, 'DATELINE', 'dateline'), 'dateline')"
    " or contains(translate(@id, 'DATELINE', 'dateline'), 'dateline')]"
)
_SHORT_BLOCKS = XPath("//span | //div | //p | //b | //strong | //td | //em | //font")


def find_dateline_element(tree: HtmlElement) -> str | None:
    """The text of the page's first dateline element (see the module docstring), or None.

    Elements named for a dateline come first, then any other short element, in page order.
    """
    for candidates in (_NAMED, _SHORT_BLOCKS):
        for element in candidates(tree):
            text = _short_text(element)
            if text and element_dateline(text, None) is not None:
                return text
    return None


def _short_text(element: HtmlElement) -> str | None:
    """The element's text, whitespace collapsed, or None when it is too big to be a dateline."""
    parts: list[str] = []
    for count, node in enumerate(element.iter()):
        if count >= MAX_ELEMENT_NODES:
            return None
        if isinstance(node.tag, str):
            parts.append(node.text or "")
        if node is not element:
            parts.append(node.tail or "")
        if sum(map(len, parts)) > MAX_ELEMENT_CHARS * 2:
            return None
    text = " ".join("".join(parts).split())
    return text if 0 < len(text) <= MAX_ELEMENT_CHARS else None
