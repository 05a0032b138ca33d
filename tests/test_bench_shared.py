"""`scripts/bench_shared.py`: the archive split it measures on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devtools.warc import write_warc
from newscrawl.archives import read_archive
from scripts.bench_shared import split_archive

if TYPE_CHECKING:
    from pathlib import Path


def test_every_response_lands_in_exactly_one_part_unchanged(tmp_path: Path) -> None:
    pages = [
        (f"https://example.com/{n}", 200, "text/html; charset=utf-8", f"<p>story {n}</p>".encode())
        for n in range(7)
    ]
    source = write_warc(tmp_path / "all.warc.gz", pages)
    parts = split_archive(source, 3, tmp_path / "parts")
    read = []
    for part in parts:
        with part.open("rb") as stream:
            read.append([(page.url, page.body) for page in read_archive(stream)])  # type: ignore[union-attr]
    assert [len(part) for part in read] == [3, 2, 2]
    assert sorted(pair for part in read for pair in part) == sorted(
        (url, body) for url, _, _, body in pages
    )
