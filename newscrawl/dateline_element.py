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
    "//*[contains(local-name(), 'dateline')]"  # the HTML parser lower-cases tag names
    " | //@class[contains(translate(., 'DATELINE', 'dateline'), 'dateline')]/.."
    " | //@id[contains(translate(., 'DATELINE', 'dateline'), 'dateline')]/.."
)
# How "dateline" is spelled in markup that names it (dateline, Dateline, DateLine, DATELINE,
# dateLine); plain substring tests, because a case-blind regex over a whole page costs more than
# the search it would spare.
_NAMED_HINTS = ("ateline", "ateLine", "ATELINE")
# Short blocks whose text could be a whole agency dateline: every agency credit is printed in
# parentheses or between slashes (newscrawl.datelines), and the size limits come first in C so
# that Python sees a few thousand candidates per page set, not hundreds of thousands.
_SHORT_BLOCKS = XPath(
    "(//span | //div | //p | //b | //strong | //td | //em | //font)"
    f"[not(descendant::*[{MAX_ELEMENT_NODES}])]"
    "[contains(., '(') or contains(., '/')]"
    f"[string-length(normalize-space()) <= {MAX_ELEMENT_CHARS}]"
)


def find_dateline_element(tree: HtmlElement, html: str | None = None) -> str | None:
    """The text of the page's first dateline element (see the module docstring), or None.

    Elements named for a dateline come first, then any other short element, in page order.
    `html`, the page's markup when at hand, spares the search for named elements on pages that
    never say "dateline" (most pages: the search is a third of this function's cost).
    """
    named = html is None or any(hint in html for hint in _NAMED_HINTS)
    for candidates in (_NAMED, _SHORT_BLOCKS) if named else (_SHORT_BLOCKS,):
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
