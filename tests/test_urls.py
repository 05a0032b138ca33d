from __future__ import annotations

import pytest

from newscrawl.urls import canonicalize_url, url_id


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # scheme and host case, default ports, fragment
        ("HTTPS://Example.COM/World/Story", "https://example.com/World/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        # sorted query, tracking parameters removed whatever their case
        ("https://example.com/a?z=1&b=2&a=3", "https://example.com/a?a=3&b=2&z=1"),
        (
            "https://example.com/a?utm_source=tw&utm_medium=social&id=7",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?fbclid=IwAR0&gclid=Cj0&msclkid=1", "https://example.com/a"),
        ("https://example.com/a?ref=home&ref_src=twsrc%5Etfw", "https://example.com/a"),
        ("https://example.com/a?cmpid=rss&ocid=msn&mc_cid=1&mc_eid=2", "https://example.com/a"),
        ("https://example.com/a?page=2&utm_term=x#top", "https://example.com/a?page=2"),
        # what is not tracking stays, blank values included
        ("https://example.com/a?id=5&reference=x", "https://example.com/a?id=5&reference=x"),
        ("https://example.com/a?preview=", "https://example.com/a?preview="),
        ("https://example.com/search?q=a%26b", "https://example.com/search?q=a%26b"),
        # path case and trailing slash are kept (sites serve different pages under them)
        ("https://example.com/World/Story-A/", "https://example.com/World/Story-A/"),
        # non-ASCII host and path
        ("https://Bücher.example/Straße", "https://xn--bcher-kva.example/Stra%C3%9Fe"),
        # surrounding whitespace from a sitemap or feed
        ("  https://example.com/a\n", "https://example.com/a"),
    ],
)
def test_canonicalize_url(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_canonicalize_url_is_idempotent() -> None:
    url = "HTTP://Example.com:80/News/a?b=1&utm_source=x&a=2#frag"
    assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url)


def test_tracking_variants_share_one_canonical_url() -> None:
    variants = [
        "https://apnews.example/article/quake-peru-1a2b",
        "https://apnews.example/article/quake-peru-1a2b?utm_source=homepage&utm_medium=top",
        "https://APNEWS.example:443/article/quake-peru-1a2b#photos",
        "https://apnews.example/article/quake-peru-1a2b?fbclid=abc",
    ]
    assert len({canonicalize_url(v) for v in variants}) == 1


def test_invalid_port_raises() -> None:
    with pytest.raises(ValueError):
        canonicalize_url("https://example.com:port/a")


def test_url_id_is_stable_hex() -> None:
    # A fixed value: ids are stored in every written record and must never change.
    assert url_id("https://example.com/a") == "969065efe4e160eb6d90f3b0ab5cc775"
    assert url_id("https://example.com/b") != url_id("https://example.com/a")
    assert len(url_id("https://example.com/ü")) == 32
