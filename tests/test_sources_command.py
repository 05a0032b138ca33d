"""`scrapy sources` and `scrapy sources --check`: the report logic, then the command against the
mock site (healthy, a sitemap that moved away, a sitemap redirected to a page)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from devtools.mocksite.site import Site
from newscrawl.commands.sources import check_spider
from newscrawl.discovery import Candidate
from newscrawl.source_check import (
    FEED,
    NEWS_SITEMAP,
    SITEMAP,
    DocumentFetch,
    EntryFetch,
    SampleFetch,
    build_report,
    entry_documents,
    format_listing,
    format_report,
    report_json,
    sample_order,
)
from newscrawl.sources import SOURCES
from tests.crawling import PROJECT_DIR, TEST_SETTINGS
from tests.mocksite.server import MockWireSite

NOW = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)
WIRES = tuple(SOURCES)
AFP_SITEMAP = "/sitemap.xml"
AFP_DISALLOWED = "/en/news/internal/dakar-solar-plant-financing-deal"  # robots.txt: Disallow
REUTERS_NEWS_INDEX = "/arc/outboundfeeds/news-sitemap-index/?outputType=xml"


def entry(kind: str = SITEMAP, *paths: str, lastmod: str = "2025-03-08T06:00:00Z") -> EntryFetch:
    url = f"https://wire.example/{kind.replace(' ', '-')}.xml"
    return EntryFetch(
        kind,
        url,
        documents=[DocumentFetch(url, 200)],
        articles=[Candidate(f"https://wire.example{path}", lastmod) for path in paths],
        lastmods=[lastmod],
    )


GOOD_SAMPLE = SampleFetch(
    "https://wire.example/a", 200, title="T", words=240, dateline="PARIS (AFP) -"
)


# --- the report ------------------------------------------------------------------------------


def test_a_source_that_answers_is_healthy_with_counts_and_age() -> None:
    entries = [entry(NEWS_SITEMAP, "/a", "/b"), entry(FEED, "/b", "/c", lastmod="2025-03-07")]
    report = build_report("afp", entries, GOOD_SAMPLE, NOW)
    assert not report.broken, report.problems
    assert report.articles == 3  # /b is listed twice, counted once
    assert report.newest_lastmod == "2025-03-08T06:00:00Z"
    assert report.lastmod_age == timedelta(hours=6)
    assert "afp: OK (3 article URLs)" in format_report(report)


def test_a_moved_sitemap_is_broken_with_its_status() -> None:
    url = "https://wire.example/sitemap.xml"
    moved = EntryFetch(SITEMAP, url, documents=[DocumentFetch(url, 404, "http_error/404")])
    report = build_report("afp", [moved, entry(FEED, "/a")], GOOD_SAMPLE, NOW)
    assert report.broken
    assert report.problems == [f"sitemap {url}: http_error/404 (HTTP 404)"]
    text = format_report(report)
    assert text.startswith("afp: BROKEN")
    assert f"404  {url}  http_error/404" in text


def test_a_sitemap_redirected_to_a_page_is_broken_and_says_where_it_led() -> None:
    url, page = "https://wire.example/sitemap.xml", "https://wire.example/"
    redirected = DocumentFetch(url, 200, "not_xml", redirected_to=page)
    report = build_report("upi", [EntryFetch(SITEMAP, url, documents=[redirected])], None, NOW)
    assert report.problems == [f"sitemap {url}: not_xml (HTTP 200, redirected to {page})"]
    assert report_json(report)["entries"][0]["redirected_to"] == page


def test_a_document_without_article_urls_is_broken() -> None:
    report = build_report("upi", [entry(FEED, "/a"), entry(SITEMAP)], GOOD_SAMPLE, NOW)
    assert report.problems == ["sitemap https://wire.example/sitemap.xml: lists no article URL"]


def test_a_child_sitemap_that_fails_is_named() -> None:
    index = "https://wire.example/index.xml"
    child = "https://wire.example/child-2025-03.xml"
    documents = [DocumentFetch(index, 200), DocumentFetch(child, 500, "http_error/500")]
    broken_index = EntryFetch(SITEMAP, index, documents=documents, children=12)
    report = build_report("reuters", [broken_index, entry(FEED, "/a")], GOOD_SAMPLE, NOW)
    assert report.problems == [f"sitemap {index}: http_error/500 (child {child}) (HTTP 200)"]


@pytest.mark.parametrize(
    ("sample", "problem"),
    [
        (SampleFetch("https://wire.example/a", 200, words=240), "no dateline"),
        (SampleFetch("https://wire.example/a", 200, dateline="PARIS (AFP) -"), "no text"),
        (SampleFetch("https://wire.example/a", 403, fault="http_error/403"), "http_error/403"),
        (SampleFetch("https://wire.example/a", 200, fault="no_text (x)"), "no_text (x)"),
    ],
)
def test_a_sample_without_text_or_dateline_is_broken(sample: SampleFetch, problem: str) -> None:
    report = build_report("afp", [entry(FEED, "/a")], sample, NOW)
    assert report.problems == [f"sample article https://wire.example/a: {problem}"]


def test_articles_found_but_no_sample_fetched_is_broken() -> None:
    report = build_report("afp", [entry(FEED, "/a")], None, NOW)
    assert report.problems == ["no sample article was fetched"]


def test_a_stale_newest_lastmod_is_broken_only_with_a_max_age() -> None:
    entries = [entry(FEED, "/a", lastmod="2025-03-01T12:00:00Z")]
    assert not build_report("afp", entries, GOOD_SAMPLE, NOW).broken
    stale = build_report("afp", entries, GOOD_SAMPLE, NOW, max_age=timedelta(hours=36))
    assert stale.problems == ["newest lastmod 2025-03-01T12:00:00Z is 7 d old (over 36 h)"]
    fresh = build_report("afp", entries, GOOD_SAMPLE, NOW, max_age=timedelta(days=8))
    assert not fresh.broken


def test_the_sample_is_the_newest_article_first() -> None:
    older = entry(SITEMAP, "/old", lastmod="2025-03-01")
    newer = entry(FEED, "/new", lastmod="2025-03-08T01:00:00+00:00")
    undated = EntryFetch(FEED, "f", articles=[Candidate("https://wire.example/undated")])
    assert sample_order([undated, older, newer]) == [
        "https://wire.example/new",
        "https://wire.example/old",
        "https://wire.example/undated",
    ]


def test_the_listing_names_every_source_and_entry_url() -> None:
    text = format_listing(SOURCES.values())
    for source in SOURCES.values():
        assert f"{source.name} ({source.agency})" in text
        for url in source.entry_urls:
            assert url in text
    assert [kind for kind, _ in entry_documents(SOURCES["afp"])] == [SITEMAP, FEED]


# --- the command against the mock site -------------------------------------------------------


def sources_command(
    workdir: Path, *args: str, site: MockWireSite | None = None, services: tuple[str, ...] = WIRES
) -> subprocess.CompletedProcess[str]:
    """`scrapy sources ARGS`, with `--site` pointing each of `services` at the mock site."""
    settings = {
        **TEST_SETTINGS,
        "LOG_LEVEL": "WARNING",
        "OUTPUT_DIR": str(workdir / "output"),
        "DEDUP_STORE": f"sqlite:///{workdir / 'dedup.sqlite'}",
    }
    argv = [sys.executable, "-m", "scrapy", "sources", *args]
    for service in services if site is not None else ():
        argv += ["--site", f"{service}={site.base(service)}"]
    for name, value in settings.items():
        argv += ["-s", f"{name}={value}"]
    return subprocess.run(
        argv, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False
    )


def reports(stdout: str) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in stdout.splitlines()]
    return {report["source"]: report for report in lines}


def test_sources_lists_each_source_with_its_entry_urls(tmp_path: Path) -> None:
    done = sources_command(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == format_listing(SOURCES.values())


def test_an_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    done = sources_command(tmp_path, "--check", "bbc")
    assert done.returncode == 2
    assert "unknown source bbc" in done.stderr


def test_check_of_a_healthy_mock_site_reports_every_source(tmp_path: Path) -> None:
    with MockWireSite(WIRES) as site:
        done = sources_command(tmp_path, "--check", "--json", site=site)
        hits = {service: site.hits(service) for service in WIRES}
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    found = reports(done.stdout)
    assert sorted(found) == sorted(WIRES)
    for name, report in found.items():
        assert not report["broken"], report["problems"]
        assert report["articles"] > 0
        assert report["lastmod_age_seconds"] > 0
        assert [e["status"] for e in report["entries"]] == [200] * len(SOURCES[name].entry_urls)
        assert all(e["articles"] > 0 for e in report["entries"]), report["entries"]
        sample = report["sample"]
        assert sample["status"] == 200 and sample["words"] > 50 and sample["dateline"], sample
        assert f"({SOURCES[name].agency})" in sample["dateline"]
        # robots.txt read, and every entry document fetched exactly once
        assert "/robots.txt" in hits[name]
        for _, url in entry_documents(SOURCES[name]):
            target = url.split("/", 3)[3]
            assert hits[name].count("/" + target) == 1, (name, target, hits[name])
    assert not (tmp_path / "output").exists() and not (tmp_path / "dedup.sqlite").exists()


def test_check_reports_a_moved_sitemap_as_broken_and_exits_non_zero(tmp_path: Path) -> None:
    with MockWireSite(WIRES) as site:
        site.move("afp", AFP_SITEMAP)
        done = sources_command(tmp_path, "--check", site=site)
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    blocks = {block.split(":", 1)[0]: block for block in done.stdout.split("\n") if block}
    assert blocks["afp"] == "afp: BROKEN (3 article URLs)"
    assert "reuters: OK" in blocks["reuters"] and "upi: OK" in blocks["upi"]
    assert f"404  {site.base('afp')}{AFP_SITEMAP}  http_error/404" in done.stdout
    assert f"problem: sitemap {site.base('afp')}{AFP_SITEMAP}: http_error/404" in done.stdout


def test_check_reports_a_sitemap_redirected_to_a_page_as_broken(tmp_path: Path) -> None:
    with MockWireSite(["reuters"]) as site:
        page = site.article_paths("reuters")[0]
        site.move("reuters", REUTERS_NEWS_INDEX, to=page)
        done = sources_command(tmp_path, "--check", "--json", "reuters", "--site", "x=y")
        assert done.returncode == 2  # a bad --site is refused before anything is fetched
        argv = ["--check", "--json", "reuters", "--site", f"reuters={site.base('reuters')}"]
        done = sources_command(tmp_path, *argv)
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    report = reports(done.stdout)["reuters"]
    news_index = report["entries"][0]
    assert news_index["fault"] == "not_sitemap" and news_index["status"] == 200
    assert news_index["redirected_to"] == site.base("reuters") + page
    assert report["entries"][1]["fault"] is None  # the other sitemap index still reads
    assert report["sample"]["dateline"], report["sample"]


def test_check_spiders_write_nothing_and_never_share_a_frontier() -> None:
    settings = Settings(
        {
            "EXTENSIONS": {"newscrawl.run.Run": 0, "some.Extension": 10},
            "ITEM_PIPELINES": {"newscrawl.pipelines.WriteJsonlPipeline": 900},
        },
        priority="project",
    )
    settings.set("REDIS_URL", "redis://redis.lan:6379/0", priority="cmdline")
    check_spider(SOURCES["afp"]).update_settings(settings)
    assert settings.getdict("EXTENSIONS") == {
        "newscrawl.run.Run": None,
        "newscrawl.exclusions.ExclusionFile": None,
        "some.Extension": 10,
    }
    assert settings.getdict("ITEM_PIPELINES") == {}
    assert settings.get("REDIS_URL") == ""


def test_a_sample_refused_by_robots_txt_gives_way_to_the_next_article(tmp_path: Path) -> None:
    with MockWireSite(["afp"]) as site:
        site.touch("afp", AFP_DISALLOWED, "2025-03-08T09:00:00Z")  # now the newest article
        done = sources_command(tmp_path, "--check", "--json", "afp", site=site, services=("afp",))
        hits = site.hits("afp")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    report = reports(done.stdout)["afp"]
    assert report["newest_lastmod"] == "2025-03-08T09:00:00Z"
    pages = Site("afp").pages
    next_newest = max(site.article_paths("afp"), key=lambda path: pages[path].modified)
    assert report["sample"]["url"] == site.base("afp") + next_newest
    assert report["sample"]["dateline"]
    assert AFP_DISALLOWED not in hits
