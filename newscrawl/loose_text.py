"""Text set loose in a block beside paragraphs, put into a paragraph of its own.

Older pages often start a story as bare text in a `<div>` and go on in `<p>`s ("<div>A woman
who fled ...<p>Aretha Wilson has ..."). trafilatura reads the `<p>`s of such a block and drops
its bare text, so the record loses the lead paragraph. Wrapping each such run of text (the
block's own text, or the text after one of its children) in a `<p>` lets it be judged as the
paragraphs around it are. Short runs (a separator, a label) stay as they are.

Pure module: no Scrapy import.

>>> from lxml.html import fromstring
>>> tree = fromstring("<div><div>A woman who fled to Canada could be sent back.<p>She is in "
...                   "custody.</p>More on the case is expected on Friday.</div></div>")
>>> wrap_loose_text(tree)
True
>>> [p.text for p in tree.iter("p")]  # doctest: +NORMALIZE_WHITESPACE
['A woman who fled to Canada could be sent back.', 'She is in custody.',
 'More on the case is expected on Friday.']
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

MIN_WORDS = 5  # a sentence, not a separator or a label

_BLOCKS = XPath("//div[p]")


def wrap_loose_text(tree: HtmlElement) -> bool:
    """Wrap the loose sentences of every `<div>` that holds paragraphs; True when any was."""
    changed = False
    for block in _BLOCKS(tree):
        if _is_sentence(block.text):
            paragraph = _paragraph(block, block.text)
            block.text = None
            block.insert(0, paragraph)
            changed = True
        for child in list(block):
            if _is_sentence(child.tail):
                paragraph = _paragraph(block, child.tail)
                child.tail = None
                child.addnext(paragraph)
                changed = True
    return changed


def _is_sentence(text: str | None) -> bool:
    return text is not None and len(text.split()) >= MIN_WORDS


def _paragraph(block: HtmlElement, text: str) -> HtmlElement:
    paragraph = block.makeelement("p", {})
    paragraph.text = text.strip()
    return paragraph
