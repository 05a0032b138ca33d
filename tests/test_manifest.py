from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import scrapy
import trafilatura

from newscrawl import __version__
from newscrawl.manifest import build_manifest, settings_digest, summary_line


def test_manifest_describes_the_run(tmp_path: Path) -> None:
    output = tmp_path / "apnews" / "run.jsonl"
    output.parent.mkdir()
    output.write_text('{"id": "1"}\n{"id": "2"}\n', "utf-8")
    stats = {
        "newscrawl/written": 2,
        "newscrawl/dropped/duplicate_near": 3,
        "newscrawl/dropped/no_text": 1,
        "newscrawl/skipped/already_written": 7,
        "log_count/ERROR": 1,
    }
    manifest = build_manifest(
        run_id="apnews-x",
        spider="apnews",
        started_at=datetime(2025, 3, 7, 12, 0, tzinfo=UTC),
        files=[(output, 2), (tmp_path / "gone.jsonl", 5)],
        stats=stats,
        reason="finished",
        settings={"DEDUP_MODE": "drop"},
    )
    assert manifest["run_id"] == "apnews-x"
    assert manifest["started_at"] == "2025-03-07T12:00:00Z"
    assert manifest["finish_reason"] == "finished"
    assert manifest["written"] == 2
    assert manifest["dropped"] == {"duplicate_near": 3, "no_text": 1}
    assert manifest["skipped_already_written"] == 7
    assert manifest["files"] == [
        {
            "path": str(output),
            "records": 2,
            "sha256": hashlib.sha256(output.read_bytes()).hexdigest(),
        }
    ]
    assert manifest["versions"] == {
        "newscrawl": __version__,
        "scrapy": scrapy.__version__,
        "trafilatura": trafilatura.__version__,
    }
    assert manifest["summary"] == (
        "2 written, 4 dropped (duplicate_near 3, no_text 1), 7 not downloaded (already written)"
    )


def test_settings_digest_changes_with_output_shaping_settings() -> None:
    base = settings_digest({"DEDUP_MODE": "drop", "DEDUP_THRESHOLD": 0.8})
    assert base == settings_digest({"DEDUP_THRESHOLD": 0.8, "DEDUP_MODE": "drop"})
    assert base != settings_digest({"DEDUP_MODE": "mark", "DEDUP_THRESHOLD": 0.8})


def test_summary_of_an_empty_run() -> None:
    assert summary_line({}) == "0 written, 0 dropped"
