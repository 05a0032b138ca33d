from __future__ import annotations

import pytest

from newscrawl.sources import SOURCES

ARTICLES = {
    "reuters": [
        "/world/middle-east/iraqi-forces-raid-militia-2020-06-26/",
        "/business/x-2024-03-07",
    ],
    "apnews": ["/article/flood-warning-river-0123456789abcdef0123456789abcdef"],
    "afp": ["/en/news/15/storm-batters-coast", "/fr/actus/12/tempete-sur-la-cote"],
    "upi": ["/Top_News/World-News/2024/12/30/storm-hits/1234567890123/"],
}
NOT_ARTICLES = {
    "reuters": ["/world/", "/pictures/quake-2024-03-07/", "/graphics/chart-2024-03-07/"],
    "apnews": ["/hub/flooding", "/video/flood-0123456789abcdef0123456789abcdef", "/article/"],
    "afp": ["/en/news", "/en/about"],
    "upi": ["/Top_News/", "/2024/12/30/"],
}


def test_every_source_is_described() -> None:
    for source in SOURCES.values():
        assert source.agency and source.allowed_domains and source.entry_urls
        assert source.name in ARTICLES, f"add article URL examples for {source.name}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_article_patterns(name: str) -> None:
    source = SOURCES[name]
    for path in ARTICLES[name]:
        assert source.is_article_path(path), path
    for path in NOT_ARTICLES[name]:
        assert not source.is_article_path(path), path
