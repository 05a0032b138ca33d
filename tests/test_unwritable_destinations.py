"""`scrapy corpus`, `scrapy report` and `scrapy rebuildstore` told to write where a file stands:
one line naming the place and the reason, exit code 1, no traceback, and the file untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.health import EXIT_UNHEALTHY
from tests.crawling import PROJECT_DIR


def _scrapy(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *argv],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", ["corpus", "report", "rebuildstore"])
def test_a_destination_that_is_a_file_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    runs = tmp_path / "output"
    runs.mkdir()
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    if command == "rebuildstore":
        place = blocker / "dedup.sqlite"
        argv = ["-s", f"OUTPUT_DIR={runs}", "-s", f"DEDUP_STORE=sqlite:///{place}"]
        expected = f"newscrawl: rebuildstore: {place} not rebuilt: "
    else:
        argv = ["--output", str(runs), f"--{command}", str(blocker)]
        expected = f"newscrawl: {command}: {blocker}: "
    done = _scrapy(command, *argv)
    assert done.returncode == EXIT_UNHEALTHY, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("newscrawl:")]
    assert line.startswith(expected) and "Errno" in line
    assert blocker.read_text() == "a file, not a folder"
