"""The mock wire site itself (what end-to-end crawls run against), and the bundled demo archive."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from protego import Protego
from warcio.archiveiterator import ArchiveIterator

from devtools.mocksite.site import ARTICLE, SERVICES, Site
from newscrawl.sources import SOURCES
from tests.mocksite.server import MockWireSite

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_WARC = PROJECT_DIR / "data" / "demo.warc.gz"
WIRES = tuple(SOURCES)
MIN_ARTICLES = {"reuters": 4, "apnews": 4, "afp": 3, "upi": 3, "newspaper": 3}
SITES = {service: Site(service) for service in SERVICES}
ARTICLE_PAGES = [
    (service, page.path)
    for service, site in SITES.items()
    for page in site.pages.values()
    if page.kind == ARTICLE
]
AP_ORIGINAL = "/article/ohio-paper-mill-battery-recycling-jobs-c27a9f4e81d3460b9e5a1f7c2d08b6e4"
SYNDICATED = "/news/business/2025/03/06/former-mill-town-pins-hopes-on-battery-recycling-plant/"
CHARSET_PAGE = "/news/local/2025/03/07/cafe-muller-reopens-harbor-front/"


def fetch(
    base: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """GET `target` from the mock; (status, lower-cased headers, body)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def urls_in(xml: bytes) -> list[str]:
    """Every absolute URL a sitemap or feed carries (loc, link, href)."""
    root = etree.fromstring(xml)
    found = [
        element.text.strip()
        for element in root.iter()
        if isinstance(element.tag, str)
        and etree.QName(element).localname in ("loc", "link")
        and element.text
        and element.text.strip()
    ]
    found += [element.get("href") for element in root.iter() if element.get("href")]
    return found


def lastmods(xml: bytes) -> dict[str, str]:
    """`{loc: lastmod}` of a sitemap."""
    root = etree.fromstring(xml)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {
        node.findtext("s:loc", namespaces=ns): node.findtext("s:lastmod", namespaces=ns)
        for node in root.findall("s:url", ns)
    }


def parse(body: bytes) -> lxml_html.HtmlElement:
    """The page as the mock's HTTP header says it is encoded (UTF-8), whatever its <meta> says."""
    return lxml_html.fromstring(body.decode("utf-8"))


def json_ld(body: bytes) -> dict:
    tree = parse(body)
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


# -- discovery: robots.txt, sitemaps, feeds ------------------------------------------------------


@pytest.mark.parametrize("service", WIRES)
def test_entry_urls_of_each_source_are_served_on_one_port(
    mock_site: MockWireSite, service: str
) -> None:
    base = mock_site.base(service)
    for url in SOURCES[service].entry_urls:
        parts = urlsplit(url)
        status, headers, body = fetch(base, parts.path + (f"?{parts.query}" if parts.query else ""))
        assert status == 200, url
        assert headers["content-type"].startswith(("application/xml", "application/rss+xml"))
        assert urls_in(body), url


@pytest.mark.parametrize("service", SERVICES)
def test_documents_point_at_the_mock_base(mock_site: MockWireSite, service: str) -> None:
    base = mock_site.base(service)
    for path, document in SITES[service].documents.items():
        status, headers, body = fetch(base, path)
        assert status == 200
        assert "last-modified" in headers
        urls = urls_in(body)
        assert urls and all(url.startswith(base + "/") for url in urls), path
        if document.format == "news-sitemap":
            root = etree.fromstring(body)
            ns = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
            assert len(root.findall(".//news:publication_date", ns)) == len(document.entries)
            assert len(root.findall(".//news:title", ns)) == len(document.entries)


def test_query_strings_matter_and_unknown_paths_are_404(mock_site: MockWireSite) -> None:
    base = mock_site.base("reuters")
    assert fetch(base, "/arc/outboundfeeds/news-sitemap-index/?outputType=xml")[0] == 200
    assert fetch(base, "/arc/outboundfeeds/news-sitemap-index/")[0] == 404
    assert fetch(base, "/arc/outboundfeeds/news-sitemap-index/?outputType=json")[0] == 404
    assert fetch(base, "/world/no-such-story-2025-03-06/")[0] == 404
    assert fetch(mock_site.base("upi"), "/news/no_such_feed.rss")[0] == 404


@pytest.mark.parametrize("service", SERVICES)
def test_robots_txt_disallows_one_listed_article_shaped_url(
    mock_site: MockWireSite, service: str
) -> None:
    base = mock_site.base(service)
    status, headers, body = fetch(base, "/robots.txt")
    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    robots = Protego.parse(body.decode("utf-8"))
    assert all(url.startswith(base + "/") for url in robots.sitemaps)
    site = SITES[service]
    listed_articles = {path for path in site.listed_paths() if site.pages[path].kind == ARTICLE}
    traps = listed_articles - set(mock_site.article_paths(service))
    assert traps, "each site lists one article-shaped URL that robots.txt forbids"
    for path in traps:
        assert not robots.can_fetch(base + path, "newscrawl")
        if service in SOURCES:
            assert SOURCES[service].is_article_path(path), "the trap must look like an article"
    for path in mock_site.article_paths(service):
        assert robots.can_fetch(base + path, "newscrawl")


@pytest.mark.parametrize("service", SERVICES)
def test_article_paths(mock_site: MockWireSite, service: str) -> None:
    paths = mock_site.article_paths(service)
    site = SITES[service]
    assert len(paths) >= MIN_ARTICLES[service]
    assert set(paths) <= site.listed_paths()
    not_articles = {path for path in site.listed_paths() if site.pages[path].kind != ARTICLE}
    assert not_articles and not not_articles & set(paths)
    if service in SOURCES:
        source = SOURCES[service]
        assert all(source.is_article_path(path) for path in paths)
        assert not any(source.is_article_path(path) for path in not_articles)


def test_ap_sitemap_lists_hub_and_video_pages(mock_site: MockWireSite) -> None:
    base = mock_site.base("apnews")
    _, _, body = fetch(base, "/ap-sitemap-202503.xml")
    paths = {urlsplit(url).path for url in urls_in(body)}
    assert any(path.startswith("/hub/") for path in paths)
    assert any(path.startswith("/video/") for path in paths)


# -- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "path"), ARTICLE_PAGES)
def test_article_page(mock_site: MockWireSite, service: str, path: str) -> None:
    page = SITES[service].pages[path]
    status, headers, body = fetch(mock_site.base(service), path)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["last-modified"] == SITES[service].resolve(path, "").last_modified.strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert b"@@" not in body
    text = body.decode("utf-8")
    data = json_ld(body)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == page.title
    assert (data["datePublished"], data["dateModified"]) == (page.published, page.modified)
    assert data["author"]
    tree = parse(body)
    assert tree.xpath('//link[@rel="canonical"]/@href')
    assert tree.xpath('//meta[@property="og:title"]') and tree.xpath('//meta[@property="og:url"]')
    assert tree.xpath("//figure//img[@alt]") and tree.xpath("//figure/figcaption")
    assert "Skip to main content" in text and "Breaking News" in text
    # Realistic length: trafilatura behaves differently under ~250 characters of main text.
    long_paragraphs = [
        p
        for p in tree.xpath('//p | //div[starts-with(@data-testid, "paragraph-")]')
        if 25 <= len(p.text_content().split()) <= 80
    ]
    assert len(long_paragraphs) >= 6


def test_page_query_strings_are_ignored_like_tracking_parameters(mock_site: MockWireSite) -> None:
    path = "/Top_News/World-News/2025/01/03/Greece-ferry-strike-ends-wage-deal/6941735900800/"
    status, _, body = fetch(mock_site.base("upi"), path + "?utm_source=rss&utm_medium=world_news")
    assert status == 200 and b"Greek ferry crews" in body


def test_one_canonical_carries_tracking_parameters(mock_site: MockWireSite) -> None:
    canonicals = []
    for path in mock_site.article_paths("reuters"):
        _, _, body = fetch(mock_site.base("reuters"), path)
        canonicals += parse(body).xpath('//link[@rel="canonical"]/@href')
    assert any("utm_source=" in url for url in canonicals)


def test_newspaper_bad_pages(mock_site: MockWireSite) -> None:
    base = mock_site.base("newspaper")
    site = SITES["newspaper"]
    kinds = {page.kind: page.path for page in site.pages.values()}

    status, headers, body = fetch(base, kinds["binary"])
    assert (status, headers["content-type"]) == (200, "application/pdf")
    assert body.startswith(b"%PDF-")

    status, headers, body = fetch(base, kinds["empty"])
    assert (status, headers["content-length"], body) == (200, "0", b"")

    status, _, body = fetch(base, kinds["navigation"])
    assert status == 200 and b"<nav" in body
    assert not trafilatura.extract(body.decode("utf-8"), favor_precision=True)


def test_charset_mismatch_page_is_utf8_whatever_its_meta_says(mock_site: MockWireSite) -> None:
    _, headers, body = fetch(mock_site.base("newspaper"), CHARSET_PAGE)
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<meta charset=iso-8859-1>" in body
    text = body.decode("utf-8")
    assert all(char in text for char in "éü—")
    assert "Ã©" in body.decode("iso-8859-1")  # what trusting the meta tag would give


def test_syndicated_copy_is_a_near_duplicate_of_the_ap_original(mock_site: MockWireSite) -> None:
    _, _, original = fetch(mock_site.base("apnews"), AP_ORIGINAL)
    _, _, copy = fetch(mock_site.base("newspaper"), SYNDICATED)
    ap_tree, copy_tree = parse(original), parse(copy)
    ap_body = [p.text_content() for p in ap_tree.xpath('//div[contains(@class, "RichText")]/p')]
    copy_body = [p.text_content() for p in copy_tree.xpath('//div[@id="article-content"]/p')]
    ap_body = ap_body[: ap_body.index("___")]
    copy_body = [p for p in copy_body if not p.startswith("Copyright")]
    assert ap_body[0].startswith("GRANT FALLS, Ohio (AP) — ")
    assert copy_body[0].startswith("GRANT FALLS, Ohio (AP) - ")
    assert len(copy_body) == len(ap_body) - 1
    assert set(copy_body[1:]) < set(ap_body[1:])
    assert json_ld(original)["headline"] != json_ld(copy)["headline"]
    copy_shingles = shingles(" ".join(copy_body))
    assert len(copy_shingles & shingles(" ".join(ap_body))) / len(copy_shingles) > 0.95


# -- server behaviour --------------------------------------------------------------------------


def test_hits_are_recorded_in_order_with_query(mock_site: MockWireSite) -> None:
    base = mock_site.base("reuters")
    targets = [
        "/robots.txt",
        "/arc/outboundfeeds/news-sitemap/?outputType=xml&from=100",
        "/nothing-here",
    ]
    for target in targets:
        fetch(base, target)
    assert mock_site.hits("reuters") == targets
    assert mock_site.hits("apnews") == []


def test_touch_changes_one_page_lastmod_feed_dates_and_text(mock_site: MockWireSite) -> None:
    base = mock_site.base("upi")
    path = "/Top_News/World-News/2025/01/03/Greece-ferry-strike-ends-wage-deal/6941735900800/"
    other = "/Top_News/US/2025/01/02/Los-Angeles-Metro-contactless-fares/4381735851500/"
    before = lastmods(fetch(base, "/sitemap/stories/2025-01.xml")[2])
    _, old_headers, old_body = fetch(base, path)

    mock_site.touch("upi", path, "2025-01-04T09:30:00Z")

    after = lastmods(fetch(base, "/sitemap/stories/2025-01.xml")[2])
    assert after[base + path] == "2025-01-04T09:30:00Z" != before[base + path]
    assert {url: v for url, v in after.items() if url != base + path} == {
        url: v for url, v in before.items() if url != base + path
    }
    index = fetch(base, "/sitemap.xml")[2].decode()
    assert "<lastmod>2025-01-04T09:30:00Z</lastmod>" in index
    for feed in ("/news/top_news.rss", "/news/world_news.rss"):
        assert "<pubDate>Sat, 04 Jan 2025 09:30:00 GMT</pubDate>" in fetch(base, feed)[2].decode()
    _, headers, body = fetch(base, path)
    assert headers["last-modified"] == "Sat, 04 Jan 2025 09:30:00 GMT"
    assert body != old_body and b"In an update on January 4" in body
    assert json_ld(body)["dateModified"] == "2025-01-04T09:30:00Z"
    since = {"If-Modified-Since": old_headers["last-modified"]}
    assert fetch(base, path, since)[0] == 200
    other_headers = fetch(base, other)[1]
    assert fetch(base, other, {"If-Modified-Since": other_headers["last-modified"]})[0] == 304


def test_touch_updates_atom_entries(mock_site: MockWireSite) -> None:
    base = mock_site.base("newspaper")
    mock_site.touch("newspaper", CHARSET_PAGE, "2025-03-08T10:00:00Z")
    atom = fetch(base, "/feeds/atom.xml")[2].decode()
    assert "<updated>2025-03-08T10:00:00Z</updated>" in atom


def test_servers_stop_on_exit_and_hits_stay_readable() -> None:
    with MockWireSite(["afp"]) as site:
        base = site.base("afp")
        assert fetch(base, "/robots.txt")[0] == 200
        with pytest.raises(KeyError):
            site.base("reuters")
    with pytest.raises(ConnectionRefusedError):
        fetch(base, "/robots.txt")
    assert site.hits("afp") == ["/robots.txt"]


def test_unknown_service_is_refused() -> None:
    with pytest.raises(ValueError, match="no mock site"):
        MockWireSite(["bloomberg"])


# -- the bundled demo archive ------------------------------------------------------------------


def test_demo_warc_is_what_the_script_builds(tmp_path: Path) -> None:
    output = tmp_path / DEMO_WARC.name
    subprocess.run(
        [sys.executable, "-m", "devtools.demo_warc", "--output", str(output)],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    assert output.read_bytes() == DEMO_WARC.read_bytes()


def test_demo_warc_records() -> None:
    assert DEMO_WARC.stat().st_size < 200_000
    records = []
    with DEMO_WARC.open("rb") as handle:
        for record in ArchiveIterator(handle):
            http = record.http_headers
            records.append(
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    http.get_statuscode() if http and record.rec_type == "response" else None,
                    http.get_header("Content-Type") if http else None,
                )
            )
    types = [rec_type for rec_type, *_ in records]
    assert types[0] == "warcinfo"
    assert types.count("request") == 1
    html_200 = [
        uri
        for t, uri, status, ctype in records
        if status == "200" and ctype.startswith("text/html")
    ]
    expected = [SITES[s].origin + path for s in SERVICES for path in SITES[s].article_paths()]
    navigation = [p.path for p in SITES["newspaper"].pages.values() if p.kind == "navigation"]
    assert sorted(html_200) == sorted([*expected, SITES["newspaper"].origin + navigation[0]])
    assert [status for *_, status, _ in records if status not in (None, "200")] == ["301"]
    assert [ctype for *_, ctype in records if ctype == "image/jpeg"] == ["image/jpeg"]
    ap_copy = html_200.index(SITES["apnews"].origin + AP_ORIGINAL)
    assert ap_copy < html_200.index(SITES["newspaper"].origin + SYNDICATED)
    for uri in html_200:
        parts = urlsplit(uri)
        assert parts.scheme == "https" and parts.hostname != "127.0.0.1"
        service = next((s for s in WIRES if parts.hostname in SOURCES[s].allowed_domains), None)
        if service:
            assert SOURCES[service].is_article_path(parts.path)
