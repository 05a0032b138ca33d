"""The run component (`newscrawl.run.Run`) end to end: settings checked at start, site rules by
host for archive pages, the store's lifetime whatever pipelines run, a broken store at start."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.warcwriter import WARCWriter

from devtools.warc import write_response
from newscrawl.health import EXIT_USAGE
from newscrawl.settings import ITEM_PIPELINES
from tests.crawling import PROJECT_DIR, crawl

DEMO_WARC = PROJECT_DIR / "data" / "demo.warc.gz"
GOLDEN = Path(__file__).parent / "golden" / "warc.jsonl"


def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in r.items() if k != "run_id"} for r in records), key=_url)


def _url(record: dict[str, Any]) -> str:
    return record["url"]


def test_archive_pages_of_wire_sites_get_the_wire_rules(tmp_path: Path) -> None:
    """The `warc` spider's Reuters pages lose the trust line, as the `reuters` spider's do."""
    result = crawl("warc", tmp_path, "-a", f"path={DEMO_WARC}")
    assert result.returncode == 0, result.stderr
    records = result.records("warc")
    golden = [json.loads(line) for line in GOLDEN.read_text("utf-8").splitlines()]
    assert comparable(records) == golden
    reuters = [r for r in records if "reuters.com" in r["url"]]
    assert len(reuters) == 4
    assert all(r["agency"] == "Reuters" and r["source"] == "warc" for r in reuters)
    assert not any("Trust Principles" in r["text"] for r in records)
    (manifest,) = result.manifests("warc")
    assert manifest["errors"] == 0


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("DEDUP_MODE=sometimes", "DEDUP_MODE must be one of drop, mark, off"),
        ("DEDUP_STORE=mysql://db/dedup", "unknown scheme 'mysql'"),
        ("DEDUP_BANDS=0", "near-duplicate settings"),
        ("EXTRACT_WORKERS=two", "EXTRACT_WORKERS must be a whole number of at least 0, not 'two'"),
        ("EXTRACT_WORKERS=-1", "EXTRACT_WORKERS must be a whole number of at least 0, not '-1'"),
        ("OUTPUT_SYNC_EVERY=2.5", "OUTPUT_SYNC_EVERY must be a whole number of at least 0"),
        ("HEALTH_MAX_ERRORS=many", "HEALTH_MAX_ERRORS must be a whole number of at least 0"),
        ("CONCURRENT_ITEMS=-3", "CONCURRENT_ITEMS must be a whole number of at least 0, not '-3'"),
        ("LOG_KEEP_DAYS=month", "LOG_KEEP_DAYS must be a number of at least 0, not 'month'"),
        ("ARCHIVE_LEASE=0", "ARCHIVE_LEASE must be more than 0 seconds"),
        ("EXCLUSIONS_ENABLED=maybe", "EXCLUSIONS_ENABLED must be True or False (or 1, 0)"),
        ("ALLOW_PRIVATE_ADDRESSES=yes", "ALLOW_PRIVATE_ADDRESSES must be True or False"),
        ("EXTRACT_FUNCTION=nowhere.read_page", "importable module, not 'nowhere.read_page'"),
        ("REDIS_URL=db.lan:6379", "REDIS_URL 'db.lan:6379': Redis URL must specify one of"),
        ("REDIS_URL=redis://127.0.0.1:99999/0", "Port out of range"),
        ("DEDUP_STORE=redis://127.0.0.1:1/0?claim_ttl=soon", "claim_ttl=soon': invalid literal"),
    ],
)
def test_a_bad_run_setting_is_one_line_and_exit_2(
    tmp_path: Path, setting: str, message: str
) -> None:
    name, value = setting.split("=", 1)
    result = crawl("warc", tmp_path, "-a", f"path={DEMO_WARC}", settings={name: value})
    assert result.returncode == EXIT_USAGE
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_an_output_dir_that_cannot_be_made_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    output = blocker / "runs"
    result = crawl(
        "warc", tmp_path, "-a", f"path={DEMO_WARC}", settings={"OUTPUT_DIR": str(output)}
    )
    assert result.returncode == EXIT_USAGE
    assert f"OUTPUT_DIR {str(output)!r} cannot be made: {str(blocker)!r} is a file" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "a file, not a folder"
    assert not (tmp_path / "dedup.sqlite").exists()


def test_a_corrupt_store_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    store = tmp_path / "broken.sqlite"
    store.write_bytes(b"this is not an SQLite database " * 200)
    result = crawl(
        "warc", tmp_path, "-a", f"path={DEMO_WARC}", settings={"DEDUP_STORE": f"sqlite:///{store}"}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"Cannot open the dedup store sqlite:///{store}" in result.stderr
    assert result.records("warc") == []
    (manifest,) = result.manifests("warc")
    assert manifest["finish_reason"] == "store_unusable"


def test_the_store_is_closed_even_without_the_writer(tmp_path: Path) -> None:
    """The run, not the writer pipeline, closes the store: nothing is left open or half-done."""
    store = tmp_path / "dedup.sqlite"
    pipelines = json.dumps({**ITEM_PIPELINES, "newscrawl.pipelines.WriteJsonlPipeline": None})
    result = crawl(
        "warc",
        tmp_path,
        "-a",
        f"path={DEMO_WARC}",
        settings={"DEDUP_STORE": f"sqlite:///{store}", "ITEM_PIPELINES": pipelines},
    )
    assert result.returncode == 0, result.stderr
    assert store.exists()
    assert not Path(f"{store}-wal").exists()  # SQLite removes its log when the last user closes
    (manifest,) = result.manifests("warc")
    assert manifest["files"] == []
    assert manifest["errors"] == 0
    # the other stages ran; with nothing written, the syndicated copy has nothing to match
    assert manifest["dropped"] == {"no_text": 1}


PARAGRAPHS = [
    "Officials in the river port said on Tuesday that the new ferry terminal would open to "
    "passengers in the spring, two years later than first planned, after delays in the delivery "
    "of steel for its floating pontoons and a dispute over the cost of dredging the approach.",
    "The terminal, built on the site of a former grain warehouse, is meant to handle up to "
    "twelve sailings a day to the islands downstream, replacing a cramped landing stage that "
    "has served the route since the nineteen-fifties and floods several times each winter.",
    "Local businesses have welcomed the project but say the delays have cost them a season of "
    "visitors. The regional council said it would extend a discount on fares for residents "
    "until the end of next year to make up for the disruption caused by the building work.",
]


def _page_with_printed_dateline() -> bytes:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        "<html><head><title>Ferry terminal delayed</title></head><body><article>"
        "<h1>Ferry terminal delayed to spring</h1>"
        '<div class="byline-box">ROUEN, France (AFP)</div>'
        f"<div class='story'>{body}</div></article></body></html>"
    ).encode()


def test_a_dateline_printed_apart_from_the_text_is_read_from_the_page(tmp_path: Path) -> None:
    archive = tmp_path / "printed.warc.gz"
    with open(archive, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        write_response(
            writer,
            "https://news.example.org/2025/03/ferry-terminal",
            _page_with_printed_dateline(),
            fetched=datetime(2025, 3, 5, 9, 0, tzinfo=UTC),
            record_id="<urn:uuid:6e0c2a3e-0000-4000-8000-000000000001>",
            headers=[("Content-Type", "text/html; charset=utf-8")],
        )
    result = crawl("warc", tmp_path, "-a", f"path={archive}")
    assert result.returncode == 0, result.stderr
    (record,) = result.records("warc")
    assert record["dateline"] == {
        "raw": "ROUEN, France (AFP)",
        "location": "ROUEN, France",
        "date": None,
        "agency": "AFP",
    }
    assert record["text"].startswith("Officials in the river port")
    assert record["agency"] == "AFP"
