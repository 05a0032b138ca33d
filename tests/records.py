"""Run files for corpus, schema and report tests: records made as the pipeline makes them."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from newscrawl.exporters import JsonlWriter
from newscrawl.items import Article
from newscrawl.quality import quality_signals

TEXT = (
    "The port authority said on Tuesday that container traffic rose for a third month.\n"
    "Officials expect the new terminal to open before the end of the year."
)


def record(story: str, **fields: Any) -> dict[str, Any]:
    """The record of story `story` (its id), as the writer writes it; `fields` override."""
    text = fields.pop("text", f"{story}: {TEXT}")
    article = Article(
        id=story,
        url=f"https://wire.example/article/{story}",
        canonical_url=f"https://wire.example/article/{story}",
        source="apnews",
        agency="AP",
        title=f"Story {story}",
        text=text,
        authors=["Jane Doe"],
        published="2026-11-20T08:00:00+00:00",
        published_from="metadata",
        language="en",
        language_score=0.99,
        word_count=len(text.split()),
        quality=quality_signals(text),
        crawled_at="2026-11-20T10:00:00+00:00",
        run_id="apnews-20261120T100000Z-00000000",
        content_hash=f"hash-{story}",
    )
    return asdict(article) | fields


def write_run(path: Path, records: list[dict[str, Any]]) -> Path:
    """A finished run file, written by the run's own writer."""
    writer = JsonlWriter(path)
    for line in records:
        writer.write(line)
    written = writer.close()
    assert written == path
    return path
