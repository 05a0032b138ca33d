"""`scripts/bench.py`: its helpers, the process-tree sampler and the plain loop, on tiny inputs."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

from scripts import bench
from tests.warcs import write_warc

CHILD_MIB = 64  # resident in a grandchild of the measured process: the sampler must see it


def test_doctests() -> None:
    assert doctest.testmod(bench).failed == 0


def test_peak_memory_counts_the_whole_process_tree(tmp_path: Path) -> None:
    grandchild = f"import time; x = b'x' * {CHILD_MIB} * 2**20; time.sleep(1.2)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    measured = bench.run_measured([sys.executable, "-c", child], tmp_path)
    assert measured.returncode == 0
    assert measured.wall >= 1.2
    assert measured.peak_rss >= CHILD_MIB * bench.MIB > measured.peak_main_rss
    assert measured.cpu_total >= measured.cpu_main >= 0


def test_failed_process_reports_its_exit_code(tmp_path: Path) -> None:
    measured = bench.run_measured([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)
    assert measured.returncode == 3


def test_archive_is_built_once_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path)
    path = bench.ensure_warc(3, seed=1)
    assert path.parent == tmp_path and "pages-3-seed-1-" in path.name
    built = path.stat().st_mtime_ns
    assert bench.ensure_warc(3, seed=1) == path
    assert path.stat().st_mtime_ns == built
    assert bench.plain_loop(path) == 3
    assert not list(tmp_path.glob("*.part"))


def test_plain_loop_reads_only_html_200_responses(tmp_path: Path) -> None:
    body = (
        b"<html><body><article><p>" + b"Words of a story. " * 40 + b"</p></article></body></html>"
    )
    path = write_warc(
        tmp_path / "mixed.warc.gz",
        [
            ("https://example.com/a", 200, "text/html; charset=utf-8", body),
            ("https://example.com/b", 404, "text/html", body),
            ("https://example.com/c.png", 200, "image/png", b"\x89PNG\r\n"),
        ],
    )
    assert bench.plain_loop(path) == 1


def test_page_times_come_from_written_and_dropped_lines() -> None:
    log = (
        "1700000000.250 [scrapy.core.engine] INFO: Spider opened\n"
        "1700000001.000 [scrapy.core.scraper] DEBUG: Wrote https://example.com/a\n"
        "1700000001.500 [scrapy.core.scraper] WARNING: Dropped https://example.com/b: no_text\n"
        "1700000006.000 [scrapy.core.engine] INFO: Closing spider (finished)\n"
    )
    assert bench.pages_done(log) == [1700000001.0, 1700000001.5]


def test_crawl_command_isolates_the_run(tmp_path: Path) -> None:
    argv = bench.crawl_argv(Path("a.warc.gz"), tmp_path, workers=2, profile=None)
    assert argv[argv.index("crawl") :][:4] == ["crawl", "warc", "-a", "path=a.warc.gz"]
    settings = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-s"]
    assert f"OUTPUT_DIR={tmp_path}" in settings
    assert f"DEDUP_STORE_PATH={tmp_path / 'dedup.sqlite'}" in settings
    assert "EXTRACT_WORKERS=2" in settings
    assert f"LOG_FORMAT={bench.CRAWL_LOG_FORMAT}" in settings
    assert "LOG_LEVEL=DEBUG" in settings  # one "Wrote" line per page, for the page times
