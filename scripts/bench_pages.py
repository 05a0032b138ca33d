"""The bench's real-page archive: the pages of ../shared/eval in one `.warc.gz`, cached outside git.

aeb (`html/<id>.html.gz`, URL from `ground-truth.json`), fundus (`<country>/*.html.gz`, URL and
crawl date from `meta.info`; pages it gives no URL are left out) and the l3s dev set
(`l3s/pages.warc.gz`, its response records as they are). Written with the dev tooling's WARC
writer under `.bench/` (git-ignored), named by a digest of the input files' names and sizes, so
it is built once per eval set. The pages stay there: never copy them into the repository.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from devtools.warc import write_response, write_warcinfo

HTML = "text/html; charset=utf-8"
UNDATED = datetime(2024, 1, 1, tzinfo=UTC)  # WARC-Date of pages whose crawl date is unknown


def eval_files(eval_dir: Path) -> list[Path]:
    """Every input file the archive is built from, in a fixed order."""
    return [
        eval_dir / "aeb" / "ground-truth.json",
        *sorted((eval_dir / "aeb" / "html").glob("*.html.gz")),
        *sorted((eval_dir / "fundus").glob("*/meta.info")),
        *sorted((eval_dir / "fundus").glob("*/*.html.gz")),
        eval_dir / "l3s" / "pages.warc.gz",
    ]


def real_warc_path(eval_dir: Path, cache_dir: Path) -> Path:
    """Where the archive of this eval set is cached: named by its input files' names and sizes."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in eval_files(eval_dir):
        digest.update(f"{path.relative_to(eval_dir)} {path.stat().st_size}\n".encode())
    return cache_dir / f"real-pages-{digest.hexdigest()[:8]}.warc.gz"


def ensure_real_warc(eval_dir: Path, cache_dir: Path) -> Path:
    """The cached real-page archive, built first (to a temporary name, then renamed) if missing."""
    path = real_warc_path(eval_dir, cache_dir)
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("real-pages-*.warc.gz"):
        stale.unlink()  # an older eval set or builder: never read again
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        write_warcinfo(writer, path.name, _record_id("warcinfo", path.name), UNDATED)
        for url, fetched, headers, body in _pages(eval_dir):
            write_response(
                writer,
                url,
                body,
                fetched=fetched,
                record_id=_record_id("response", url),
                headers=headers,
            )
    os.replace(partial, path)
    return path


def _pages(eval_dir: Path) -> Iterator[tuple[str, datetime, list[tuple[str, str]], bytes]]:
    truth = json.loads((eval_dir / "aeb" / "ground-truth.json").read_text("utf-8"))
    for page_id, record in sorted(truth.items()):
        body = gzip.decompress((eval_dir / "aeb" / "html" / f"{page_id}.html.gz").read_bytes())
        yield record["url"], UNDATED, [("Content-Type", HTML)], body
    for meta_file in sorted((eval_dir / "fundus").glob("*/meta.info")):
        meta = json.loads(meta_file.read_text("utf-8"))
        for page_file in sorted(meta_file.parent.glob("*.html.gz")):
            info = meta.get(page_file.name) or {}
            if not info.get("url"):
                continue
            crawled = info.get("crawl_date")
            fetched = datetime.fromisoformat(crawled).replace(tzinfo=UTC) if crawled else UNDATED
            body = gzip.decompress(page_file.read_bytes())
            yield info["url"], fetched, [("Content-Type", HTML)], body
    with (eval_dir / "l3s" / "pages.warc.gz").open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            fetched = datetime.fromisoformat(
                record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")
            )
            headers = [
                (name, value)
                for name, value in record.http_headers.headers
                if name.lower() not in ("content-length", "date", "transfer-encoding")
            ]
            url = record.rec_headers.get_header("WARC-Target-URI")
            yield url, fetched, headers, record.content_stream().read()


def _record_id(kind: str, uri: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind} {uri}')}>"
