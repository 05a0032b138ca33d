"""End-to-end crawls through Scrapy: the mock wire site, the generic spiders, WARC archives."""

from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE
from tests.crawling import PROJECT_DIR, crawl
from tests.mocksite.server import MockWireSite
from tests.readers import POISON

GOLDEN_DIR = Path(__file__).parent / "golden"
DEMO_WARC = PROJECT_DIR / "data" / "demo.warc.gz"
WIRE_SPIDERS = ("reuters", "apnews", "afp", "upi")
# Fields that differ from run to run by nature; everything else must match the golden file.
VOLATILE_FIELDS = ("crawled_at", "run_id")
MOCK_BASE = "http://mock"


def comparable(
    records: list[dict[str, Any]], site: MockWireSite, service: str
) -> list[dict[str, Any]]:
    """Records without volatile fields, the mock's port replaced, sorted by URL."""
    base = site.base(service)
    cleaned = []
    for record in records:
        record = {k: v for k, v in record.items() if k not in VOLATILE_FIELDS}
        record["url"] = record["url"].replace(base, MOCK_BASE)
        cleaned.append(record)
    return sorted(cleaned, key=lambda r: r["url"])


def golden(name: str) -> list[dict[str, Any]]:
    path = GOLDEN_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("spider", WIRE_SPIDERS)
def test_wire_spider_writes_the_golden_records_once(
    spider: str, mock_site: MockWireSite, tmp_path: Path
) -> None:
    site_arg = ("-a", f"site={mock_site.base(spider)}")
    first = crawl(spider, tmp_path, *site_arg)
    assert first.returncode == 0, first.stderr
    assert comparable(first.records(spider), mock_site, spider) == golden(spider)

    fetched = set(mock_site.hits(spider))
    articles = set(mock_site.article_paths(spider))
    assert articles <= fetched
    assert "/robots.txt" in fetched
    for path in fetched:
        # Only robots.txt, sitemaps/feeds and article pages: no hub, video or disallowed page.
        is_document = "xml" in path or "rss" in path or "feed" in path or path == "/robots.txt"
        assert is_document or path in articles, f"{spider} fetched {path}"

    before = len(mock_site.hits(spider))
    second = crawl(spider, tmp_path, *site_arg)
    assert second.returncode == 0, second.stderr
    assert second.records(spider) == first.records(spider)  # nothing new written
    assert not articles & set(mock_site.hits(spider)[before:])  # and nothing downloaded again
    assert second.manifests(spider)[-1]["written"] == 0


def test_generic_sitemap_spider_drops_bad_pages_with_reasons(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    result = crawl("sitemap", tmp_path, "-a", f"url={mock_site.base('newspaper')}/sitemap.xml")
    assert result.returncode == 0, result.stderr
    (manifest,) = result.manifests("sitemap")
    assert manifest["dropped"] == {"empty": 1, "no_text": 1, "not_html": 1}
    records = {r["title"]: r for r in result.records("sitemap")}
    assert manifest["written"] == len(records) == 3
    (cafe,) = [r for r in records.values() if "Müller" in r["text"] or "Muller" in r["url"]]
    assert "Ã" not in cafe["text"] and "é" in cafe["text"]  # the HTTP charset, not <meta>, won
    assert not any("/members/" in path for path in mock_site.hits("newspaper"))


def test_feed_spider_reads_rss_and_atom(mock_site: MockWireSite, tmp_path: Path) -> None:
    rss = crawl("feed", tmp_path, "-a", f"url={mock_site.base('newspaper')}/feeds/rss.xml")
    assert rss.returncode == 0, rss.stderr
    atom = crawl("feed", tmp_path, "-a", f"url={mock_site.base('newspaper')}/feeds/atom.xml")
    assert atom.returncode == 0, atom.stderr
    urls = [r["url"] for r in rss.records("feed")]
    assert len(urls) == len(set(urls)) == 3  # cafe, dredging, syndicated copy
    manifest = atom.manifests("feed")[-1]
    assert manifest["written"] == 0  # cafe and dredging were written by the RSS run
    assert manifest["dropped"] == {"no_text": 1}
    assert manifest["skipped_already_written"] == 2


def test_syndicated_copy_is_caught_across_sources(mock_site: MockWireSite, tmp_path: Path) -> None:
    ap = crawl("apnews", tmp_path, "-a", f"site={mock_site.base('apnews')}")
    assert ap.returncode == 0, ap.stderr
    paper = crawl("sitemap", tmp_path, "-a", f"url={mock_site.base('newspaper')}/sitemap.xml")
    assert paper.returncode == 0, paper.stderr
    assert paper.manifests("sitemap")[0]["dropped"]["duplicate_near"] == 1

    marked = crawl(
        "sitemap",
        tmp_path / "mark",
        "-a",
        f"url={mock_site.base('newspaper')}/sitemap.xml",
        settings={"DEDUP_STORE": f"sqlite:///{tmp_path / 'dedup.sqlite'}", "DEDUP_MODE": "mark"},
    )
    assert marked.returncode == 0, marked.stderr
    original = next(r for r in ap.records("apnews") if "mill" in r["url"])
    copies = [r for r in marked.records("sitemap") if r["duplicate_of"]]
    assert [c["duplicate_of"] for c in copies] == [original["id"]]


def test_output_option_still_works(mock_site: MockWireSite, tmp_path: Path) -> None:
    target = tmp_path / "mine.jsonl"
    result = crawl("upi", tmp_path, "-a", f"site={mock_site.base('upi')}", "-O", str(target))
    assert result.returncode == 0, result.stderr
    mine = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in mine) == sorted(r["id"] for r in result.records("upi"))
    assert len(mine) == len(mock_site.article_paths("upi"))


def _demo_counts(result: Any) -> tuple[int, dict[str, int]]:
    (manifest,) = result.manifests("warc")
    return manifest["written"], manifest["dropped"]


def test_warc_spider_on_the_demo_archive(tmp_path: Path) -> None:
    result = crawl("warc", tmp_path, "-a", f"path={DEMO_WARC}")
    assert result.returncode == 0, result.stderr
    written, dropped = _demo_counts(result)
    assert (written, dropped) == (16, {"duplicate_near": 1, "no_text": 1})
    records = result.records("warc")
    assert all(r["url"].startswith("https://") for r in records)  # the records' original URLs
    assert all(r["crawled_at"].startswith("2025-") for r in records)  # their WARC dates

    again = crawl("warc", tmp_path, "-a", f"path={DEMO_WARC}")
    assert again.returncode == 0, again.stderr
    assert again.manifests("warc")[-1]["written"] == 0  # re-reading an archive writes nothing new


def test_process_pool_writes_what_one_process_writes(tmp_path: Path) -> None:
    pooled = crawl(
        "warc", tmp_path / "pool", "-a", f"path={DEMO_WARC}", settings={"EXTRACT_WORKERS": "2"}
    )
    single = crawl(
        "warc", tmp_path / "one", "-a", f"path={DEMO_WARC}", settings={"EXTRACT_WORKERS": "0"}
    )
    assert pooled.returncode == single.returncode == 0, pooled.stderr + single.stderr

    def strip(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(
            ({k: v for k, v in r.items() if k not in VOLATILE_FIELDS} for r in records),
            key=lambda r: r["id"],
        )

    assert strip(pooled.records("warc")) == strip(single.records("warc"))
    assert len(pooled.records("warc")) == 16


@pytest.mark.parametrize(
    ("reader", "reason"),
    [
        ("tests.readers.read_page_or_die", "worker_crashed"),
        ("tests.readers.read_page_or_hang", "extraction_timeout"),
        ("tests.readers.read_page_or_spin_catching_everything", "extraction_timeout"),
        ("tests.readers.read_page_or_block_signals", "extraction_timeout"),
    ],
)
def test_a_page_that_breaks_its_worker_is_dropped_and_the_rest_written(
    reader: str, reason: str, tmp_path: Path
) -> None:
    """A page that kills its worker, or never finishes, costs that page alone."""
    log = tmp_path / "crawl.log"
    result = crawl(
        "warc",
        tmp_path,
        "-a",
        f"path={DEMO_WARC}",
        settings={
            "EXTRACT_FUNCTION": reader,
            "EXTRACT_WORKERS": "2",
            "EXTRACT_TIMEOUT": "2",  # 100 times what a page takes, for a loaded machine
            "LOG_FILE": str(log),
        },
    )
    assert result.returncode == 0, result.stderr
    written, dropped = _demo_counts(result)
    # the pages in the dead worker's pool were read again, the pages after a stuck one not held
    # up for ever: only the bad page is lost
    assert (written, dropped) == (15, {"duplicate_near": 1, "no_text": 1, reason: 1})
    assert not any(POISON in r["url"] for r in result.records("warc"))
    if reader.endswith("block_signals"):  # only the crawl process's deadline could end it
        assert "An extraction worker hung" in log.read_text("utf-8")
    if reason == "worker_crashed":
        text = log.read_text("utf-8")
        assert "An extraction worker died" in text
        assert "newscrawl/extract/pool_restarts" in text


def test_missing_warc_is_one_clear_line(tmp_path: Path) -> None:
    result = crawl("warc", tmp_path, "-a", f"path={tmp_path / 'nope.warc.gz'}")
    assert result.returncode == EXIT_USAGE
    assert "no WARC file at" in result.stderr
    assert "Traceback" not in result.stderr


def test_damaged_warc_stops_cleanly_after_writing_what_precedes(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.warc.gz"
    data = DEMO_WARC.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    result = crawl("warc", tmp_path, "-a", f"path={damaged}")
    assert result.returncode == EXIT_UNHEALTHY
    assert "Traceback" not in result.stderr
    (manifest,) = result.manifests("warc")
    assert manifest["finish_reason"] == "archive_damaged"
    assert 0 < manifest["written"] < 16
    assert len(result.records("warc")) == manifest["written"]


def test_warc_spider_keeps_only_the_given_domains(tmp_path: Path) -> None:
    copy = tmp_path / "demo.warc.gz"
    shutil.copy(DEMO_WARC, copy)
    result = crawl("warc", tmp_path, "-a", f"path={copy}", "-a", "domains=apnews.com")
    assert result.returncode == 0, result.stderr
    urls = [r["url"] for r in result.records("warc")]
    assert urls and all(u.startswith("https://apnews.com/") for u in urls)


def _event_order(log: str) -> tuple[int, int]:
    """Line numbers of the last article download and of the second record written."""
    lines = log.splitlines()
    crawled = [i for i, line in enumerate(lines) if "Crawled (200)" in line and "/article/" in line]
    wrote = [i for i, line in enumerate(lines) if "Wrote " in line]
    assert len(crawled) >= 3 and len(wrote) >= 2, log[-2000:]
    return crawled[-1], wrote[1]


@pytest.mark.parametrize(("workers", "downloads_wait"), [("1", False), ("0", True)])
def test_downloads_go_on_while_pages_are_extracted(
    workers: str, downloads_wait: bool, mock_site: MockWireSite, tmp_path: Path
) -> None:
    log = tmp_path / "crawl.log"
    result = crawl(
        "apnews",
        tmp_path,
        "-a",
        f"site={mock_site.base('apnews')}",
        settings={
            "EXTRACT_FUNCTION": "tests.readers.read_page_slowly",
            "EXTRACT_WORKERS": workers,
            # Article downloads spaced out, so they overlap the extraction of earlier ones.
            "DOWNLOAD_DELAY": "0.3",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            "LOG_LEVEL": "DEBUG",
            "LOG_FILE": str(log),
        },
    )
    assert result.returncode == 0, result.stderr
    last_download, second_write = _event_order(log.read_text("utf-8"))
    # In worker processes, slow extraction does not hold up downloads: every article is fetched
    # before the second record is written. In the crawl process itself, it does.
    assert (last_download > second_write) is downloads_wait


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def test_warc_spider_streams_an_archive_over_http(tmp_path: Path) -> None:
    handler = partial(_QuietHandler, directory=str(DEMO_WARC.parent))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/{DEMO_WARC.name}"
        try:
            result = crawl("warc", tmp_path, "-a", f"path={url}")
        finally:
            server.shutdown()
            thread.join()
    assert result.returncode == 0, result.stderr
    assert _demo_counts(result) == (16, {"duplicate_near": 1, "no_text": 1})


@pytest.mark.parametrize("spider", ["sitemap", "feed"])
def test_generic_spiders_need_a_url(spider: str, tmp_path: Path) -> None:
    result = crawl(spider, tmp_path)
    assert result.returncode == EXIT_USAGE
    assert "needs -a url=" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("spider", "argument"),
    [
        ("sitemap", "url=127.0.0.1/sitemap.xml"),
        ("feed", "url=ftp://127.0.0.1/feed.xml"),
        ("sitemap", "url=http://127.0.0.1:99999/sitemap.xml"),
        ("apnews", "site=localhost:8080"),
    ],
)
def test_a_url_argument_that_is_no_web_address_is_one_line_before_any_fetch(
    spider: str, argument: str, tmp_path: Path
) -> None:
    result = crawl(spider, tmp_path, "-a", argument)
    assert result.returncode == EXIT_USAGE
    name, _, value = argument.partition("=")
    takes = "an http(s):// or file:// URL" if name == "url" else "http(s)://host[:port]"
    assert f"-a {name} takes {takes}, not {value!r}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_damaged_archive_ends_that_archive_only(tmp_path: Path) -> None:
    data = DEMO_WARC.read_bytes()
    (tmp_path / "a-damaged.warc.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "b-empty.warc.gz").write_bytes(b"")
    shutil.copy(DEMO_WARC, tmp_path / "c-good.warc.gz")
    result = crawl("warc", tmp_path, "-a", f"path={tmp_path}/*.warc.gz")
    assert result.returncode == EXIT_UNHEALTHY
    assert "archive_damaged" in result.stderr
    (manifest,) = result.manifests("warc")
    assert manifest["finish_reason"] == "archive_damaged"
    assert manifest["faults"]["warc/damaged"] == 1
    assert manifest["faults"]["warc/empty"] == 1
    assert manifest["written"] == 16  # the good archive after them was read whole


def test_a_zero_byte_archive_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    result = crawl("warc", tmp_path, "-a", f"path={empty}")
    assert result.returncode == EXIT_UNHEALTHY
    (manifest,) = result.manifests("warc")
    assert manifest["finish_reason"] == "archive_empty"
    assert manifest["faults"] == {"warc/empty": 1}


def test_unchanged_child_sitemaps_are_not_fetched_again(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    site_arg = ("-a", f"site={mock_site.base('reuters')}")
    first = crawl("reuters", tmp_path, *site_arg)
    assert first.returncode == 0, first.stderr
    children = {hit for hit in mock_site.hits("reuters") if "from=" in hit or "date=" in hit}
    assert len(children) == 4
    before = len(mock_site.hits("reuters"))
    second = crawl("reuters", tmp_path, *site_arg)
    assert second.returncode == 0, second.stderr
    assert not children & set(mock_site.hits("reuters")[before:])  # only the indexes again
    assert second.manifests("reuters")[-1]["written"] == 0
