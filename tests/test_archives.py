from __future__ import annotations

from pathlib import Path

import pytest

from devtools.warc import write_warc
from newscrawl.archives import ArchivedPage, ArchiveError, Skipped, expand_locations, read_archive

HTML = "text/html; charset=utf-8"
PAGE = b"<html><body><p>Story text.</p></body></html>"


def _read(path: Path, **kwargs: object) -> list[ArchivedPage | Skipped]:
    with open(path, "rb") as stream:
        return list(read_archive(stream, **kwargs))


@pytest.mark.parametrize("gzip", [True, False])
def test_only_200_html_responses_become_pages(tmp_path: Path, gzip: bool) -> None:
    path = write_warc(
        tmp_path / ("a.warc.gz" if gzip else "a.warc"),
        [
            ("https://apnews.com/article/a-1", 200, HTML, PAGE),
            ("https://apnews.com/article/b-2", 301, HTML, b""),
            ("https://apnews.com/photo.jpg", 200, "image/jpeg", b"\xff\xd8\xff\x00\x00"),
            ("https://www.reuters.com/world/x-2024-03-07/", 200, HTML, PAGE),
        ],
        gzip=gzip,
    )
    records = _read(path)
    pages = [r for r in records if isinstance(r, ArchivedPage)]
    reasons = sorted(r.reason for r in records if isinstance(r, Skipped))
    assert [p.url for p in pages] == [
        "https://apnews.com/article/a-1",
        "https://www.reuters.com/world/x-2024-03-07/",
    ]
    assert pages[0].body == PAGE
    assert pages[0].fetched_at == "2024-03-07T12:00:00Z"
    assert pages[0].headers["content-type"] == HTML
    assert reasons == ["not_html", "record_warcinfo", "status"]


def test_domain_filter(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "a.warc.gz",
        [
            ("https://apnews.com/article/a-1", 200, HTML, PAGE),
            ("https://news.example.com/story", 200, HTML, PAGE),
            ("https://www.reuters.com/world/x/", 200, HTML, PAGE),
        ],
    )
    pages = [
        r
        for r in _read(path, domains=["reuters.com", "www.apnews.com"])
        if isinstance(r, ArchivedPage)
    ]
    assert [p.url for p in pages] == [
        "https://apnews.com/article/a-1",
        "https://www.reuters.com/world/x/",
    ]


def test_oversized_body_is_skipped(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "a.warc.gz", [("https://a.example/x", 200, HTML, b"<p>" + b"x" * 5000)]
    )
    records = [r for r in _read(path, max_size=1000) if isinstance(r, Skipped) and r.url]
    assert records == [Skipped("too_large", "https://a.example/x")]


def test_truncated_archive_yields_what_precedes_the_damage(tmp_path: Path) -> None:
    records = [(f"https://apnews.com/article/s-{i}", 200, HTML, PAGE * 50) for i in range(5)]
    path = write_warc(tmp_path / "a.warc.gz", records)
    data = path.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[:-40])  # the last record loses the end of its body
    seen = []
    with pytest.raises(ArchiveError, match="damaged"), open(damaged, "rb") as stream:
        for record in read_archive(stream):
            seen.append(record)
    pages = [r for r in seen if isinstance(r, ArchivedPage)]
    assert 1 <= len(pages) < 5
    assert all(p.body == PAGE * 50 for p in pages)


def test_garbage_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.warc"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ArchiveError):
        _read(path)


def test_expand_locations(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz"):
        (tmp_path / name).write_bytes(b"")
    assert expand_locations(f"{tmp_path}/*.warc.gz") == [
        f"{tmp_path}/a.warc.gz",
        f"{tmp_path}/b.warc.gz",
    ]
    assert expand_locations(f"https://x.example/a.warc.gz, {tmp_path}/a.warc.gz") == [
        "https://x.example/a.warc.gz",
        f"{tmp_path}/a.warc.gz",
    ]
    with pytest.raises(ArchiveError, match="no WARC file"):
        expand_locations(f"{tmp_path}/missing.warc.gz")
    with pytest.raises(ArchiveError, match="no WARC path"):
        expand_locations("")
