"""The real pages of ../shared/eval, read once for both eval scripts (formats in its README.md).

aeb: `ground-truth.json` maps a page id to its URL and expected `articleBody`; the page is
`html/<id>.html.gz`. fundus: per country folder, `<Publisher>.json` maps parser versions to the
expected record of one page each, `<Publisher>_<date>.html.gz` are the pages and `meta.info`
gives each page file's URL and crawl date. A publisher's pages sorted by name (by date) map one
to one onto its version keys sorted by version. l3s: `pages.warc.gz` holds the pages,
`truth.jsonl` their labels by URL and `datelines.json` the labelled datelines (its README.md).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newscrawl.archives import ArchivedPage, read_archive
from newscrawl.cleanup import CleanupRules
from newscrawl.decoding import decode_html
from newscrawl.sources import source_for_url


@dataclass(frozen=True)
class AebPage:
    page_id: str  # the ground-truth key
    url: str
    html: str
    expected: str  # `articleBody`


@dataclass(frozen=True)
class FundusPage:
    page_id: str  # "<country>/<page file name without .html.gz>"
    publisher: str  # "<country>/<Publisher>"
    url: str | None
    crawl_date: str | None
    html: str
    record: dict  # the expected record of the page's parser version

    @property
    def summary(self) -> list[str]:
        """The expected standfirst paragraphs, as written."""
        return list(self.record["body"].get("summary", []))

    @property
    def sections(self) -> list[str]:
        """The expected section headlines and paragraphs, in order, as written."""
        return [
            line
            for section in self.record["body"].get("sections", [])
            for line in section.get("headline", []) + section.get("paragraphs", [])
        ]


def aeb_pages(folder: Path) -> Iterator[AebPage]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, record in sorted(truth.items()):
        html = _read_html(folder / "html" / f"{page_id}.html.gz")
        yield AebPage(page_id, record["url"], html, record["articleBody"])


def fundus_pages(folder: Path) -> Iterator[FundusPage]:
    for expected_file in sorted(folder.glob("*/*.json")):
        country = expected_file.parent
        versions = json.loads(expected_file.read_text(encoding="utf-8"))
        meta_file = country / "meta.info"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        page_files = sorted(country.glob(f"{expected_file.stem}_*.html.gz"))
        ordered = sorted(versions, key=_version_key)
        for page_file, version in zip(page_files, ordered, strict=True):
            info = meta.get(page_file.name, {})
            yield FundusPage(
                page_id=f"{country.name}/{page_file.name.removesuffix('.html.gz')}",
                publisher=f"{country.name}/{expected_file.stem}",
                url=info.get("url"),
                crawl_date=info.get("crawl_date"),
                html=_read_html(page_file),
                record=versions[version],
            )


def _read_html(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("V").split("_"))


@dataclass(frozen=True)
class L3sPage:
    page_id: str  # the uuid of the record's WARC-Record-ID
    url: str
    fetched_at: str  # WARC-Date
    html: str  # decoded as the crawl decodes it
    truth: dict  # the page's line of truth.jsonl


def l3s_truth(folder: Path) -> dict[str, dict]:
    """truth.jsonl by page URL."""
    lines = (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["url"]: record for record in map(json.loads, lines)}


def l3s_datelines(folder: Path) -> dict[str, dict | None]:
    """The labelled datelines by page URL; None for a page labelled as having none."""
    return json.loads((folder / "datelines.json").read_text(encoding="utf-8"))["entries"]


def l3s_pages(folder: Path) -> Iterator[L3sPage]:
    """The archive's pages, read and decoded as the `warc` spider and the crawl read them."""
    truth = l3s_truth(folder)
    with open(folder / "pages.warc.gz", "rb") as stream:
        for record in read_archive(stream):
            if not isinstance(record, ArchivedPage) or record.url not in truth:
                continue
            html = decode_html(record.body, record.headers.get("content-type"))
            line = truth[record.url]
            yield L3sPage(line["id"], record.url, record.fetched_at, html, line)


def agency_and_rules(url: str | None) -> tuple[str | None, CleanupRules | None]:
    """(agency, cleanup rules) of the source whose host serves `url`, as the pipeline sees it."""
    source = source_for_url(url or "")
    return (source.agency, source.rules) if source else (None, None)
