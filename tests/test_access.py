"""free_access from JSON-LD and tdm_reserved from TDMRep's header and meta tag."""

from __future__ import annotations

import pytest

from newscrawl.access import free_access, tdm_meta, tdm_reserved


def ld(payload: str) -> str:
    return f'<html><head><script type="application/ld+json">{payload}</script></head></html>'


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (ld('{"@type": "NewsArticle", "isAccessibleForFree": false}'), False),
        (ld('{"@type": "NewsArticle", "isAccessibleForFree": "True"}'), True),
        (ld('{"@graph": [{"@type": "WebSite"}, {"isAccessibleForFree": "false"}]}'), False),
        (ld('[{"@type": "Organization"}, {"isAccessibleForFree": true}]'), True),
        (ld('{"@type": "NewsArticle", "hasPart": {"isAccessibleForFree": "False"}}'), False),
        (ld('{"isAccessibleForFree": "https://schema.org/True"}'), True),
        (ld("{broken json") + ld('{"isAccessibleForFree": false}'), False),
        (ld('{"@type": "NewsArticle", "headline": "No paywall said"}'), None),
        ("<html><body><p>isAccessibleForFree: false</p></body></html>", None),
    ],
    ids=[
        "bool",
        "string",
        "graph",
        "list",
        "nested",
        "schema-url",
        "after-broken",
        "absent",
        "text",
    ],
)
def test_free_access_reads_is_accessible_for_free(page: str, expected: bool | None) -> None:
    assert free_access(page) is expected


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<meta name="tdm-reservation" content="1">', True),
        ("<META NAME='TDM-Reservation' CONTENT='1' />", True),
        ('<meta content="0" name="tdm-reservation">', False),
        ('<meta name="tdm-policy" content="https://x.example/policy.json">', None),
        ("<p>no meta</p>", None),
    ],
    ids=["reserved", "case-and-quotes", "not-reserved", "other-meta", "absent"],
)
def test_tdm_meta(page: str, expected: bool | None) -> None:
    assert tdm_meta(page) is expected


def test_the_header_decides_before_the_meta_tag() -> None:
    assert tdm_reserved("1", None) is True
    assert tdm_reserved("0", True) is False
    assert tdm_reserved(None, True) is True
    assert tdm_reserved(None, None) is False
    assert tdm_reserved("garbage", True) is True
