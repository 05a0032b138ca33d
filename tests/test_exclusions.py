"""Exclusion files: every page a run did not write, with its reason, next to the run."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy.exceptions import DropItem

from newscrawl.exclusions import EXCLUDED_SUFFIX, STAGES, exclusion_line
from newscrawl.items import Article, Page
from newscrawl.pipelines import ArticleDropped
from newscrawl.reasons import Reason
from tests.crawling import crawl
from tests.records import article_html, write_pages_warc

NO_TEXT = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"


def test_every_reason_has_a_stage() -> None:
    assert set(STAGES) == set(Reason)


def test_a_page_dropped_before_extraction_has_no_text() -> None:
    page = Page(url="https://x.example/a", body=b"", source="warc")
    line = exclusion_line(page, ArticleDropped("empty", "https://x.example/a"), "run-1")
    assert line == {
        "url": "https://x.example/a",
        "reason": "empty",
        "detail": "https://x.example/a",
        "stage": "decode",
        "source": "warc",
        "run_id": "run-1",
    }


def test_a_record_dropped_after_extraction_keeps_its_title_and_text() -> None:
    page = Page(url="https://x.example/copy", body=b"<html>", source="warc")
    article = Article(id="c", url=page.url, source="warc", title="Copy", text="Body.")
    drop = ArticleDropped("duplicate_near", "https://x.example/copy of o", article)
    line = exclusion_line(page, drop, "run-1")
    assert line is not None
    assert (line["stage"], line["id"], line["title"], line["text"]) == (
        "dedup",
        "c",
        "Copy",
        "Body.",
    )


def test_a_drop_without_a_registry_reason_is_not_recorded() -> None:
    page = Page(url="https://x.example/a", body=b"", source="warc")
    assert exclusion_line(page, DropItem("something else"), "run-1") is None


def archive(tmp_path: Path) -> Path:
    story = article_html("Tarnby", "ferry")
    return write_pages_warc(
        tmp_path / "pages.warc.gz",
        [
            ("https://wire.example/original", story, {}),
            ("https://paper.example/copy", story, {}),
            ("https://paper.example/empty", NO_TEXT, {}),
        ],
    )


def test_a_crawl_records_every_page_it_did_not_write(tmp_path: Path) -> None:
    result = crawl("warc", tmp_path, "-a", f"path={archive(tmp_path)}")
    assert result.returncode == 0, result.stderr
    assert [r["url"] for r in result.records("warc")] == ["https://wire.example/original"]
    lines = {line["url"]: line for line in result.exclusions("warc")}
    assert set(lines) == {"https://paper.example/copy", "https://paper.example/empty"}
    copy, empty = lines["https://paper.example/copy"], lines["https://paper.example/empty"]
    assert (copy["reason"], copy["stage"]) == ("duplicate_exact", "dedup")
    assert copy["title"] == "Tarnby approves ferry plan" and "harbour district" in copy["text"]
    assert (empty["reason"], empty["stage"]) == ("no_text", "extract")
    assert "text" not in empty
    (run,) = result.run_files("warc")
    assert (run.parent / run.name.replace(".jsonl", EXCLUDED_SUFFIX)).exists()


def test_a_setting_turns_exclusion_files_off(tmp_path: Path) -> None:
    result = crawl(
        "warc",
        tmp_path,
        "-a",
        f"path={archive(tmp_path)}",
        settings={"EXCLUSIONS_ENABLED": "False"},
    )
    assert result.returncode == 0, result.stderr
    assert result.records("warc") and not list(result.output_dir.rglob(f"*{EXCLUDED_SUFFIX}*"))


def test_a_crashed_runs_exclusion_file_is_recovered_not_taken_for_records(tmp_path: Path) -> None:
    folder = tmp_path / "output" / "warc"
    folder.mkdir(parents=True)
    dead = {"url": "https://x.example/dead", "reason": "no_text", "detail": "", "stage": "extract"}
    (folder / f"dead{EXCLUDED_SUFFIX}.part").write_text(
        json.dumps(dead) + "\n" + json.dumps(dead) + '\n{"url": "https://x.exa', "utf-8"
    )
    result = crawl("warc", tmp_path, "-a", f"path={archive(tmp_path)}")
    assert result.returncode == 0, result.stderr
    recovered = folder / f"dead{EXCLUDED_SUFFIX}"
    assert [json.loads(line) for line in recovered.read_text("utf-8").splitlines()] == [dead] * 2
    assert len(result.records("warc")) == 1  # the exclusions were not read as run records
    assert not list(folder.glob("*.part"))
