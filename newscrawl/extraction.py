"""HTML -> title, body text and metadata: trafilatura for the main text, then wire cleanup.

`extract()` is a pure, module-level function on picklable arguments, so the extraction
pipeline can run it in a process pool. The page is parsed once; the cleanup rules prune the
tree before trafilatura sees it (captions, figures, site chrome) and clean its text after
(headline repeat, chrome lines, credits, trailers); see `newscrawl.cleanup`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newscrawl.cleanup import CleanupRules, clean_text, prune_tree

# trafilatura options measured best on news pages (see DESIGN.md); never deduplicate=True:
# its process-global cache silently drops paragraphs of syndicated copy.
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_images": False,
    "favor_precision": True,
    "with_metadata": True,
    "deduplicate": False,
}
AUTHOR_SEPARATOR = "; "  # how trafilatura joins several authors in `Document.author`
JSON_LD_XPATH = '//script[@type="application/ld+json"]'
# (meta attribute, value) pairs naming a publication or modification time, best first.
PUBLISHED_META = (
    ("property", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
)
MODIFIED_META = (
    ("property", "article:modified_time"),
    ("itemprop", "dateModified"),
    ("property", "og:updated_time"),
)
# An ISO 8601 date, optionally with a time: what `published`/`modified` may hold.
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


@dataclass
class Extracted:
    """What extraction yields for one page; the dateline is still at the start of `text`."""

    title: str | None
    text: str
    credits: str | None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    rules_fired: list[str] = field(default_factory=list)


def extract(html: str, url: str | None = None, rules: CleanupRules | None = None) -> Extracted | None:
    """Extract the article of one page; None when the page has no extractable main text."""
    tree = load_html(html)
    if tree is None:
        return None
    rules = rules or CleanupRules()
    canonical = _canonical_url(tree, url)
    published, modified = _json_ld_dates(tree)
    fired: list[str] = []
    prune_tree(tree, rules, fired)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    if document is None or not document.text:
        return None
    cleaned = clean_text(document.text, document.title, rules, fired)
    if not cleaned.text:
        return None
    return Extracted(
        title=document.title,
        text=cleaned.text,
        credits=cleaned.credits,
        authors=_authors(document.author),
        published=published or _meta_date(tree, PUBLISHED_META) or document.date,
        modified=modified or _meta_date(tree, MODIFIED_META),
        canonical_url=canonical,
        rules_fired=fired,
    )


def _authors(author: str | None) -> list[str]:
    if not author:
        return []
    return [name.strip() for name in author.split(AUTHOR_SEPARATOR) if name.strip()]


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    candidates = tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
    for candidate in candidates:
        absolute = urljoin(url, candidate.strip()) if url else candidate.strip()
        if absolute.startswith(("http://", "https://")):
            return absolute
    return None


def _meta_date(tree: HtmlElement, names: tuple[tuple[str, str], ...]) -> str | None:
    for attribute, value in names:
        for content in tree.xpath(f'//meta[@{attribute}="{value}"]/@content'):
            if ISO_DATE_RE.match(content.strip()):
                return content.strip()
    return None


def _json_ld_dates(tree: HtmlElement) -> tuple[str | None, str | None]:
    """datePublished and dateModified of the first JSON-LD object that has them."""
    for script in tree.xpath(JSON_LD_XPATH):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for node in _json_ld_nodes(data):
            published = node.get("datePublished")
            if isinstance(published, str) and ISO_DATE_RE.match(published):
                modified = node.get("dateModified")
                if not (isinstance(modified, str) and ISO_DATE_RE.match(modified)):
                    modified = None
                return published, modified
    return None, None


def _json_ld_nodes(data: object) -> list[dict]:
    """Every object in a JSON-LD document: top level, lists and `@graph` members."""
    if isinstance(data, list):
        return [node for item in data for node in _json_ld_nodes(item)]
    if not isinstance(data, dict):
        return []
    return [data, *_json_ld_nodes(data.get("@graph", []))]
