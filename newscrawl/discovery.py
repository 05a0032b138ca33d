"""Parse sitemaps, Google News sitemaps and RSS/Atom feeds into article candidates.

Pure functions over bytes. Scrapy's own sitemap parser drops the Google News `news:*`
sub-elements (publication date, title), which we want before download, so we read them here.
One bad entry costs that entry only: it is left out and counted in `Listing.errors`.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newscrawl.dates import to_utc_iso

# Hardened parser: no entity expansion, no network, no DTD loading (XML attacks), and recover
# from the small breakages real feeds carry.
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "recover": True,
    "remove_comments": True,
}
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE)

# Namespaces whose elements we read. A sitemap without a namespace is read as well (old
# generators omit it); any other namespace (image:, video:, media:) is never taken for ours.
SITEMAP_NS = (
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap/0.84",
)
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "http://purl.org/rss/1.0/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def _names(local: str, *namespaces: str) -> tuple[str, ...]:
    """Clark names (`{ns}local`) of one element in each namespace, `""` meaning none."""
    return tuple(f"{{{ns}}}{local}" if ns else local for ns in namespaces)


_SM = ("", *SITEMAP_NS)
_RSS = ("", RSS1_NS)


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read at all; `kind` names why (a stats key)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Candidate:
    """One URL found by discovery, with what the sitemap or feed said about it."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    published: str | None = None
    is_index: bool = False  # a child sitemap of a sitemap index, not an article


@dataclass
class Listing:
    """What one sitemap or feed holds: its candidates, and the entries skipped, by kind."""

    candidates: list[Candidate] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


def maybe_gunzip(body: bytes, max_size: int) -> bytes:
    """Decompress gzip bodies (`sitemap.xml.gz`), refusing to inflate past `max_size` bytes."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(max_size + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError("corrupt_gzip", f"corrupt gzip: {exc}") from exc
    if len(data) > max_size:
        raise DiscoveryError("too_large", f"decompressed size exceeds {max_size} bytes")
    return data


def _without_doctype(body: bytes) -> bytes:
    """The document without its DOCTYPE (and internal DTD subset), which no sitemap needs.

    Even with entity resolution off, libxml2 stops at its entity-amplification limit (billion
    laughs), and `recover` then loses every entry after the reference. Without the subset the
    references are undefined: each costs its own text, not the rest of the document.
    """
    return _DOCTYPE.sub(b"", body, count=1)


def _root(body: bytes) -> etree._Element:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(_without_doctype(body.strip()), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError("not_xml", f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("not_xml", "empty or unparseable XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, names: tuple[str, ...]) -> str | None:
    """Text of the first descendant whose qualified name is in `names` (Clark notation)."""
    for child in element.iter(*names):
        if child.text and child.text.strip():
            return child.text.strip()
    return None


def entry_url_problem(url: str) -> str | None:
    """Why a listed URL cannot be fetched (a `discovery_error` kind), or None when it can.

    >>> [entry_url_problem(u) for u in ("https://a.example/x", "/x", "http://a.example:99999/")]
    [None, 'relative_url', 'bad_url']
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError:
        return "bad_url"
    if not parts.scheme and not parts.netloc:
        return "relative_url"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "bad_url"
    return None


def _date(element: etree._Element, names: tuple[str, ...], errors: Counter[str]) -> str | None:
    """A sitemap or feed date in the records' notation (`newscrawl.dates`), whatever its own.

    One story is often listed in both a sitemap (W3C datetime, any offset) and a feed (RFC 822):
    the one fetched first must not decide how its dates are written. A date that cannot be read,
    or that UTC cannot hold (`9999-12-31T23:59:59-12:00`), is dropped and counted; the entry
    itself is still read.
    """
    written = _child_text(element, names)
    value = to_utc_iso(written)
    if written and written.strip() and value is None:
        errors["bad_date"] += 1
    return value


def _add(listing: Listing, url: str | None, **fields: Any) -> None:
    if not url:
        return
    problem = entry_url_problem(url)
    if problem:
        listing.errors[problem] += 1
        return
    listing.candidates.append(Candidate(url=url, **fields))


def parse_sitemap(body: bytes) -> Listing:
    """Candidates of a sitemap, news sitemap or sitemap index; a bad entry costs that entry only.

    >>> xml = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/x</loc></url></urlset>'
    >>> parse_sitemap(xml).candidates[0].url
    'https://a.example/x'
    """
    root = _root(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError("not_sitemap", f"not a sitemap: root element <{kind}>")
    listing = Listing()
    for node in root.iterchildren(*_names("url", *_SM), *_names("sitemap", *_SM)):
        _add(
            listing,
            _child_text(node, _names("loc", *_SM)),
            lastmod=_date(node, _names("lastmod", *_SM), listing.errors),
            title=_child_text(node, _names("title", NEWS_NS)),
            published=_date(node, _names("publication_date", NEWS_NS), listing.errors),
            is_index=kind == "sitemapindex",
        )
    return listing


def parse_feed(body: bytes) -> Listing:
    """Candidates of an RSS 2.0 / RSS 1.0 or Atom feed; a bad entry costs that entry only.

    >>> rss = b'<rss><channel><item><link>https://a.example/1</link><title>T</title></item></channel></rss>'
    >>> parse_feed(rss).candidates[0].title
    'T'
    """
    root = _root(body)
    kind = _local(root.tag)
    listing = Listing()
    if kind == "feed":
        for entry in root.iterchildren(f"{{{ATOM_NS}}}entry", "entry"):
            link = None
            for node in entry.iterchildren(f"{{{ATOM_NS}}}link", "link"):
                if node.get("rel", "alternate") == "alternate":
                    link = (node.get("href") or "").strip()
                    break
            _add(
                listing,
                link,
                lastmod=_date(entry, _names("updated", ATOM_NS, ""), listing.errors),
                title=_child_text(entry, _names("title", ATOM_NS, "")),
                published=_date(entry, _names("published", ATOM_NS, ""), listing.errors),
            )
        return listing
    if kind not in ("rss", "RDF"):
        raise DiscoveryError("not_feed", f"not a feed: root element <{kind}>")
    for item in root.iter(*_names("item", *_RSS)):
        link = _child_text(item, _names("link", *_RSS)) or _child_text(item, ("guid",))
        published = _date(item, ("pubDate", f"{{{DC_NS}}}date"), listing.errors)
        _add(
            listing,
            link,
            lastmod=_date(item, (f"{{{ATOM_NS}}}updated",), listing.errors) or published,
            title=_child_text(item, _names("title", *_RSS)),
            published=published,
        )
    return listing
