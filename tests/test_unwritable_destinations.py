"""`scrapy corpus`, `scrapy report` and `scrapy rebuildstore` given places they cannot use.

Told to write where a file stands: one line naming the place and the reason, exit code 1, no
traceback, and the file untouched. Told to read runs from a folder that is not there (a typo):
one line, exit code 2, and the corpus or report built before left as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE
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


@pytest.mark.parametrize("command", ["corpus", "report"])
def test_a_runs_folder_that_is_not_there_leaves_what_was_built_alone(
    command: str, tmp_path: Path
) -> None:
    built = tmp_path / command
    built.mkdir()
    (built / "index.html").write_text("built before")
    missing = tmp_path / "outptu"
    extra = ["--rebuild"] if command == "corpus" else []
    done = _scrapy(command, "--output", str(missing), f"--{command}", str(built), *extra)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert f"newscrawl: {command}: no runs folder at {missing}\n" in done.stderr
    assert [p.name for p in built.iterdir()] == ["index.html"]
    assert (built / "index.html").read_text() == "built before"
    assert not missing.exists()
