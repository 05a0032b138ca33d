"""Boxes of links to other stories, removed before trafilatura reads the page.

A story often carries a box of headlines linking to other stories, set in the article column
itself: a paragraph "Vista: all the coverage... 1. <a>headline</a> 2. <a>headline</a> ...", or
"Related Posts:" and two linked headlines. trafilatura judges link density per paragraph only
when a paragraph looks like navigation (short links); linked headlines are long enough to pass,
so the whole box lands in `text`. A paragraph, list or table (a data table: layout tables are
unwrapped before) whose letters are nearly all in links, with at least two links of headline
length, is such a box wherever it stands: story prose links a few words of a sentence, never
nearly all of it.

Pure module: no Scrapy import.

>>> from lxml.html import fromstring
>>> tree = fromstring(
...     "<div><p>Sales rose. <a href='/a'>Analysts</a> had expected less.</p>"
...     "<p><b>Related:</b><br><a href='/b'>Prices fall for a third month</a><br>"
...     "<a href='/c'>Retailers brace for a slow winter</a></p></div>")
>>> drop_link_boxes(tree)
True
>>> tree.text_content()
'Sales rose. Analysts had expected less.'
"""

from __future__ import annotations

import string

from lxml.etree import XPath
from lxml.html import HtmlElement

# Links a box holds at least, each with this many words: headlines, not "Home" or "More".
MIN_BOX_LINKS = 2
MIN_LINK_WORDS = 3
# Share of the block's letters inside its links: a label ("Related:") and numbering may stand
# outside them, a sentence's own words may not.
MIN_LINK_LETTER_SHARE = 0.75
# A block with more text than this is a region of the page, not a box in the column.
MAX_BOX_CHARS = 1500
_CANDIDATES = XPath(
    f"(//p | //ul | //ol | //dl | //table)[count(.//a[@href]) >= {MIN_BOX_LINKS}]"
    f"[string-length(normalize-space()) <= {MAX_BOX_CHARS}]"
)
_LINKS = XPath(".//a[@href]")
_ASCII_LETTERS = string.ascii_letters.encode("ascii")


def drop_link_boxes(tree: HtmlElement) -> bool:
    """Remove every box of linked headlines from `tree`, in place; True when there was one."""
    boxes = [element for element in _CANDIDATES(tree) if is_link_box(element)]
    for box in boxes:
        if box.getparent() is not None:
            box.drop_tree()
    return bool(boxes)


def is_link_box(element: HtmlElement) -> bool:
    """Whether `element`'s text is nearly all linked headlines (see the module docstring)."""
    links = [" ".join(link.text_content().split()) for link in _LINKS(element)]
    headlines = [text for text in links if len(text.split()) >= MIN_LINK_WORDS]
    if len(headlines) < MIN_BOX_LINKS:
        return False
    total = _letters(element.text_content())
    return total > 0 and sum(map(_letters, links)) >= MIN_LINK_LETTER_SHARE * total


def _letters(text: str) -> int:
    """How many characters of `text` are letters (`str.isalpha`)."""
    if text.isascii():  # bytes.translate deletes in C; below 128 only A-Z and a-z are letters
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_LETTERS))
    return sum(map(str.isalpha, text))
