"""A crawl of a misbehaving site: each fault under its own counter, the good pages written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.crawling import crawl
from tests.mocksite.hostile import FAULTS, GOOD, HostileSite


def test_every_fault_is_counted_and_the_good_pages_written(tmp_path: Path) -> None:
    with HostileSite() as site:
        result = crawl(
            "sitemap",
            tmp_path,
            "-a",
            f"url={site.base}/sitemap-index.xml",
            settings={"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "0", "DEDUP_MODE": "off"},
        )
    assert result.returncode == 0, result.stderr  # crawl() also checks: no uncounted ERROR
    (manifest,) = result.manifests("sitemap")
    assert sorted(r["url"].removeprefix(site.base) for r in result.records("sitemap")) == sorted(
        GOOD
    )
    faults = manifest["faults"]
    for kind, count in Counter(FAULTS.values()).items():
        assert faults.get(kind) == count, (kind, faults)
    assert faults["http_error/500"] == 1  # the child sitemap that answers 500
    assert faults["discovery_error/not_sitemap"] == 1  # the malformed one
    assert faults["discovery_error/bad_url"] == 2  # broken IPv6 host, bad port
    assert faults["page/failed"] == len(FAULTS)


def test_private_addresses_are_refused_by_default(tmp_path: Path) -> None:
    with HostileSite() as site:
        result = crawl(
            "sitemap",
            tmp_path,
            "-a",
            f"url={site.base}/sitemap-good.xml",
            settings={"ALLOW_PRIVATE_ADDRESSES": "False"},
        )
    assert result.returncode != 0  # the one entry document was refused: nothing to crawl
    (manifest,) = result.manifests("sitemap")
    assert manifest["faults"]["private_address_refused"] == 2  # robots.txt and the sitemap
    assert manifest["faults"]["entry/failed"] == 1
    assert "every entry document failed" in result.stderr
