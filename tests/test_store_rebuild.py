"""Rebuilding the dedup store from the written JSONL files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from devtools.dedup_corpus import load_stories
from newscrawl.dedup import Deduplicator, SQLiteStore
from newscrawl.health import EXIT_USAGE
from newscrawl.store_rebuild import rebuild, run_files
from newscrawl.urls import url_id
from tests.crawling import crawl, rebuild_store

if TYPE_CHECKING:
    from pathlib import Path

    from tests.mocksite.server import MockWireSite

STORIES = [s.text for s in load_stories()]


def _record(url: str, text: str, **changes: object) -> dict[str, object]:
    return {
        "id": url_id(url),
        "url": url,
        "canonical_url": url,
        "text": text,
        "crawled_at": "2024-05-01T12:00:00+00:00",
        **changes,
    }


def _write(path: Path, *lines: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{json.dumps(line)}\n" for line in lines), "utf-8")
    return path


def test_rebuild_marks_records_as_the_writer_did(tmp_path: Path) -> None:
    wire, copy = "https://wire.example/1", "https://paper.example/1"
    output = tmp_path / "output"
    _write(
        output / "apnews" / "2024-05-01T12-00-00Z-aaaa.jsonl",
        _record(wire, STORIES[0]),
        "not a record",
        _record(copy, STORIES[0], duplicate_of=url_id(wire)),  # written in mark mode
    )
    _write(
        output / "apnews" / "2024-05-02T12-00-00Z-bbbb.jsonl",
        _record(wire, STORIES[1], revision=2, crawled_at="2024-05-02T12:00:00+00:00"),
    )
    (output / "apnews" / "2024-05-03T12-00-00Z-cccc.jsonl.part").write_text("{", "utf-8")
    excluded = {"url": copy, "reason": "duplicate_exact", "stage": "dedup", "text": STORIES[0]}
    _write(output / "apnews" / "2024-05-01T12-00-00Z-aaaa.excluded.jsonl", excluded)
    files = run_files(output)
    assert [path.name[:10] for path in files] == ["2024-05-01", "2024-05-02"]

    report = rebuild(Deduplicator(SQLiteStore(tmp_path / "dedup.sqlite")), files)
    assert (report.files, report.records, report.rejected) == (2, 3, 1)

    after = Deduplicator(SQLiteStore(tmp_path / "dedup.sqlite"))
    latest = after.check(id=url_id(wire), canonical_url=wire, text=STORIES[1])
    assert (latest.kind, latest.revision) == ("unchanged", 2)
    assert after.check(id=url_id(copy), canonical_url=copy, text=STORIES[0]).kind == "unchanged"
    third = "https://other.example/1"
    verdict = after.check(id=url_id(third), canonical_url=third, text=STORIES[0])
    assert (verdict.kind, verdict.duplicate_of) == ("exact", url_id(wire))
    after.close()


def test_a_lost_store_is_rebuilt_and_a_rerun_writes_nothing(
    mock_site: MockWireSite, tmp_path: Path
) -> None:
    spider_args = ("-a", f"site={mock_site.base('apnews')}")
    first = crawl("apnews", tmp_path, *spider_args)
    assert first.returncode == 0, first.stderr
    written = first.manifests("apnews")[0]["written"]
    assert written == len(mock_site.article_paths("apnews"))

    refused = rebuild_store(tmp_path)
    assert refused.returncode == EXIT_USAGE
    assert "move it away first" in refused.stderr

    for path in tmp_path.glob("dedup.sqlite*"):
        path.unlink()
    rebuilt = rebuild_store(tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"from {written} records in 1 files" in rebuilt.stderr
    assert "Traceback" not in rebuilt.stderr

    articles = set(mock_site.article_paths("apnews"))
    before = len(mock_site.hits("apnews"))
    rerun = crawl("apnews", tmp_path, *spider_args)
    assert rerun.returncode == 0, rerun.stderr
    assert [p for p in mock_site.hits("apnews")[before:] if p in articles] == []
    assert rerun.manifests("apnews")[-1]["written"] == 0
