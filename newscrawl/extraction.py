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
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newscrawl.article_metadata import read_article_metadata
from newscrawl.cleanup import GENERIC, CleanupRules, clean_text, headline_keys, prune_tree
from newscrawl.comments import remove_comments
from newscrawl.dateline_element import find_dateline_element
from newscrawl.layout_tables import unwrap_layout_tables
from newscrawl.link_boxes import drop_link_boxes
from newscrawl.loose_text import wrap_loose_text
from newscrawl.reading import Extracted

# trafilatura options measured best on news pages (README: Extraction); never deduplicate=True:
# its process-global cache silently drops paragraphs of syndicated copy. Metadata is read apart,
# only the fields a record has (newscrawl.article_metadata).
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_images": False,
    "favor_precision": True,
    "with_metadata": False,
    "deduplicate": False,
}
# Less text than one sentence is what trafilatura scrapes from pages without an article
# (menus: "HomeWorld"), not a story. Characters, not words: Chinese and Japanese have no spaces.
MIN_TEXT_CHARS = 50
AUTHOR_SEPARATOR = "; "  # how trafilatura joins several authors in `Document.author`
# Everything metadata is read from, in one pass over the page: <meta> tags, the canonical link,
# JSON-LD blocks, headings.
METADATA_XPATH = XPath(
    '//meta[@content] | //link[@rel="canonical"][@href] | //script[@type="application/ld+json"]'
    " | //h1"
)
MAX_H1 = 3  # pages with more <h1> than this use them for teasers, not for the headline
META_KEYS = ("property", "name", "itemprop")  # the attributes that name a <meta> tag
PUBLISHED_META = ("article:published_time", "datepublished", "pubdate")  # best first
MODIFIED_META = ("article:modified_time", "datemodified", "og:updated_time")
# Page furniture dropped before trafilatura sees the page. trafilatura deletes these tags too,
# but only after several XPath passes over the whole raw tree (comment and discard pruning,
# readability), whose cost grows with the element count: on the eval pages this cuts extraction
# CPU by a sixth and changes no page's text. Not <aside>, <svg> or <noscript>: some sites put the
# article column in an <aside> that readability recovers, and dropping the other two changed
# trafilatura's choice of extractor on two eval pages. JSON-LD stays (trafilatura reads authors
# and dates from it), and so does the text after each dropped element (drop_tree keeps tails).
FURNITURE_XPATH = XPath("//script[not(@type='application/ld+json')] | //style | //nav | //footer")
# An ISO 8601 date, optionally with a time: what `published`/`modified` may hold.
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def extract(
    html: str, url: str | None = None, rules: CleanupRules | None = None
) -> Extracted | None:
    """Extract the article of one page; None when the page has no extractable main text."""
    tree = load_html(html)
    if tree is None:
        return None
    rules = rules or CleanupRules()
    metadata = PageMetadata.read(tree)
    dateline_element = find_dateline_element(tree, html)
    for element in FURNITURE_XPATH(tree):
        element.drop_tree()
    fired: list[str] = []
    if unwrap_layout_tables(tree):
        fired.append(f"{GENERIC}:layout-table")
    if wrap_loose_text(tree):
        fired.append(f"{GENERIC}:loose-text")
    fired += [f"{GENERIC}:{name}" for name in remove_comments(tree)]
    if drop_link_boxes(tree):
        fired.append(f"{GENERIC}:link-box")
    prune_tree(tree, rules, fired)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    if document is None or not document.text:
        return None
    published = metadata.date(PUBLISHED_META, metadata.json_ld_published)
    found = read_article_metadata(tree, url, with_date=published is None)
    headlines = headline_keys([found.title, *metadata.headlines()])
    cleaned = clean_text(document.text, headlines, rules, fired)
    if len(cleaned.text) < MIN_TEXT_CHARS:
        return None
    return Extracted(
        title=found.title,
        text=cleaned.text,
        credits=cleaned.credits,
        authors=_authors(found.author),
        published=published or found.date,
        modified=metadata.date(MODIFIED_META, metadata.json_ld_modified),
        canonical_url=metadata.canonical_url(url),
        rules_fired=list(dict.fromkeys(fired)),
        dateline_element=dateline_element,
    )


@dataclass
class PageMetadata:
    """Dates and URLs the page declares about itself, read before any pruning."""

    meta: dict[str, str] = field(default_factory=dict)  # lower-cased meta name -> first content
    canonical: str | None = None  # <link rel="canonical"> as written
    json_ld_published: str | None = None
    json_ld_modified: str | None = None
    json_ld_headline: str | None = None
    h1: list[str] = field(default_factory=list)  # text of the page's <h1> elements

    @classmethod
    def read(cls, tree: HtmlElement) -> PageMetadata:
        metadata = cls()
        for element in METADATA_XPATH(tree):
            if element.tag == "meta":
                name = next((element.get(key) for key in META_KEYS if element.get(key)), None)
                if name:
                    metadata.meta.setdefault(name.lower(), element.get("content").strip())
            elif element.tag == "link":
                metadata.canonical = metadata.canonical or element.get("href").strip()
            elif element.tag == "h1":
                metadata.h1.append(element.text_content())
            else:
                metadata.read_json_ld(element)
        return metadata

    def read_json_ld(self, script: HtmlElement) -> None:
        """Dates and headline of the first article object in a JSON-LD block that has them."""
        try:
            data = json.loads(script.text or "")
        except ValueError:
            return
        for node in _json_ld_nodes(data):
            published, modified = node.get("datePublished"), node.get("dateModified")
            if self.json_ld_published is None and isinstance(published, str):
                self.json_ld_published = published
                self.json_ld_modified = modified if isinstance(modified, str) else None
            if self.json_ld_headline is None and isinstance(node.get("headline"), str):
                self.json_ld_headline = node["headline"]

    def headlines(self) -> list[str | None]:
        """The headline as social cards, JSON-LD and the first <h1> elements give it."""
        cards = [self.meta.get("og:title"), self.meta.get("twitter:title")]
        return [*cards, self.json_ld_headline, *self.h1[:MAX_H1]]

    def date(self, names: tuple[str, ...], preferred: str | None) -> str | None:
        """The preferred (JSON-LD) date, else the first of the named <meta> dates."""
        candidates = [preferred, *(self.meta.get(name) for name in names)]
        return next((date for date in candidates if date and ISO_DATE_RE.match(date)), None)

    def canonical_url(self, url: str | None) -> str | None:
        """<link rel=canonical>, else og:url, made absolute against the page URL."""
        for candidate in (self.canonical, self.meta.get("og:url")):
            absolute = urljoin(url, candidate) if url and candidate else candidate
            if absolute and absolute.startswith(("http://", "https://")):
                return absolute
        return None


def _authors(author: str | None) -> list[str]:
    if not author:
        return []
    return [name.strip() for name in author.split(AUTHOR_SEPARATOR) if name.strip()]


def _json_ld_nodes(data: object) -> list[dict]:
    """Every object in a JSON-LD document: top level, lists and `@graph` members."""
    if isinstance(data, list):
        return [node for item in data for node in _json_ld_nodes(item)]
    if not isinstance(data, dict):
        return []
    return [data, *_json_ld_nodes(data.get("@graph", []))]
