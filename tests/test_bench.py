"""`scripts/bench.py`: its helpers, the process-tree sampler and the plain loop, on tiny inputs."""

from __future__ import annotations

import doctest
import gzip
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from devtools.warc import write_warc
from newscrawl.archives import ArchivedPage, read_archive
from newscrawl.extraction import TRAFILATURA_OPTIONS
from scripts import bench, bench_pages

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
    assert len(bench.plain_loop(path)) == 3
    assert not list(tmp_path.glob("*.part"))


@pytest.fixture
def tiny_warc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 3-page generated archive, with the bench's folders and page minimum set for it."""
    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(bench, "RUNS_DIR", tmp_path / "runs")
    monkeypatch.setattr(bench, "MIN_PAGES", 3)
    return bench.ensure_warc(3, seed=1)


def test_plain_loop_runs_in_a_process_of_its_own(tiny_warc: Path) -> None:
    # The bench starts the baseline as `python -m scripts.bench --plain-loop`, from the checkout.
    result = bench.run_plain(tiny_warc, "plain-test")
    assert result.pages == 3
    assert result.measured.returncode == 0


def test_a_pair_of_plain_loops_runs_at_the_same_time(tiny_warc: Path) -> None:
    first, second = bench.run_plain_pair(tiny_warc, "pair-test")
    assert first.pages == second.pages == 3
    # each started before the other ended
    assert second.measured.spawned_at < first.measured.spawned_at + first.measured.wall
    assert first.measured.spawned_at < second.measured.spawned_at + second.measured.wall
    assert (bench.RUNS_DIR / "pair-test-a").is_dir() and (bench.RUNS_DIR / "pair-test-b").is_dir()


def test_the_plain_loop_has_the_projects_options_and_trafilaturas_metadata() -> None:
    assert bench.PLAIN_OPTIONS == {**TRAFILATURA_OPTIONS, "with_metadata": True}


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
    assert len(bench.plain_loop(path)) == 1


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
    assert "DEDUP_MODE=mark" in argv
    assert argv[argv.index("crawl") :][:4] == ["crawl", "warc", "-a", "path=a.warc.gz"]
    settings = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-s"]
    assert f"OUTPUT_DIR={tmp_path}" in settings
    assert f"DEDUP_STORE=sqlite:///{tmp_path / 'dedup.sqlite'}" in settings
    assert "EXTRACT_WORKERS=2" in settings
    assert f"LOG_FORMAT={bench.CRAWL_LOG_FORMAT}" in settings
    assert "LOG_LEVEL=DEBUG" in settings  # one "Wrote" line per page, for the page times


def _result(cpu: float, **fields: object) -> bench.Result:
    """1,000 pages in 5 s: start-up 1 s, then a page every 4 ms, then 0.004 s to exit."""
    measured = bench.Measured(
        spawned_at=100.0,
        wall=5.0,
        peak_rss=300 * bench.MIB,
        peak_main_rss=200 * bench.MIB,
        cpu_main=cpu / 2,
        cpu_total=cpu,
        returncode=0,
    )
    done = [101.0 + 0.004 * page for page in range(1000)]
    return bench.Result(1000, measured, done, **fields)


def test_report_shows_every_figure_of_every_run() -> None:
    plain = _result(4.0)
    crawl = _result(8.0, opened=0.7, written=972, dropped={"dup": 28})
    lines = bench.table([("plain 1,000", plain), ("newscrawl 1,000", crawl)]).splitlines()
    assert lines[0].split() == ["plain", "1,000", "newscrawl", "1,000"]
    assert "28 (dup 28)" in next(line for line in lines if line.startswith("records dropped"))
    assert next(line for line in lines if "WITH start-up" in line).split()[-2:] == ["200.0"] * 2
    assert next(line for line in lines if "WITHOUT" in line).split()[-2:] == ["250.0"] * 2
    assert crawl.before == pytest.approx(1.0) and crawl.after == pytest.approx(0.004)
    per_page = next(line for line in lines if line.startswith("CPU ms per page"))
    assert per_page.split()[-2:] == ["4.0", "8.0"]


def test_start_up_cpu_is_read_from_the_samples_at_the_first_page() -> None:
    crawl = _result(8.0)
    crawl.measured.samples = [(100.5, 1.0), (101.5, 3.0)]
    assert crawl.startup_cpu == pytest.approx(2.0)  # first page done at 101.0


def test_targets_judge_ratio_cpu_and_start_up() -> None:
    plain, crawl = _result(4.0), _result(4.1)
    fast = replace(crawl, measured=replace(crawl.measured, wall=2.5))
    fast.done = [100.5 + 0.002 * page for page in range(1000)]
    assert [ok for _, ok in bench.targets(plain, fast)] == [True, True, True, True]
    lines = bench.targets(plain, _result(8.0))
    assert [ok for _, ok in lines] == [False, True, False, True]  # 1.0x, 2x the CPU


def _started(cpu: float, startup_cpu: float, pages: int = 1000) -> bench.Result:
    """`pages` pages for `cpu` CPU s, `startup_cpu` of them before the first page was done."""
    result = _result(cpu)
    result.pages = pages
    result.measured.samples = [(100.0, 0.0), (101.0, startup_cpu), (105.0, cpu)]
    return result


def test_scale_rows_judge_cpu_and_memory_against_the_first_run() -> None:
    base = _result(4.0)
    same = _result(4.3)
    fatter = replace(base, measured=replace(base.measured, peak_rss=400 * bench.MIB))
    lines, ok = bench.scale_rows([base, same])
    assert ok and len(lines) == 3
    assert not bench.scale_rows([base, _result(4.6)])[1]  # CPU per page 15 % up
    assert not bench.scale_rows([base, _result(3.4)])[1]  # 15 % down: not linear either
    assert not bench.scale_rows([base, fatter])[1]  # peak RSS 33 % up


def test_scale_rows_judge_cpu_per_page_after_start_up() -> None:
    # 2 CPU s of start-up with the first page, then 28 ms a page: 30.0 ms per page over 1,001
    # pages and 28.2 over 10,001 for the whole run.
    small, large = _started(30.0, 2.0, pages=1001), _started(282.0, 2.0, pages=10_001)
    assert small.cpu_per_page_after_start_up == pytest.approx(0.028, rel=1e-3)
    assert large.cpu_per_page_after_start_up == pytest.approx(0.028, rel=1e-3)
    lines, ok = bench.scale_rows([small, large])
    assert ok
    assert lines[2].split()[2:5] == ["28.2", "28.0", "1.00x"]
    # The same whole-run figures with the page cost grown by 15 % after start-up.
    assert not bench.scale_rows([small, _started(324.0, 2.0, pages=10_001)])[1]


def test_real_page_archive_holds_every_eval_page(tmp_path: Path) -> None:
    page = (
        b"<html><body><article><p>" + b"An invented story. " * 30 + b"</p></article></body></html>"
    )
    eval_dir = tmp_path / "eval"
    (eval_dir / "aeb" / "html").mkdir(parents=True)
    (eval_dir / "aeb" / "html" / "p1.html.gz").write_bytes(gzip.compress(page))
    truth = {"p1": {"url": "https://news.example/a", "articleBody": "x"}}
    (eval_dir / "aeb" / "ground-truth.json").write_text(json.dumps(truth))
    (eval_dir / "fundus" / "xx").mkdir(parents=True)
    (eval_dir / "fundus" / "xx" / "Paper_2024_01_02.html.gz").write_bytes(gzip.compress(page))
    (eval_dir / "fundus" / "xx" / "Nourl_2024_01_02.html.gz").write_bytes(gzip.compress(page))
    meta = {"Paper_2024_01_02.html.gz": {"url": "https://paper.example/b", "crawl_date": None}}
    (eval_dir / "fundus" / "xx" / "meta.info").write_text(json.dumps(meta))
    (eval_dir / "l3s").mkdir()
    write_warc(
        eval_dir / "l3s" / "pages.warc.gz", [("https://old.example/c", 200, "text/html", page)]
    )
    path = bench_pages.ensure_real_warc(eval_dir, tmp_path / "cache")
    assert bench_pages.ensure_real_warc(eval_dir, tmp_path / "cache") == path
    with path.open("rb") as stream:
        pages = [r for r in read_archive(stream) if isinstance(r, ArchivedPage)]
    assert [p.url for p in pages] == [
        "https://news.example/a",
        "https://paper.example/b",
        "https://old.example/c",
    ]
    assert all(p.body == page for p in pages)


def test_bench_exits_with_a_message_without_the_eval_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--eval-dir", str(tmp_path / "missing")]) == 2
    assert "no real pages at" in capsys.readouterr().err
