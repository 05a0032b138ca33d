"""Endnotes: the numbered list of sources an article cites, printed after its last paragraph.

An essay cites "(1)", "(2)", ... in its prose and lists the sources at the end ("(1) The price
of poultry, BBC"). Readers and annotators count the list as links to other stories, not as the
story. What makes it an endnote list, whatever the site:

- it ends the text, one note a line, numbered 1, 2, 3, ... without a gap, in brackets
  ("(1)" or "[1]"), at least `MIN_NOTES` of them;
- every note's marker was cited in the body above it.

A numbered list that the prose never cites (the points of an argument, a top ten) stays, and so
does a list in the middle of the text. A short heading ending in a colon just above the list
("Notes:", "Read on:") goes with it.
"""

from __future__ import annotations

import re

MIN_NOTES = 2
MAX_HEADING_WORDS = 4

_NOTE_RE = re.compile(r"[(\[](\d{1,3})[)\]]\s+\S")


def split_endnotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Return the body lines and the endnote lines (with their heading), in order.

    >>> split_endnotes(["A fact (1). Another (2).", "Notes:", "(1) A, BBC", "(2) B, CNN"])
    (['A fact (1). Another (2).'], ['Notes:', '(1) A, BBC', '(2) B, CNN'])
    >>> split_endnotes(["Two points.", "(1) Tax less", "(2) Spend less"])[1]
    []
    """
    start = len(lines)
    expected: int | None = None  # the number the line above the current one must carry
    while start > 0:
        match = _NOTE_RE.match(lines[start - 1])
        if not match or (expected is not None and int(match.group(1)) != expected):
            break
        expected = int(match.group(1)) - 1
        start -= 1
    notes = len(lines) - start
    if notes < MIN_NOTES or expected != 0:
        return lines, []
    body = "\n".join(lines[:start])
    opening, closing = ("(", ")") if lines[start][0] == "(" else ("[", "]")
    if not all(f"{opening}{n}{closing}" in body for n in range(1, notes + 1)):
        return lines, []
    heading = lines[start - 1] if start else ""
    if heading.endswith(":") and len(heading.split()) <= MAX_HEADING_WORDS:
        start -= 1
    return lines[:start], lines[start:]
