"""Accuracy on a small version of the syndication set (`make bench-dedup` runs the full one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devtools.dedup_corpus import build, evaluate
from newscrawl.dedup import Deduplicator, SQLiteStore

if TYPE_CHECKING:
    from pathlib import Path


def test_precision_and_recall_on_syndicated_copies(tmp_path: Path) -> None:
    docs = build(copies_per_story=6, briefs=120, brief_copies=30, seed=1)
    dedup = Deduplicator(SQLiteStore(tmp_path / "dedup.sqlite"))
    scores = evaluate(docs, dedup)
    dedup.close()
    report = [(kind, doc.cluster, other and other.cluster) for kind, doc, other in scores.errors]
    assert scores.true_positives > 150
    assert scores.precision >= 0.99, report
    assert scores.recall >= 0.95, report
    assert scores.kinds["exact"] > 10  # straight copies and reformatted briefs
