"""Verdict semantics of the Deduplicator: URL, revision, exact and near duplicates, modes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from devtools.dedup_corpus import WHEN, Story, load_stories, see
from newscrawl.dedup import (
    Deduplicator,
    NearDupParams,
    SQLiteStore,
    StoreMismatchError,
    Verdict,
    deduplicator,
)
from newscrawl.urls import url_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STORIES = {s.slug: s.text for s in load_stories()}
QUAKE = STORIES["quake-first"]
UPDATE = (
    "Rescuers found two more survivors under a collapsed school on Wednesday evening, the "
    "civil defence office said, raising hopes for the people still missing in the area."
)


def trimmed(text: str, keep: int) -> str:
    return "\n".join(text.split("\n")[:keep])


@pytest.fixture
def dedup(tmp_path: Path) -> Iterator[Deduplicator]:
    deduplicator = Deduplicator(SQLiteStore(tmp_path / "dedup.sqlite"))
    yield deduplicator
    deduplicator.close()


def test_new_then_unchanged(dedup: Deduplicator) -> None:
    assert see(dedup, "https://a.example/1", QUAKE) == Verdict("new", None, 1)
    assert see(dedup, "https://a.example/1", QUAKE) == Verdict("unchanged", None, 1)
    reformatted = QUAKE.replace("\n", "\n\n").replace('"', "\u201c")
    assert see(dedup, "https://a.example/1", reformatted).kind == "unchanged"


def test_near_identical_recrawl_is_unchanged(dedup: Deduplicator) -> None:
    see(dedup, "https://a.example/1", QUAKE)
    typo_fixed = QUAKE.replace("collapsing adobe homes", "collapsing adobe houses", 1)
    assert see(dedup, "https://a.example/1", typo_fixed).kind == "unchanged"


def test_added_paragraph_is_a_revision_whatever_the_sketch_says(
    dedup: Deduplicator, monkeypatch: pytest.MonkeyPatch
) -> None:
    see(dedup, "https://a.example/1", QUAKE)
    monkeypatch.setattr(deduplicator, "estimate_jaccard", lambda a, b: 1.0)
    longer = QUAKE + "\n" + UPDATE  # 8 % more shingles: the size ratio alone rules it out
    assert see(dedup, "https://a.example/1", longer).kind == "revision"


def test_changed_text_is_a_revision_never_a_near_duplicate_of_itself(
    dedup: Deduplicator,
) -> None:
    url = "https://a.example/1"
    see(dedup, url, QUAKE)
    updated = QUAKE + "\n" + UPDATE + "\n" + STORIES["quake-aid"].split("\n")[1]
    assert see(dedup, url, updated) == Verdict("revision", None, 2)
    assert see(dedup, url, updated) == Verdict("unchanged", None, 2)
    # repeating a paragraph it already has adds next to nothing: still the same text
    assert see(dedup, url, updated + "\n" + UPDATE.upper()).kind == "unchanged"
    second_update = updated + "\n" + STORIES["quake-aid"].split("\n")[3]
    assert see(dedup, url, second_update) == Verdict("revision", None, 3)
    # a copy of the revised text elsewhere points at the same record
    copy = "LIMA (AP) - " + "\n".join(second_update.split("\n")[1:])
    assert see(dedup, "https://b.example/copy", copy) == Verdict("near", url_id(url), 1)


def test_exact_copy_on_another_url(dedup: Deduplicator) -> None:
    see(dedup, "https://wire.example/quake", QUAKE)
    copy = QUAKE.replace("\n", "\n\n").upper()
    verdict = see(dedup, "https://paper.example/quake", copy)
    assert verdict == Verdict("exact", url_id("https://wire.example/quake"), 1)


def test_trimmed_and_edited_copy_is_near(dedup: Deduplicator) -> None:
    see(dedup, "https://wire.example/quake", QUAKE)
    copy = "LIMA, Peru (AP) -- " + trimmed(QUAKE, 7).replace("percent", "%") + "\nAP contributed."
    verdict = see(dedup, "https://paper.example/quake", copy)
    assert verdict == Verdict("near", url_id("https://wire.example/quake"), 1)


def test_same_event_different_stories_are_new(dedup: Deduplicator) -> None:
    events: dict[str, list[Story]] = {}
    for story in load_stories():
        events.setdefault(story.event, []).append(story)
    shared = [stories for stories in events.values() if len(stories) > 1]
    assert len(shared) >= 4  # quake, central bank, election, trial
    for stories in shared:  # same names, places, figures and quotes; different stories
        for story in stories:
            assert see(dedup, f"https://x.example/{story.slug}", STORIES[story.slug]).kind == "new"


def test_copy_found_before_flush_and_after(dedup: Deduplicator) -> None:
    see(dedup, "https://wire.example/1", QUAKE)
    assert see(dedup, "https://p.example/1", trimmed(QUAKE, 8), written=False).kind == "near"
    dedup.flush()
    assert see(dedup, "https://p.example/2", trimmed(QUAKE, 8), written=False).kind == "near"
    assert see(dedup, "https://wire.example/1", QUAKE).kind == "unchanged"


def test_marked_duplicates_point_at_the_original(dedup: Deduplicator) -> None:
    original = "https://wire.example/quake"
    see(dedup, original, QUAKE)
    first_copy = trimmed(QUAKE, 9)
    copy_url = "https://p.example/1"
    verdict = dedup.check(id=url_id(copy_url), canonical_url=copy_url, text=first_copy)
    assert verdict.kind == "near"
    # mark mode writes the copy: its URL is recorded, it is not a dedup target
    dedup.add(
        id=url_id(copy_url),
        canonical_url=copy_url,
        text=first_copy,
        verdict=verdict,
        lastmod=None,
        written_at=WHEN,
    )
    dedup.flush()
    assert dedup.url_written(copy_url)
    assert see(dedup, copy_url, first_copy).kind == "unchanged"
    exact_of_copy = see(dedup, "https://p.example/2", first_copy, written=False)
    assert exact_of_copy == Verdict("near", url_id(original), 1)


def test_content_dedup_off_keeps_url_logic(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    off = Deduplicator(SQLiteStore(path), content_dedup=False)
    assert see(off, "https://wire.example/1", QUAKE).kind == "new"
    assert see(off, "https://paper.example/1", QUAKE).kind == "new"
    assert see(off, "https://paper.example/2", trimmed(QUAKE, 8)).kind == "new"
    assert see(off, "https://wire.example/1", QUAKE).kind == "unchanged"
    assert see(off, "https://wire.example/1", QUAKE + "\n" + UPDATE).kind == "revision"
    off.flush()
    off.close()
    # texts written while content dedup was off are still found when it is on again
    on = Deduplicator(SQLiteStore(path))
    assert see(on, "https://other.example/1", QUAKE).kind == "exact"
    on.close()


def test_url_written_and_lastmod(dedup: Deduplicator) -> None:
    url = "https://wire.example/1"
    assert not dedup.url_written(url)
    see(dedup, url, QUAKE, lastmod="2024-05-01T10:00:00Z")
    assert dedup.url_written(url)  # visible before flush
    dedup.flush()
    assert dedup.url_written(url)
    assert dedup.url_written(url, "2024-05-01T10:00:00+00:00")
    assert dedup.url_written(url, "2024-05-01T11:00:00+01:00")  # same instant
    assert dedup.url_written(url, "2024-04-30")
    assert dedup.url_written(url, "not a date")
    assert not dedup.url_written(url, "2024-05-01T10:00:01Z")
    # an unchanged re-crawl remembers the newer lastmod, so the page is not fetched again
    assert see(dedup, url, QUAKE, lastmod="2024-05-02T08:00:00Z").kind == "unchanged"
    assert dedup.url_written(url, "2024-05-02T08:00:00Z")
    dedup.flush()
    assert dedup.url_written(url, "2024-05-02T08:00:00Z")
    assert not dedup.url_written(url, "2024-05-03")


def test_lastmod_falls_back_to_write_time(dedup: Deduplicator) -> None:
    url = "https://wire.example/1"
    see(dedup, url, QUAKE, when="2024-05-01T12:00:00Z")
    assert dedup.url_written(url, "2024-05-01T11:59:00Z")
    assert not dedup.url_written(url, "2024-05-01T12:30:00Z")


def test_written_at_must_be_a_time(dedup: Deduplicator) -> None:
    verdict = dedup.check(id="x", canonical_url="https://a.example/1", text=QUAKE)
    with pytest.raises(ValueError, match="written_at"):
        dedup.add(
            id="x",
            canonical_url="https://a.example/1",
            text=QUAKE,
            verdict=verdict,
            lastmod=None,
            written_at="yesterday",
        )


def test_short_texts_are_only_exact_duplicates(dedup: Deduplicator) -> None:
    assert see(dedup, "https://a.example/1", "Markets closed.").kind == "new"
    assert see(dedup, "https://a.example/2", "MARKETS  CLOSED.").kind == "exact"
    assert see(dedup, "https://a.example/3", "Markets closed today.").kind == "new"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bands": 100, "rows": 2},
        {"num_perm": 0},
        {"rows": 9, "bands": 1},
        {"threshold": 0.0},
        {"threshold": 1.5},
        {"shingle_size": 0},
        {"window_days": 0},
        {"unchanged_similarity": 2.0},
    ],
)
def test_invalid_params(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        NearDupParams(**kwargs)  # type: ignore[arg-type]


def test_store_refuses_other_fingerprint_params(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    Deduplicator(SQLiteStore(path)).close()
    Deduplicator(SQLiteStore(path), NearDupParams(threshold=0.7, window_days=30)).close()
    with pytest.raises(StoreMismatchError, match="bands=20"):
        Deduplicator(SQLiteStore(path), NearDupParams(bands=20))


def test_store_of_an_older_fingerprint_scheme_is_refused(tmp_path: Path) -> None:
    # a store written before the rensa MinHash: its band keys and sketches would never match
    path = tmp_path / "dedup.sqlite"
    older = SQLiteStore(path)
    older.bind("oph-v1 num_perm=128 bands=16 rows=2 shingle_size=5")
    older.close()
    with pytest.raises(StoreMismatchError, match=r"oph-v1.*scrapy rebuildstore"):
        Deduplicator(SQLiteStore(path))
