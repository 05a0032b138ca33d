"""Reader comments found in the page tree and removed before trafilatura reads it.

trafilatura (comments off) removes the comment sections it recognises, but old layouts and
many CMSes print comments as plain paragraphs after the story, where they read like more body
text. Three structural signals find them, none of them a site's wording:

- a container whose class or id names comments ("story-comments", "commentlist", "talkback",
  "your-say");
- the anchor comment threads are linked by (`<a name="comments">`, `id="comments"`): what
  follows it in its container is the thread;
- comment signatures ("Posted by NAME on DATE", "Posted by: NAME 9:49pm"): on a page with
  several, each block holding one signature is one comment.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

MAX_SIGNATURE_CHARS = 150  # a signature is a short element; longer ones are paragraphs
MIN_SIGNATURES = 2  # one "Posted by ... on ..." is a blog post's byline; a thread has several
# Containers whose class or id may name comments, in one cheap pass ("omment" finds "comment"
# and "Comment"; `_names_comments` checks the tokens).
_NAMED = " or ".join(
    f"contains(@{attribute}, '{part}')"
    for attribute in ("class", "id")
    for part in ("omment", "alkback", "oursay", "our-say", "our_say", "ourSay")
)
COMMENT_CONTAINER_XPATH = XPath(
    "//*[self::div or self::section or self::ul or self::ol or self::form or self::table]"
    f"[{_NAMED}]"
)
# The tokens that name a comment container; "has-comments", "no-comments" and counters do not.
COMMENT_TOKEN_RE = re.compile(
    r"(?:[a-z]+[-_]?)?(?:comments?|talkbacks?|your[-_]?say)(?:[-_]?(?:list|section|area|block"
    r"|thread|form|wrap(?:per)?|container|box|panel|content|body|holder|main|module|s))*",
    re.I,
)
COMMENT_OWNER_RE = re.compile(
    r"(?:has|with|no|without|show|allow|open|closed)[-_]?comments?|comments?[-_]?(?:count|link)s?",
    re.I,
)
# The anchor a comment thread is linked by.
COMMENT_ANCHOR_XPATH = XPath(
    "//a[@name='comments' or @id='comments' or @name='comment' or @name='talkback']"
)
# "Posted by Jane on January 10, 2008 4:39 PM", "Posted by: Jane 9:49pm January 9".
SIGNATURE_RE = re.compile(
    r"(?:posted|submitted|written|added) by:? .{1,80}?(?: on | at |\s*[|,-]\s*|\s)"
    r".*\d.*",
    re.I,
)
# Candidates for a signature, filtered in libxml2 on the " by" every signature holds (reading
# the text of every inline element of a page in Python costs more than the rest of this module).
SIGNATURE_XPATH = XPath(
    "(//b | //strong | //cite | //em | //span | //small | //i)"
    "[contains(., ' by') or contains(., ' By') or contains(., ' BY')]"
)


def remove_comments(tree: HtmlElement) -> list[str]:
    """Remove the page's comment sections, in place; the names of the rules that fired."""
    fired = []
    if _drop([element for element in COMMENT_CONTAINER_XPATH(tree) if _names_comments(element)]):
        fired.append("comments")
    if _drop(_after_anchors(tree)):
        fired.append("comment-thread")
    if _drop(_signed_comments(tree)):
        fired.append("comment-signature")
    return fired


def _names_comments(element: HtmlElement) -> bool:
    """A comment container that is not the page's article: named so, and no headline in it."""
    tokens = f"{element.get('class', '')} {element.get('id', '')}".split()
    named = any(
        COMMENT_TOKEN_RE.fullmatch(token) and not COMMENT_OWNER_RE.fullmatch(token)
        for token in tokens
    )
    return named and not element.xpath(".//h1")


def _after_anchors(tree: HtmlElement) -> list[HtmlElement]:
    """The anchors of comment threads and every element after one in its container."""
    found = []
    for anchor in COMMENT_ANCHOR_XPATH(tree):
        if anchor.text_content().strip():
            continue  # a link with text ("12 comments") points at the thread; it is not its start
        found.append(anchor)
        found += anchor.itersiblings()
    return found


def _signed_comments(tree: HtmlElement) -> list[HtmlElement]:
    """The blocks holding one comment signature each, on a page with several signatures."""
    signatures = [
        element
        for element in SIGNATURE_XPATH(tree)
        if len(text := element.text_content().strip()) <= MAX_SIGNATURE_CHARS
        and SIGNATURE_RE.fullmatch(text)
    ]
    if len(signatures) < MIN_SIGNATURES:
        return []
    blocks = [signature.getparent() for signature in signatures]
    counts: dict[HtmlElement, int] = {}
    for block in blocks:
        counts[block] = counts.get(block, 0) + 1
    return [
        block
        for block in blocks
        if block is not None
        and counts[block] == 1
        and block.tag not in ("html", "body")
        and not block.xpath(".//h1")
    ]


def _drop(elements: list[HtmlElement]) -> bool:
    dropped = False
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()
            dropped = True
    return dropped
