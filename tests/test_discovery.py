from __future__ import annotations

import gzip

import pytest

from newscrawl.discovery import (
    DiscoveryError,
    maybe_gunzip,
    normalize_date,
    parse_feed,
    parse_sitemap,
)

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://wire.example/world/quake-hits-coast-2024-03-07/</loc>
    <lastmod>2024-03-07T10:00:00Z</lastmod>
    <news:news>
      <news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-07T09:30:00Z</news:publication_date>
      <news:title>Quake hits coast</news:title>
    </news:news>
  </url>
  <url><loc> https://wire.example/world/second-2024-03-07/ </loc></url>
  <url><lastmod>2024-03-07</lastmod></url>
</urlset>"""


def test_news_sitemap_keeps_google_news_fields() -> None:
    first, second = parse_sitemap(NEWS_SITEMAP)
    assert first.url == "https://wire.example/world/quake-hits-coast-2024-03-07/"
    assert first.lastmod == "2024-03-07T10:00:00Z"
    assert first.published == "2024-03-07T09:30:00Z"
    assert first.title == "Quake hits coast"
    assert not first.is_index
    assert second.url == "https://wire.example/world/second-2024-03-07/"
    assert second.title is None


def test_sitemap_index_entries_are_marked() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://wire.example/s1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
    </sitemapindex>"""
    (entry,) = parse_sitemap(index)
    assert entry.is_index and entry.url == "https://wire.example/s1.xml"


def test_gzipped_sitemap_and_size_bound() -> None:
    body = gzip.compress(NEWS_SITEMAP)
    assert len(parse_sitemap(maybe_gunzip(body, 10_000))) == 2
    with pytest.raises(DiscoveryError, match="exceeds"):
        maybe_gunzip(gzip.compress(b"x" * 5000), 1000)
    with pytest.raises(DiscoveryError, match="corrupt gzip"):
        maybe_gunzip(body[:30], 10_000)


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>not a sitemap</body></html>", b"\x00\x01binary", b"{}"]
)
def test_broken_sitemaps_raise_discovery_error(body: bytes) -> None:
    with pytest.raises(DiscoveryError):
        parse_sitemap(body)


def test_entity_expansion_is_not_performed() -> None:
    bomb = b"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&b;</loc></url></urlset>"""
    for entry in parse_sitemap(bomb):
        assert "aaaaaaaaaa" not in entry.url


def test_external_entities_are_not_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&x;</loc></url></urlset>"""
    for entry in parse_sitemap(xxe.encode()):
        assert "TOP-SECRET" not in entry.url


def test_rss_feed() -> None:
    rss = b"""<rss version="2.0"><channel><title>W</title>
      <item><title>One</title><link>https://w.example/a/1/</link>
        <pubDate>Tue, 10 Aug 2021 14:00:00 GMT</pubDate></item>
      <item><title>No link</title></item>
      <item><guid>https://w.example/a/2/</guid></item>
    </channel></rss>"""
    one, two = parse_feed(rss)
    assert one.url == "https://w.example/a/1/"
    assert one.title == "One"
    assert one.published == "2021-08-10T14:00:00Z"
    assert two.url == "https://w.example/a/2/"


def test_atom_feed() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>
      <entry><title>A</title><link rel="alternate" href="https://w.example/a"/>
        <link rel="enclosure" href="https://w.example/a.jpg"/>
        <updated>2024-05-01T12:00:00Z</updated><published>2024-05-01T11:00:00Z</published></entry>
    </feed>"""
    (entry,) = parse_feed(atom)
    assert entry.url == "https://w.example/a"
    assert entry.lastmod == "2024-05-01T12:00:00Z"
    assert entry.published == "2024-05-01T11:00:00Z"


def test_not_a_feed() -> None:
    with pytest.raises(DiscoveryError, match="not a feed"):
        parse_feed(b"<html><body>hello</body></html>")


def test_a_story_in_a_sitemap_and_a_feed_gets_the_same_dates() -> None:
    """Whichever listing is fetched first, the record's lastmod reads the same."""
    sitemap = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://w.example/a/1/</loc><lastmod>2024-03-07T11:30:00+02:00</lastmod></url>
    </urlset>"""
    rss = b"""<rss version="2.0"><channel><item><link>https://w.example/a/1/</link>
      <pubDate>Thu, 07 Mar 2024 09:30:00 GMT</pubDate></item></channel></rss>"""
    (listed,) = parse_sitemap(sitemap)
    (fed,) = parse_feed(rss)
    assert listed.lastmod == fed.lastmod == fed.published == "2024-03-07T09:30:00Z"


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("2024-03-07", "2024-03-07"),  # a date has no time to convert
        ("2024-03-07T10:00", "2024-03-07T10:00:00Z"),  # no offset: UTC
        ("2024-03-07T10:00:00.5-05:00", "2024-03-07T15:00:00Z"),
        ("Thu, 07 Mar 2024 10:00:00 +0100", "2024-03-07T09:00:00Z"),
        ("last Tuesday", "last Tuesday"),  # unreadable: kept as written
    ],
)
def test_dates_are_normalized_to_utc(written: str, normalized: str) -> None:
    assert normalize_date(written) == normalized
