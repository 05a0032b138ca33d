"""Parse sitemaps, Google News sitemaps and RSS/Atom feeds into article candidates.

Pure functions over bytes. Scrapy's own sitemap parser drops the Google News `news:*`
sub-elements (publication date, title), which we want before download, so we read them here.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

# Hardened parser: no entity expansion, no network, no DTD loading (XML attacks), and recover
# from the small breakages real feeds carry.
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "recover": True,
    "remove_comments": True,
}


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read at all."""


@dataclass(frozen=True)
class Candidate:
    """One URL found by discovery, with what the sitemap or feed said about it."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    published: str | None = None
    is_index: bool = False  # a child sitemap of a sitemap index, not an article


def maybe_gunzip(body: bytes, max_size: int) -> bytes:
    """Decompress gzip bodies (`sitemap.xml.gz`), refusing to inflate past `max_size` bytes."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(max_size + 1)
    except (OSError, EOFError) as exc:
        raise DiscoveryError(f"corrupt gzip: {exc}") from exc
    if len(data) > max_size:
        raise DiscoveryError(f"decompressed size exceeds {max_size} bytes")
    return data


def _root(body: bytes) -> etree._Element:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("empty or unparseable XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is in `names` (namespace-agnostic)."""
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> list[Candidate]:
    """Candidates of a sitemap, news sitemap or sitemap index.

    >>> xml = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/x</loc></url></urlset>'
    >>> parse_sitemap(xml)[0].url
    'https://a.example/x'
    """
    root = _root(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: root element <{kind}>")
    entries = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        entries.append(
            Candidate(
                url=loc,
                lastmod=normalize_date(_child_text(node, "lastmod")),
                title=_child_text(node, "title"),
                published=normalize_date(_child_text(node, "publication_date")),
                is_index=kind == "sitemapindex",
            )
        )
    return entries


def normalize_date(value: str | None) -> str | None:
    """A sitemap or feed date as UTC ISO 8601 (`2024-03-07T09:00:00Z`), whatever its notation.

    One story is often listed in both a sitemap (W3C datetime, any offset) and a feed (RFC 822):
    the one fetched first must not decide how its dates are written. A bare date stays a date
    (it has no time to convert), an unreadable value stays as written.

    >>> normalize_date("2024-03-07T10:00:00+01:00"), normalize_date("Thu, 07 Mar 2024 09:00:00 GMT")
    ('2024-03-07T09:00:00Z', '2024-03-07T09:00:00Z')
    """
    if not value:
        return None
    if len(value) == 10:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_feed(body: bytes) -> list[Candidate]:
    """Candidates of an RSS 2.0 / RSS 1.0 or Atom feed.

    >>> rss = b'<rss><channel><item><link>https://a.example/1</link><title>T</title></item></channel></rss>'
    >>> parse_feed(rss)[0].title
    'T'
    """
    root = _root(body)
    kind = _local(root.tag)
    entries = []
    if kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            link = None
            for node in entry:
                if _local(node.tag) == "link" and node.get("rel", "alternate") == "alternate":
                    link = node.get("href")
                    break
            if link:
                entries.append(
                    Candidate(
                        url=link.strip(),
                        lastmod=normalize_date(_child_text(entry, "updated")),
                        title=_child_text(entry, "title"),
                        published=normalize_date(_child_text(entry, "published")),
                    )
                )
        return entries
    if kind not in ("rss", "RDF"):
        raise DiscoveryError(f"not a feed: root element <{kind}>")
    for item in root.iter():
        if _local(item.tag) != "item":
            continue
        link = _child_text(item, "link") or _child_text(item, "guid")
        if not link:
            continue
        published = normalize_date(_child_text(item, "pubDate") or _child_text(item, "date"))
        entries.append(
            Candidate(
                url=link,
                lastmod=normalize_date(_child_text(item, "updated")) or published,
                title=_child_text(item, "title"),
                published=published,
            )
        )
    return entries
