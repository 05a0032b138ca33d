"""Wire cleanup rules applied after trafilatura: chrome, captions, credits and trailers."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement


@dataclass(frozen=True)
class CleanupRules:
    """Site-specific cleanup rules, carried by each source entry (see `sources.py`)."""

    prune_xpaths: tuple[str, ...] = ()
    trailer_patterns: tuple[str, ...] = ()


@dataclass
class CleanedText:
    text: str
    credits: str | None


def prune_tree(tree: HtmlElement, rules: CleanupRules, fired: list[str]) -> None:
    return None


def clean_text(text: str, title: str | None, rules: CleanupRules, fired: list[str]) -> CleanedText:
    return CleanedText(text, None)
