"""The filtering signals, end to end: a crawl of an archive writes them on every record."""

from __future__ import annotations

from pathlib import Path

from newscrawl.pagereader import read_page
from newscrawl.reading import Reading
from tests.crawling import crawl
from tests.records import article_html, write_pages_warc

PAYWALLED = (
    '<script type="application/ld+json">'
    '{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
)
TDM_META = '<meta name="tdm-reservation" content="1">'


def test_read_page_returns_the_language_score_and_what_the_page_says_about_its_use() -> None:
    reading = read_page(
        article_html("Tarnby", "ferry", PAYWALLED + TDM_META),
        "text/html",
        "https://x.example/a",
        None,
    )
    assert isinstance(reading, Reading)
    assert reading.language == "en" and reading.language_score is not None
    assert reading.language_score > 0.9
    assert reading.free_access is False and reading.tdm_meta is True


def test_a_crawl_writes_the_signals_on_every_record(tmp_path: Path) -> None:
    archive = write_pages_warc(
        tmp_path / "pages.warc.gz",
        [
            ("https://news.example/plain", article_html("Tarnby", "ferry"), {}),
            ("https://news.example/paywall", article_html("Olbury", "tram", PAYWALLED), {}),
            ("https://news.example/meta", article_html("Kessing", "bridge", TDM_META), {}),
            (
                "https://news.example/header",
                article_html("Marrow", "harbour"),
                {"TDM-Reservation": "1"},
            ),
        ],
    )
    result = crawl("warc", tmp_path, "-a", f"path={archive}")
    assert result.returncode == 0, result.stderr
    records = {r["url"].rsplit("/", 1)[1]: r for r in result.records("warc")}
    assert set(records) == {"plain", "paywall", "meta", "header"}
    assert [records[k]["tdm_reserved"] for k in ("plain", "paywall", "meta", "header")] == [
        False,
        False,
        True,
        True,
    ]
    assert records["paywall"]["free_access"] is False and records["plain"]["free_access"] is None
    for record in records.values():
        assert record["language"] == "en" and record["language_score"] > 0.9
        assert record["quality"]["terminal_punctuation"] == 1.0
        assert record["quality"]["duplicate_lines"] == 0.0
