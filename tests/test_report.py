"""The report page, in a real headless Chromium: it loads cleanly, every chart is there with a
title, and it is not blank. Chromium comes from Debian's package (`make install`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import sync_playwright

from newscrawl.report import write_report
from tests.records import record, write_run

CHROMIUM = Path("/usr/bin/chromium")
TITLES = [
    "Records written per source per day",
    "Drop reasons per run",
    "Dedup verdicts over time",
    "Text length by source",
    "Languages",
    "Dateline coverage by agency",
    "Run health",
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    write_run(
        tmp_path / "apnews" / "r1.jsonl",
        [record("a"), record("b", revision=2, language="fr"), record("c", duplicate_of="a")],
    )
    manifest = {
        "run_id": "apnews-1",
        "started_at": "2026-11-20T10:00:00+00:00",
        "finished_at": "2026-11-20T10:05:00+00:00",
        "finish_reason": "finished",
        "written": 3,
        "errors": 0,
        "dropped": {"no_text": 2, "duplicate_near": 1},
    }
    import json

    (tmp_path / "apnews" / "r1.manifest.json").write_text(json.dumps(manifest), "utf-8")
    return write_report(tmp_path, tmp_path / "report")


def test_the_report_renders_in_chromium_with_every_chart(report: Path, tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "Chromium is missing: `make install` installs Debian's chromium"
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        titles = page.locator("section.chart h2").all_inner_texts()
        svgs = page.locator("section.chart svg").count()
        page.screenshot(path=str(tmp_path / "shot.png"), full_page=True)
        browser.close()
    assert errors == []
    assert requests == [report.as_uri()]  # nothing fetched but the page itself
    assert titles == TITLES and svgs == len(TITLES)
    with Image.open(tmp_path / "shot.png") as shot:
        assert max(ImageStat.Stat(shot.convert("L")).stddev) > 10  # not one flat colour
