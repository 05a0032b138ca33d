"""Write small WARC files for tests, with warcio."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def write_warc(
    path: Path,
    records: list[tuple[str, int, str, bytes]],
    *,
    gzip: bool = True,
    date: str = "2024-03-07T12:00:00Z",
) -> Path:
    """Write `(url, status, content_type, body)` response records (plus a warcinfo)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, status, content_type, body in records:
            http = StatusAndHeaders(
                f"{status} OK" if status == 200 else f"{status} Other",
                [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)
    return path
