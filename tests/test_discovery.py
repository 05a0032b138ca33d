from __future__ import annotations

import gzip
import subprocess
import sys
import zlib

import pytest

from newscrawl.dates import to_utc_iso
from newscrawl.discovery import (
    DiscoveryError,
    maybe_gunzip,
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
    first, second = parse_sitemap(NEWS_SITEMAP).candidates
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
    (entry,) = parse_sitemap(index).candidates
    assert entry.is_index and entry.url == "https://wire.example/s1.xml"


def test_gzipped_sitemap_and_size_bound() -> None:
    body = gzip.compress(NEWS_SITEMAP)
    assert len(parse_sitemap(maybe_gunzip(body, 10_000)).candidates) == 2
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
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://x.example/&b;</loc></url>
      <url><loc>https://x.example/after</loc></url>
    </urlset>"""
    urls = [entry.url for entry in parse_sitemap(bomb).candidates]
    assert "https://x.example/after" in urls
    assert not any("aaaaaaaaaa" in url for url in urls)


def _billion_laughs(levels: int) -> bytes:
    """The classic entity-amplification payload: 10**levels copies of "lol" if expanded."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        entities.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE urlset [{"".join(entities)}]>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>https://x.example/&lol{levels};</loc><lastmod>&lol{levels};</lastmod></url>"
        "<url><loc>https://x.example/kept</loc></url></urlset>"
    ).encode()


# Run in a fresh interpreter so its peak resident memory is the parse's own (libxml2 allocates
# outside Python's allocator, where tracemalloc cannot see it).
_MEASURE = """
import resource, sys, time
from newscrawl.discovery import parse_sitemap
from tests.test_discovery import _billion_laughs
payload = _billion_laughs(9)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
urls = [c.url for c in parse_sitemap(payload).candidates]
elapsed = time.perf_counter() - began
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(elapsed, grown * 1024, *urls)
"""


def test_billion_laughs_is_read_in_bounded_time_and_memory() -> None:
    """Nine levels would expand to 3 GB of "lol"; read unexpanded, it costs what it weighs."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE], capture_output=True, text=True, check=True
    )
    elapsed, grown, *urls = done.stdout.split()
    assert "https://x.example/kept" in urls  # the entry after the bomb is still read
    assert not any("lollol" in url for url in urls)
    assert float(elapsed) < 0.5
    assert int(grown) < 10 * 1024 * 1024


def test_external_entities_are_not_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://x.example/&x;</loc></url>
      <url><loc>https://x.example/after</loc></url>
    </urlset>"""
    urls = [entry.url for entry in parse_sitemap(xxe.encode()).candidates]
    assert "https://x.example/after" in urls
    assert not any("TOP-SECRET" in url for url in urls)


def test_rss_feed() -> None:
    rss = b"""<rss version="2.0"><channel><title>W</title>
      <item><title>One</title><link>https://w.example/a/1/</link>
        <pubDate>Tue, 10 Aug 2021 14:00:00 GMT</pubDate></item>
      <item><title>No link</title></item>
      <item><guid>https://w.example/a/2/</guid></item>
    </channel></rss>"""
    one, two = parse_feed(rss).candidates
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
    (entry,) = parse_feed(atom).candidates
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
    (listed,) = parse_sitemap(sitemap).candidates
    (fed,) = parse_feed(rss).candidates
    assert listed.lastmod == fed.lastmod == fed.published == "2024-03-07T09:30:00Z"


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("2024-03-07", "2024-03-07"),  # a date has no time to convert
        ("2024-03-07T10:00", "2024-03-07T10:00:00Z"),  # no offset: UTC
        ("2024-03-07T10:00:00.5-05:00", "2024-03-07T15:00:00Z"),
        ("Thu, 07 Mar 2024 10:00:00 +0100", "2024-03-07T09:00:00Z"),
        ("last Tuesday", None),  # unreadable: no date (counted as bad_date when read)
    ],
)
def test_dates_are_normalized_to_utc(written: str, normalized: str | None) -> None:
    assert to_utc_iso(written) == normalized


def test_image_title_before_news_title_is_not_the_headline() -> None:
    sitemap = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://w.example/a/1/</loc>
        <image:image><image:loc>https://w.example/1.jpg</image:loc>
          <image:title>Photo: the harbour at dawn</image:title></image:image>
        <video:video><video:title>Video: the harbour</video:title></video:video>
        <news:news><news:title>Harbour reopens after storm</news:title></news:news>
      </url>
    </urlset>"""
    (entry,) = parse_sitemap(sitemap).candidates
    assert entry.url == "https://w.example/a/1/"
    assert entry.title == "Harbour reopens after storm"


BAD_ENTRIES = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://w.example/a/1/</loc></url>
  <url><loc>https://w.example:99999/a/bad-port/</loc></url>
  <url><loc>https://w.example:eighty/a/bad-port/</loc></url>
  <url><loc>http://[::1/a/broken-ipv6/</loc></url>
  <url><loc>/a/relative/</loc></url>
  <url><loc>https://w.example/a/overflow/</loc><lastmod>9999-12-31T23:59:59-12:00</lastmod></url>
  <url><loc>https://w.example/a/2/</loc><lastmod>2024-03-07T10:00:00Z</lastmod></url>
</urlset>"""


def test_a_bad_sitemap_entry_costs_that_entry_only() -> None:
    listing = parse_sitemap(BAD_ENTRIES)
    assert [c.url for c in listing.candidates] == [
        "https://w.example/a/1/",
        "https://w.example/a/overflow/",  # the URL is good: only its date is dropped
        "https://w.example/a/2/",
    ]
    assert listing.candidates[1].lastmod is None
    assert listing.candidates[2].lastmod == "2024-03-07T10:00:00Z"
    assert listing.errors == {"bad_url": 3, "relative_url": 1, "bad_date": 1}


def test_a_relative_feed_link_costs_that_item_only() -> None:
    rss = b"""<rss version="2.0"><channel>
      <item><link>/a/relative/</link></item>
      <item><link>https://w.example/a/1/</link>
        <pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate></item>
      <item><link>https://w.example/a/2/</link></item>
    </channel></rss>"""
    listing = parse_feed(rss)
    assert [c.url for c in listing.candidates] == [
        "https://w.example/a/1/",
        "https://w.example/a/2/",
    ]
    assert listing.errors == {"relative_url": 1, "bad_date": 1}


def test_corrupt_deflate_data_is_a_discovery_error() -> None:
    body = bytearray(gzip.compress(NEWS_SITEMAP * 20))
    body[20:40] = b"\xff" * 20  # inside the deflate stream, past the gzip header
    with pytest.raises(zlib.error):
        zlib.decompress(bytes(body[10:]), -15)
    with pytest.raises(DiscoveryError, match="corrupt gzip") as caught:
        maybe_gunzip(bytes(body), 1_000_000)
    assert caught.value.kind == "corrupt_gzip"
