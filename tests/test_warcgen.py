from __future__ import annotations

from pathlib import Path

from devtools.warcgen import build_warc
from newscrawl.archives import ArchivedPage, read_archive


def _pages(path: Path) -> list[ArchivedPage]:
    with open(path, "rb") as stream:
        return [r for r in read_archive(stream) if isinstance(r, ArchivedPage)]


def test_generated_archive_is_varied_and_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "1" / "a.warc.gz", tmp_path / "2" / "a.warc.gz"
    for path in (first, second):
        path.parent.mkdir()
        build_warc(path, pages=60, seed=3)
    pages = _pages(first)
    assert len(pages) == 60
    assert len({p.url for p in pages}) == 60
    assert len({p.body for p in pages}) == 60
    hosts = {p.url.split("/")[2] for p in pages}
    assert len(hosts) >= 4  # several templates, not one page repeated
    assert first.read_bytes() == second.read_bytes()
