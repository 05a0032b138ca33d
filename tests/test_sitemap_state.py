from __future__ import annotations

from pathlib import Path

from newscrawl.discovery import Candidate
from newscrawl.sitemap_state import SitemapState
from newscrawl.spiders.base import newest_first


def test_a_child_read_at_its_lastmod_is_unchanged_next_run(tmp_path: Path) -> None:
    path = tmp_path / "apnews" / "sitemap-lastmods.json"
    first = SitemapState(path)
    assert not first.unchanged("https://a.example/s1.xml", "2024-03-07")
    first.read("https://a.example/s1.xml", "2024-03-07")
    first.read("https://a.example/s2.xml", None)  # undated: always fetched
    first.save()
    second = SitemapState(path)
    assert second.unchanged("https://a.example/s1.xml", "2024-03-07")
    assert not second.unchanged("https://a.example/s1.xml", "2024-03-08")  # it changed
    assert not second.unchanged("https://a.example/s2.xml", None)


def test_an_unsaved_run_marks_nothing_and_a_damaged_file_costs_a_refetch(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = SitemapState(path)
    state.read("https://a.example/s1.xml", "2024-03-07")  # the run then stopped early
    assert not SitemapState(path).unchanged("https://a.example/s1.xml", "2024-03-07")
    path.write_text("{not json")
    assert not SitemapState(path).unchanged("https://a.example/s1.xml", "2024-03-07")
    assert not list(tmp_path.glob("*.part"))  # never taken for a JSONL part by recovery


def test_children_newest_first_undated_last() -> None:
    children = [
        Candidate("https://a.example/old.xml", lastmod="2024-01-01", is_index=True),
        Candidate("https://a.example/undated.xml", is_index=True),
        Candidate("https://a.example/new.xml", lastmod="2024-03-01", is_index=True),
    ]
    assert [c.url.rsplit("/", 1)[1] for c in newest_first(children)] == [
        "new.xml",
        "old.xml",
        "undated.xml",
    ]
