from __future__ import annotations

import gzip
import zlib
from io import BytesIO
from pathlib import Path

import brotli
import pytest
from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from devtools.warc import write_warc
from newscrawl.archives import (
    ArchivedPage,
    ArchiveError,
    EmptyArchive,
    Skipped,
    expand_locations,
    read_archive,
)

HTML = "text/html; charset=utf-8"
PAGE = b"<html><body><p>Story text.</p></body></html>"


def _read(path: Path, **kwargs: object) -> list[ArchivedPage | Skipped]:
    with open(path, "rb") as stream:
        return list(read_archive(stream, **kwargs))


@pytest.mark.parametrize("gzip", [True, False])
def test_only_200_html_responses_become_pages(tmp_path: Path, gzip: bool) -> None:
    path = write_warc(
        tmp_path / ("a.warc.gz" if gzip else "a.warc"),
        [
            ("https://apnews.com/article/a-1", 200, HTML, PAGE),
            ("https://apnews.com/article/b-2", 301, HTML, b""),
            ("https://apnews.com/photo.jpg", 200, "image/jpeg", b"\xff\xd8\xff\x00\x00"),
            ("https://www.reuters.com/world/x-2024-03-07/", 200, HTML, PAGE),
        ],
        gzip=gzip,
    )
    records = _read(path)
    pages = [r for r in records if isinstance(r, ArchivedPage)]
    reasons = sorted(r.reason for r in records if isinstance(r, Skipped))
    assert [p.url for p in pages] == [
        "https://apnews.com/article/a-1",
        "https://www.reuters.com/world/x-2024-03-07/",
    ]
    assert pages[0].body == PAGE
    assert pages[0].fetched_at == "2024-03-07T12:00:00Z"
    assert pages[0].headers["content-type"] == HTML
    assert reasons == ["not_html", "record_warcinfo", "status"]


def test_domain_filter(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "a.warc.gz",
        [
            ("https://apnews.com/article/a-1", 200, HTML, PAGE),
            ("https://news.example.com/story", 200, HTML, PAGE),
            ("https://www.reuters.com/world/x/", 200, HTML, PAGE),
        ],
    )
    pages = [
        r
        for r in _read(path, domains=["reuters.com", "www.apnews.com"])
        if isinstance(r, ArchivedPage)
    ]
    assert [p.url for p in pages] == [
        "https://apnews.com/article/a-1",
        "https://www.reuters.com/world/x/",
    ]


def test_oversized_body_is_skipped(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "a.warc.gz", [("https://a.example/x", 200, HTML, b"<p>" + b"x" * 5000)]
    )
    records = [r for r in _read(path, max_size=1000) if isinstance(r, Skipped) and r.url]
    assert records == [Skipped("too_large", "https://a.example/x")]


def test_truncated_archive_yields_what_precedes_the_damage(tmp_path: Path) -> None:
    records = [(f"https://apnews.com/article/s-{i}", 200, HTML, PAGE * 50) for i in range(5)]
    path = write_warc(tmp_path / "a.warc.gz", records)
    data = path.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[:-40])  # the last record loses the end of its body
    seen = []
    with pytest.raises(ArchiveError, match="damaged"), open(damaged, "rb") as stream:
        for record in read_archive(stream):
            seen.append(record)
    pages = [r for r in seen if isinstance(r, ArchivedPage)]
    assert 1 <= len(pages) < 5
    assert all(p.body == PAGE * 50 for p in pages)


def test_garbage_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.warc"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ArchiveError):
        _read(path)


def test_expand_locations(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz"):
        (tmp_path / name).write_bytes(b"")
    assert expand_locations(f"{tmp_path}/*.warc.gz") == [
        f"{tmp_path}/a.warc.gz",
        f"{tmp_path}/b.warc.gz",
    ]
    assert expand_locations(f"https://x.example/a.warc.gz, {tmp_path}/a.warc.gz") == [
        "https://x.example/a.warc.gz",
        f"{tmp_path}/a.warc.gz",
    ]
    with pytest.raises(ArchiveError, match="no WARC file"):
        expand_locations(f"{tmp_path}/missing.warc.gz")
    with pytest.raises(ArchiveError, match="no WARC path"):
        expand_locations("")


def _response(
    writer: WARCWriter,
    url: str,
    statusline: str,
    headers: list[tuple[str, str]],
    body: bytes,
    date: str = "2024-03-07T12:00:00Z",
) -> None:
    http = StatusAndHeaders(statusline, headers, protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
    )


def _raw_response(url: str, block: bytes) -> bytes:
    """A response record written by hand: warcio's writer refuses one without HTTP headers."""
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
        "WARC-Date: 2024-03-07T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + url[-8:] + ">\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _encoded_then_plain(path: Path, encoding: str, body: bytes) -> list[tuple[str, bytes]]:
    """Write a record with `Content-Encoding: encoding` and a plain one; read (url, body) back."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = [("Content-Type", HTML), ("Content-Encoding", encoding)]
        _response(writer, f"https://a.example/{encoding}", "200 OK", headers, body)
        _response(writer, "https://a.example/after", "200 OK", [("Content-Type", HTML)], PAGE)
    return [(r.url, r.body) for r in _read(path) if isinstance(r, ArchivedPage)]


def test_brotli_record_is_read(tmp_path: Path) -> None:
    pages = _encoded_then_plain(tmp_path / "br.warc.gz", "br", brotli.compress(PAGE))
    assert pages == [("https://a.example/br", PAGE), ("https://a.example/after", PAGE)]


def test_gzip_members_and_bodies_are_inflated_by_isa_l(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []

    def counted(wbits: int) -> object:
        made.append(wbits)
        return real(wbits)

    real = isal_zlib.decompressobj
    monkeypatch.setattr(isal_zlib, "decompressobj", counted)
    monkeypatch.setattr(zlib, "decompressobj", None)  # warcio's own inflate is not used
    pages = _encoded_then_plain(tmp_path / "gz.warc.gz", "gzip", gzip.compress(PAGE))
    assert pages == [("https://a.example/gzip", PAGE), ("https://a.example/after", PAGE)]
    # one per WARC member (the two responses) and one for the gzip body
    assert made == [16 + isal_zlib.MAX_WBITS] * 3


def test_an_odd_record_costs_that_record_only(tmp_path: Path) -> None:
    path = tmp_path / "odd.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        html = [("Content-Type", HTML)]
        _response(writer, "https://a.example/status", "OK 200", html, PAGE)
        _response(writer, "https://a.example/date", "200 OK", html, PAGE, date="yesterday")
        _response(writer, "https://a.example/day", "200 OK", html, PAGE, date="2024-03-07")
        _response(writer, "https://a.example/good", "200 OK", html, PAGE)
    records = _read(path)
    assert [r.url for r in records if isinstance(r, ArchivedPage)] == ["https://a.example/good"]
    assert [(r.reason, r.url) for r in records if isinstance(r, Skipped) and r.malformed] == [
        ("bad_status", "https://a.example/status"),
        ("bad_date", "https://a.example/date"),
        ("bad_date", "https://a.example/day"),
    ]


def test_a_record_without_http_headers_costs_that_record_only(tmp_path: Path) -> None:
    good = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE
    path = tmp_path / "raw.warc"
    path.write_bytes(
        _raw_response("https://a.example/empty0001", b"")
        + _raw_response("https://a.example/blank0002", b"\r\n\r\n" + PAGE)
        + _raw_response("https://a.example/good0003", good)
    )
    records = _read(path)
    assert [r.url for r in records if isinstance(r, ArchivedPage)] == ["https://a.example/good0003"]
    assert [r.reason for r in records if isinstance(r, Skipped)] == [
        "no_http_headers",
        "no_http_headers",
    ]


@pytest.mark.parametrize("name", ["empty.warc", "empty.warc.gz"])
def test_a_zero_byte_archive_is_not_a_quiet_empty_run(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(EmptyArchive):
        _read(path)
