"""`read_article_metadata` gives what trafilatura's own metadata extraction gives, for less.

Every page here is compared with `trafilatura.metadata.extract_metadata` on the same tree: the
fixture pages of tests/fixtures/extraction/ and small pages written to reach each rule that
decides a field (a one-word meta author, a JSON-LD author, a byline in the text, a title only in
<title>, a title to clean, a date only in the text or the URL, broken JSON-LD).
"""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from newscrawl import article_metadata
from newscrawl.article_metadata import read_article_metadata
from newscrawl.extraction import extract
from tests.test_extraction import FIXTURES
from tests.test_extraction import PAGES as FIXTURE_PAGES

STORY = "".join(
    f"<p>Paragraph {n} of the story says the harbour will reopen once the crane is gone.</p>"
    for n in range(4)
)
PAGES = {
    "one-word meta author, byline in the text": (
        "https://news.example/harbour",
        '<html><head><title>Harbour shut | News</title><meta name="author" content="Staff">'
        '</head><body><article><h1>Harbour shut</h1><p class="byline">By Jane Doe</p>'
        f"{STORY}</article></body></html>",
    ),
    "JSON-LD author and headline, og:url": (
        "https://news.example/amp/harbour",
        '<html><head><meta property="og:url" content="https://news.example/harbour">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
        '"NewsArticle", "headline": "Crane falls into harbour", "author": [{"@type": "Person",'
        ' "name": "Ada Quill"}, {"@type": "Person", "name": "Bo Lind"}], "datePublished": '
        f'"2024-05-14T09:30:00Z"}}</script></head><body><article>{STORY}</article></body></html>',
    ),
    "date only in the text": (
        "https://news.example/harbour-story",
        "<html><head><title>Harbour shut</title></head><body><article><h1>Harbour shut</h1>"
        f"<p>Published: March 3, 2024</p>{STORY}</article></body></html>",
    ),
    "date only in the URL": (
        "https://news.example/2024/03/03/harbour-shut",
        f"<html><head><title>Harbour shut</title></head><body><article>{STORY}</article>"
        "</body></html>",
    ),
    "title with an escaped entity and a line break": (
        "https://news.example/crane",
        '<html><head><meta property="og:title" content="Crane &amp;amp; barge\n  collide">'
        f"</head><body><article>{STORY}</article></body></html>",
    ),
    "broken JSON-LD": (
        "https://news.example/broken",
        '<html><head><title>Harbour shut</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "author": {"name": "Ada Quill"</script></head><body>'
        f"<article>{STORY}</article></body></html>",
    ),
}
FIELDS = ("title", "author", "url", "date")


CASES = [
    *((name, url, page) for name, (url, page) in PAGES.items()),
    *(
        (name, url, (FIXTURES / f"{name}.html").read_text(encoding="utf-8"))
        for name, url, _source in FIXTURE_PAGES
    ),
]


@pytest.mark.parametrize(("name", "url", "page"), CASES, ids=[case[0] for case in CASES])
def test_the_fields_a_record_uses_are_trafilaturas(name: str, url: str, page: str) -> None:
    expected = extract_metadata(load_html(page), url)
    found = read_article_metadata(load_html(page), url, with_date=True)
    assert [getattr(found, field) for field in FIELDS] == [
        getattr(expected, field) for field in FIELDS
    ]
    assert found.categories is None and found.tags is None and found.license is None


def test_the_pages_reach_each_rule() -> None:
    """The written pages are worth comparing: each gives the field from the rule it targets."""
    found = {
        name: read_article_metadata(load_html(page), url, with_date=True)
        for name, (url, page) in PAGES.items()
    }
    assert found["one-word meta author, byline in the text"].author == "Jane Doe"
    assert found["one-word meta author, byline in the text"].title == "Harbour shut"
    assert found["JSON-LD author and headline, og:url"].author == "Ada Quill; Bo Lind"
    assert found["JSON-LD author and headline, og:url"].url == "https://news.example/harbour"
    assert found["date only in the text"].date == "2024-03-03"
    assert found["date only in the URL"].date == "2024-03-03"
    assert found["title with an escaped entity and a line break"].title == "Crane & barge collide"
    assert found["broken JSON-LD"].author == "Ada Quill"


def test_no_date_search_when_the_page_metadata_has_the_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searched: list[str | None] = []
    find_date = article_metadata.find_date

    def spy(tree: object, **options: object) -> str | None:
        searched.append(options.get("url"))  # type: ignore[arg-type]
        return find_date(tree, **options)

    monkeypatch.setattr(article_metadata, "find_date", spy)
    url, page = PAGES["date only in the text"]
    assert read_article_metadata(load_html(page), url, with_date=False).date is None
    assert searched == []
    with_meta_date = page.replace(
        "<head>", '<head><meta property="article:published_time" content="2024-03-02T08:00:00Z">'
    )
    record = extract(with_meta_date, url)
    assert record is not None and record.published == "2024-03-02T08:00:00Z"
    assert searched == []
    record = extract(page, url)
    assert record is not None and record.published == "2024-03-03"
    assert searched == [url]
