"""Build `data/demo.warc.gz`, the bundled archive `make demo` runs the pipeline on.

    python -m devtools.demo_warc [--output data/demo.warc.gz]

It archives the mock wire site's article pages (`devtools/mocksite/sites/`, invented stories) as if
crawled from the real sites: `response` records with the real-site URL, HTTP status line and
headers, in fetch order. Around them, the records a crawl archive really holds, so a run shows
every outcome:

- a `warcinfo` record, and a `request` record for the first Reuters story: not responses;
- a 301 redirect and a JPEG image: responses that are not HTTP 200 HTML, skipped;
- the newspaper's syndicated copy of an AP story (new headline, one paragraph fewer, another
  dateline dash), after the AP original: a near-duplicate;
- a newspaper page with only navigation: no extractable text.

Record ids and dates are fixed, so rebuilding gives the same bytes (tests check it).
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from devtools.mocksite.site import SERVICES, Site
from devtools.warc import http_date, write_response, write_warcinfo

PROJECT_DIR = Path(__file__).resolve().parent.parent

DEFAULT_OUTPUT = PROJECT_DIR / "data" / "demo.warc.gz"
ARCHIVE_STARTED = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)  # warcinfo date, before every fetch
FETCH_DELAY = timedelta(minutes=7)  # archived a few minutes after each page's last update
USER_AGENT = "newscrawl-demo/0.1 (+https://example.org/newscrawl)"
NAVIGATION_PAGE = "/news/local/2025/03/07/weekend-events-roundup/"
IMAGE_URL = "https://assets.apnews.com/54/61/6c6007743bb54f42c802d373e3144/photo.jpg"
# A valid 1x1 grey baseline JPEG (SOI, JFIF, quantization and Huffman tables, one scan, EOI).
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 + "ffc0000b080001000101011100"
    "ffc400140000010000000000000000000000000000000000"
    "ffc400141000010000000000000000000000000000000000"
    "ffda0008010100003f003fffd9"
)


def record_id(kind: str, uri: str) -> str:
    """A stable record id: the same record gets the same id on every build."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind} {uri}')}>"


@dataclass(frozen=True)
class _Fetch:
    """One archived response, before it is written."""

    fetched: datetime
    uri: str
    body: bytes
    headers: list[tuple[str, str]]
    status: str = "200 OK"
    with_request: bool = False  # also archive the request that fetched it


def build_demo_warc(path: Path) -> None:
    """Write the demo archive to `path`, records in fetch order like a crawler's own WARC."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        write_warcinfo(writer, path.name, record_id("warcinfo", path.name), ARCHIVE_STARTED)
        for fetch in sorted(_fetches(), key=lambda fetch: fetch.fetched):
            if fetch.with_request:
                _write_request(writer, fetch.uri, fetch.fetched)
            write_response(
                writer,
                fetch.uri,
                fetch.body,
                fetched=fetch.fetched,
                record_id=record_id("response", fetch.uri),
                status=fetch.status,
                headers=fetch.headers,
            )


def _fetches() -> list[_Fetch]:
    fetches = []
    for service in SERVICES:
        site = Site(service)
        paths = site.article_paths()
        if service == "newspaper":
            paths.append(NAVIGATION_PAGE)
        for number, page_path in enumerate(paths):
            uri = site.origin + page_path
            response = site.resolve(page_path, site.origin)
            if response is None:
                raise ValueError(f"{service}: no page at {page_path}")
            fetched = response.last_modified + FETCH_DELAY
            headers = [
                ("Content-Type", response.content_type),
                ("Last-Modified", http_date(response.last_modified)),
            ]
            first_reuters = service == "reuters" and number == 0
            fetches.append(_Fetch(fetched, uri, response.body, headers, with_request=first_reuters))
            if first_reuters:
                # The story URL without its trailing slash: a redirect to the real one.
                fetches.append(
                    _Fetch(
                        fetched - timedelta(seconds=2),
                        uri.rstrip("/"),
                        b"<html><body>Moved Permanently</body></html>",
                        [("Location", uri), ("Content-Type", "text/html; charset=utf-8")],
                        status="301 Moved Permanently",
                    )
                )
            if service == "apnews" and number == 0:
                image = [("Content-Type", "image/jpeg")]
                fetches.append(_Fetch(fetched + timedelta(seconds=1), IMAGE_URL, JPEG, image))
    return fetches


def _write_request(writer: WARCWriter, uri: str, fetched: datetime) -> None:
    """The GET a crawler sent for `uri`, linked to its response record."""
    _, _, host_and_path = uri.partition("://")
    host, _, path = host_and_path.partition("/")
    http = StatusAndHeaders(
        f"GET /{path} HTTP/1.1",
        [("Host", host), ("User-Agent", USER_AGENT), ("Accept", "text/html")],
        is_http_request=True,
    )
    record = writer.create_warc_record(
        uri,
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=http,
        warc_headers_dict={
            "WARC-Record-ID": record_id("request", uri),
            "WARC-Date": fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "WARC-Concurrent-To": record_id("response", uri),
        },
    )
    writer.write_record(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the .warc.gz to write")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    build_demo_warc(args.output)
    print(f"{args.output}: {args.output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
