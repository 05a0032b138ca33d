"""Record assembly (`newscrawl.records`): identity, provenance and every fallback, no crawl."""

from __future__ import annotations

from typing import Any

import pytest

from newscrawl.items import Page
from newscrawl.reading import Extracted, Reading
from newscrawl.records import assemble, trusted_canonical
from newscrawl.sources import SOURCES, source_for_url
from newscrawl.urls import url_id

NOW = "2026-01-01T00:00:00Z"


def page(url: str = "https://news.example.com/a/story", **fields: Any) -> Page:
    return Page(url=url, body=b"", source=fields.pop("source", "feed"), **fields)


def extracted(**fields: Any) -> Extracted:
    defaults: dict[str, Any] = {"title": "Headline", "text": "Body.", "credits": None}
    return Extracted(**{**defaults, **fields})


def build(p: Page, e: Extracted) -> Any:
    source = source_for_url(p.url, fallback=p.source)
    return assemble(p, Reading(e, "en"), run_id="run-1", now=NOW, source=source)


def test_identity_comes_from_the_canonical_url_of_the_same_site() -> None:
    record = build(
        page("https://news.example.com/a/story?utm_source=x"),
        extracted(canonical_url="https://www.example.com/a/story"),
    )
    assert record.canonical_url == "https://www.example.com/a/story"
    assert record.id == url_id("https://www.example.com/a/story")
    assert record.url == "https://news.example.com/a/story?utm_source=x"


def test_a_page_cannot_claim_another_sites_story() -> None:
    """Any page may declare a Reuters URL as canonical; it must not take that story's id."""
    claimed = "https://www.reuters.com/world/some-story-2025-03-07/"
    record = build(page("https://copycat.example/x"), extracted(canonical_url=claimed))
    assert record.canonical_url == "https://copycat.example/x"
    assert record.id != url_id(claimed)


def test_a_wire_mirror_may_name_the_wire_story() -> None:
    """The reuters spider crawling a mirror (the tests' mock site) keeps Reuters' canonical URL."""
    claimed = "https://www.reuters.com/world/some-story-2025-03-07/"
    record = build(
        page("http://127.0.0.1:8080/world/some-story-2025-03-07/", source="reuters"),
        extracted(canonical_url=claimed),
    )
    assert record.canonical_url == claimed


def test_no_canonical_means_the_fetched_url_normalized() -> None:
    assert trusted_canonical("HTTPS://Example.com:443/a#x", None, None) == "https://example.com/a"


def test_title_falls_back_to_the_sitemap_title() -> None:
    record = build(page(discovery={"title": "From the sitemap"}), extracted(title=None))
    assert record.title == "From the sitemap"
    assert build(page(discovery={"title": "x"}), extracted()).title == "Headline"


@pytest.mark.parametrize(
    ("page_date", "sitemap_date", "published", "published_from"),
    [
        ("2025-03-07T10:00:00+01:00", "2025-03-01", "2025-03-07T09:00:00Z", "metadata"),
        (None, "Fri, 07 Mar 2025 09:00:00 GMT", "2025-03-07T09:00:00Z", "sitemap"),
        (None, None, None, None),
        ("not a date", None, None, None),
    ],
)
def test_published_and_where_it_came_from(
    page_date: str | None,
    sitemap_date: str | None,
    published: str | None,
    published_from: str | None,
) -> None:
    discovery = {"published": sitemap_date} if sitemap_date else {}
    record = build(page(discovery=discovery), extracted(published=page_date))
    assert (record.published, record.published_from) == (published, published_from)


def test_modified_falls_back_to_last_modified_in_utc() -> None:
    headers = {"last-modified": "Fri, 07 Mar 2025 09:00:00 GMT"}
    assert build(page(headers=headers), extracted()).modified == "2025-03-07T09:00:00Z"
    meta = extracted(modified="2025-03-07T12:00:00-05:00")
    assert build(page(headers=headers), meta).modified == "2025-03-07T17:00:00Z"


def test_crawled_at_is_the_fetch_time_else_now() -> None:
    assert build(page(fetched_at="2025-03-07T09:00:00+00:00"), extracted()).crawled_at == (
        "2025-03-07T09:00:00Z"
    )
    assert build(page(), extracted()).crawled_at == NOW


def test_a_generic_spider_page_on_a_wire_host_gets_the_wire_agency() -> None:
    record = build(page("https://www.reuters.com/world/x-2025-03-07/", source="warc"), extracted())
    assert record.source == "warc"
    assert record.agency == SOURCES["reuters"].agency
    assert build(page(source="warc"), extracted()).agency is None
