"""The one WARC writer of the dev tooling: `response` and `warcinfo` records, with warcio."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}


def iso(moment: datetime) -> str:
    """WARC-Date notation: `2025-03-07T09:12:44Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(moment: datetime) -> str:
    """RFC 9110 date for HTTP headers: `Fri, 07 Mar 2025 09:12:44 GMT`."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def write_response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    fetched: datetime,
    record_id: str,
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
) -> None:
    """Write one `response` record: HTTP status line, headers (plus length and date), body."""
    http = StatusAndHeaders(
        status,
        [*(headers or []), ("Content-Length", str(len(body))), ("Date", http_date(fetched))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Record-ID": record_id, "WARC-Date": iso(fetched)},
    )
    writer.write_record(record)


def write_warcinfo(writer: WARCWriter, filename: str, record_id: str, date: datetime) -> None:
    """Write the leading `warcinfo` record with fixed id and date (reproducible output)."""
    fields = {
        "software": "newscrawl test tooling (warcio)",
        "format": "WARC File Format 1.0",
        "description": "Invented wire stories in page templates modeled on real news sites",
    }
    payload = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode()
    record = writer.create_warc_record(
        "",
        "warcinfo",
        payload=BytesIO(payload),
        length=len(payload),
        warc_headers_dict={
            "WARC-Record-ID": record_id,
            "WARC-Date": iso(date),
            "WARC-Filename": filename,
        },
    )
    writer.write_record(record)


def write_warc(
    path: Path,
    records: list[tuple[str, int, str, bytes]],
    *,
    gzip: bool = True,
    date: datetime = datetime(2024, 3, 7, 12, 0, tzinfo=UTC),
) -> Path:
    """Write `(url, status, content_type, body)` responses after a warcinfo; for small tests."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        write_warcinfo(writer, path.name, f"<urn:uuid:{uuid.uuid4()}>", date)
        for url, status, content_type, body in records:
            write_response(
                writer,
                url,
                body,
                fetched=date,
                record_id=f"<urn:uuid:{uuid.uuid4()}>",
                status=f"{status} {REASONS.get(status, 'Other')}",
                headers=[("Content-Type", content_type)],
            )
    return path
