"""The mock sites as data: each site's manifest (`sites/<service>/site.toml`) and fixture files.

A `Site` knows what every path of one imitated site answers. Sitemaps and feeds are rendered
from the manifest on each request, so their absolute URLs point at whatever base the site is
served on and their dates follow `touch()`. Pages are fixture files with two placeholders:
`@@MODIFIED@@` (the page's current modification time) and `@@UPDATE@@` (where `touch()` adds an
update paragraph). No Scrapy, no sockets: `tests/mocksite/server.py` serves it,
`devtools.demo_warc` archives it and `devtools.warcgen` puts generated stories in its markup.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.robotparser import RobotFileParser
from xml.sax.saxutils import escape, quoteattr

SITES_DIR = Path(__file__).resolve().parent / "sites"
SERVICES = ("reuters", "apnews", "afp", "upi", "newspaper")
HTML = "text/html; charset=utf-8"
ROBOTS_MODIFIED = "2024-11-01T00:00:00Z"  # robots.txt never changes during a test
DOCUMENT_TYPES = {
    "sitemapindex": "application/xml; charset=utf-8",
    "sitemap": "application/xml; charset=utf-8",
    "news-sitemap": "application/xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
ARTICLE = "article"  # `kind` of a real story; anything else (hub, video, empty...) is not one


@dataclass
class Page:
    """One served page (HTML or not) and what sitemaps and feeds say about it."""

    path: str
    file: str
    kind: str  # article | gallery | hub | video | corporate | section | binary | empty | navigation
    title: str
    description: str
    published: str  # ISO 8601 UTC, as in the page's JSON-LD
    modified: str  # ISO 8601 UTC; sitemap lastmod, feed pubDate/updated, Last-Modified header
    content_type: str = HTML
    update: str = ""  # update paragraph added by Site.touch()


@dataclass(frozen=True)
class Document:
    """A sitemap, sitemap index or feed: rendered from the pages (or documents) it lists."""

    path: str  # with its query string: "/arc/outboundfeeds/news-sitemap/?outputType=xml&from=0"
    format: str  # sitemapindex | sitemap | news-sitemap | rss | atom
    entries: tuple[str, ...]  # paths (pages may carry a query, e.g. utm_* in a feed link)
    title: str = ""  # feed title


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    last_modified: datetime
    body: bytes


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def http_date(value: str) -> str:
    return format_datetime(parse_time(value), usegmt=True)


class Site:
    """One imitated site, loaded from `sites/<service>/`. Thread-safe: served while touched."""

    def __init__(self, service: str) -> None:
        folder = SITES_DIR / service
        with (folder / "site.toml").open("rb") as handle:
            manifest = tomllib.load(handle)
        self.service = service
        self.folder = folder
        self.origin: str = manifest["origin"]  # the real site, for canonical and archived URLs
        self.publication: str = manifest["publication"]
        self.update_markup: str = manifest["update"]
        self.robots = (folder / "robots.txt").read_text("utf-8")
        self.pages = {entry["path"]: Page(**entry) for entry in manifest["pages"]}
        self.documents = {
            entry["path"]: Document(
                path=entry["path"],
                format=entry["format"],
                entries=tuple(entry["entries"]),
                title=entry.get("title", ""),
            )
            for entry in manifest["documents"]
        }
        self._lock = threading.Lock()
        self._check()

    def _check(self) -> None:
        """Fail loudly on a manifest that points at nothing."""
        for document in self.documents.values():
            for entry in document.entries:
                if document.format == "sitemapindex":
                    if entry not in self.documents:
                        raise ValueError(f"{self.service}: {document.path} lists {entry}")
                elif urlsplit(entry).path not in self.pages:
                    raise ValueError(f"{self.service}: {document.path} lists {entry}")
        for page in self.pages.values():
            if not (self.folder / page.file).is_file():
                raise ValueError(f"{self.service}: missing fixture {page.file}")

    # -- what a crawler may see -------------------------------------------------------------

    def listed_paths(self) -> set[str]:
        """Paths of the pages some sitemap or feed lists (query strings dropped)."""
        return {
            urlsplit(entry).path
            for document in self.documents.values()
            if document.format != "sitemapindex"
            for entry in document.entries
        }

    def allowed(self, path: str) -> bool:
        """Whether robots.txt lets any crawler fetch `path`."""
        parser = RobotFileParser()
        parser.parse(self.robots.splitlines())
        return parser.can_fetch("*", path)

    def article_paths(self) -> list[str]:
        """Article pages listed in a sitemap or feed and allowed by robots.txt, manifest order."""
        listed = self.listed_paths()
        return [
            page.path
            for page in self.pages.values()
            if page.kind == ARTICLE and page.path in listed and self.allowed(page.path)
        ]

    def touch(self, path: str, lastmod: str) -> None:
        """Mark one page as updated at `lastmod` (ISO 8601) and add an update paragraph."""
        moment = parse_time(lastmod)
        text = (
            f"In an update on {moment:%B} {moment.day}, officials said they would publish "
            "further details once a review of the figures was complete."
        )
        with self._lock:
            page = self.pages[path]
            page.modified = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            page.update = self.update_markup.format(text=text) + "\n"

    # -- rendering --------------------------------------------------------------------------

    def resolve(self, target: str, base: str) -> Response | None:
        """The response to a request target (`/path?query`), or None for a 404.

        Documents match on path and query (`?outputType=xml` matters); pages on the path alone,
        as real sites ignore tracking parameters.
        """
        parts = urlsplit(target)
        path = unquote(parts.path)
        with self._lock:
            if path == "/robots.txt":
                body = self.robots.replace("@@BASE@@", base).encode("utf-8")
                return Response(200, "text/plain; charset=utf-8", parse_time(ROBOTS_MODIFIED), body)
            document = self.documents.get(path + (f"?{parts.query}" if parts.query else ""))
            if document is not None:
                return self._render_document(document, base)
            page = self.pages.get(path)
            if page is not None:
                return Response(200, page.content_type, parse_time(page.modified), self._body(page))
        return None

    def _body(self, page: Page) -> bytes:
        data = (self.folder / page.file).read_bytes()
        if not page.content_type.startswith("text/html"):
            return data
        text = data.decode("utf-8")
        text = text.replace("@@MODIFIED@@", page.modified).replace("@@UPDATE@@\n", page.update)
        return text.encode("utf-8")

    def _lastmod(self, document: Document) -> str:
        if document.format == "sitemapindex":
            return max(self._lastmod(self.documents[entry]) for entry in document.entries)
        return max(self.pages[urlsplit(entry).path].modified for entry in document.entries)

    def _render_document(self, document: Document, base: str) -> Response:
        render = {
            "sitemapindex": self._sitemap_index,
            "sitemap": self._sitemap,
            "news-sitemap": self._news_sitemap,
            "rss": self._rss,
            "atom": self._atom,
        }[document.format]
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + render(document, base)
        return Response(
            200,
            DOCUMENT_TYPES[document.format],
            parse_time(self._lastmod(document)),
            body.encode("utf-8"),
        )

    def _entries(self, document: Document, base: str) -> list[tuple[str, Page]]:
        return [(base + entry, self.pages[urlsplit(entry).path]) for entry in document.entries]

    def _sitemap_index(self, document: Document, base: str) -> str:
        items = "".join(
            f"<sitemap><loc>{escape(base + entry)}</loc>"
            f"<lastmod>{self._lastmod(self.documents[entry])}</lastmod></sitemap>\n"
            for entry in document.entries
        )
        return (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{items}</sitemapindex>\n"
        )

    def _sitemap(self, document: Document, base: str) -> str:
        items = "".join(
            f"<url><loc>{escape(url)}</loc><lastmod>{page.modified}</lastmod></url>\n"
            for url, page in self._entries(document, base)
        )
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</urlset>\n'

    def _news_sitemap(self, document: Document, base: str) -> str:
        items = "".join(
            f"<url>\n<loc>{escape(url)}</loc>\n<lastmod>{page.modified}</lastmod>\n"
            "<news:news>\n<news:publication>"
            f"<news:name>{escape(self.publication)}</news:name>"
            "<news:language>en</news:language></news:publication>\n"
            f"<news:publication_date>{page.published}</news:publication_date>\n"
            f"<news:title>{escape(page.title)}</news:title>\n</news:news>\n</url>\n"
            for url, page in self._entries(document, base)
        )
        return (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
            '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{items}</urlset>\n"
        )

    def _rss(self, document: Document, base: str) -> str:
        items = "".join(
            f"<item>\n<title>{escape(page.title)}</title>\n<link>{escape(url)}</link>\n"
            f'<guid isPermaLink="false">{escape(self.origin + page.path)}</guid>\n'
            f"<description>{escape(page.description)}</description>\n"
            f"<pubDate>{http_date(page.modified)}</pubDate>\n</item>\n"
            for url, page in self._entries(document, base)
        )
        return (
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            f"<title>{escape(document.title)}</title>\n<link>{escape(base)}/</link>\n"
            f"<description>{escape(document.title)}</description>\n<language>en-us</language>\n"
            f"<lastBuildDate>{http_date(self._lastmod(document))}</lastBuildDate>\n"
            f'<atom:link href={quoteattr(base + document.path)} rel="self" '
            'type="application/rss+xml"/>\n'
            f"{items}</channel>\n</rss>\n"
        )

    def _atom(self, document: Document, base: str) -> str:
        entries = "".join(
            f"<entry>\n<title>{escape(page.title)}</title>\n"
            f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>\n'
            f"<id>{escape(self.origin + page.path)}</id>\n"
            f"<published>{page.published}</published>\n<updated>{page.modified}</updated>\n"
            f"<summary>{escape(page.description)}</summary>\n</entry>\n"
            for url, page in self._entries(document, base)
        )
        return (
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(document.title)}</title>\n"
            f"<id>{escape(self.origin + document.path)}</id>\n"
            f'<link rel="self" href={quoteattr(base + document.path)}/>\n'
            f'<link rel="alternate" href={quoteattr(base + "/")}/>\n'
            f"<updated>{self._lastmod(document)}</updated>\n"
            f"{entries}</feed>\n"
        )
