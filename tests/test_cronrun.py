"""`scrapy cronrun` with several spiders: options, worker budget and exit code of the children."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

import pytest
from scrapy.cmdline import ScrapyArgumentParser
from scrapy.exceptions import UsageError
from scrapy.utils.project import get_project_settings

from newscrawl.commands import cronrun
from newscrawl.health import EXIT_LOCKED, EXIT_USAGE

if TYPE_CHECKING:
    from pathlib import Path

GIVEN = [
    "-a", "site=http://127.0.0.1:8000",
    "-a", "since=2024-01-01",
    "-L", "WARNING",
    "-O", "stories-%(name)s.jsonl",
    "-s", "DOWNLOAD_DELAY=3",
    "--logfile", "cron.log",
    "--nolog",
    "--pdb",
    "--profile", "stats.prof",
]  # fmt: skip


def _parsed(command: cronrun.Command, argv: list[str]) -> tuple[ScrapyArgumentParser, object]:
    parser = ScrapyArgumentParser(conflict_handler="resolve")
    command.add_options(parser)
    opts, _ = parser.parse_known_args(argv)
    return parser, opts


def _unconfigured() -> cronrun.Command:
    command = cronrun.Command()
    command.settings = get_project_settings().copy()
    return command


def _command(tmp_path: Path, *argv: str) -> cronrun.Command:
    command = _unconfigured()
    command.settings.set("LOCK_DIR", str(tmp_path / "locks"))
    command.settings.set("LOG_DIR", str(tmp_path / "logs"))
    _, opts = _parsed(command, list(argv))
    command.process_options(["apnews", "reuters"], opts)
    return command


class Children:
    """Stands in for `subprocess.run`: records each child's argv, runs a real process that
    exits with the next planned code (negative: killed by that signal)."""

    def __init__(self, codes: list[int], seconds: float = 0.0) -> None:
        self.codes = iter(codes)
        self._run = subprocess.run  # the real one: the tests patch this very function
        self.seconds = seconds
        self.argvs: list[list[str]] = []
        self.running = self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, argv: list[str], check: bool) -> subprocess.CompletedProcess[bytes]:
        with self._lock:
            self.argvs.append(argv)
            code = next(self.codes)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        end = f"os.kill(os.getpid(), {-code})" if code < 0 else f"sys.exit({code})"
        script = f"import os, sys, time; time.sleep({self.seconds}); {end}"
        done = self._run([sys.executable, "-c", script], check=check)
        with self._lock:
            self.running -= 1
        return done


@pytest.mark.parametrize(
    ("codes", "expected"),
    [([0, -9], 128 + 9), ([75, 1], 1), ([75, 75], EXIT_LOCKED), ([0, 1], 1), ([75, 0], 0)],
)
def test_the_exit_code_tells_the_truth_about_every_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codes: list[int], expected: int
) -> None:
    children = Children(codes)
    monkeypatch.setattr(cronrun.subprocess, "run", children)
    command = _command(tmp_path)
    assert command.run_each(["apnews", "reuters"]) == expected
    assert len(children.argvs) == 2


def test_children_get_every_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    children = Children([0, 0])
    monkeypatch.setattr(cronrun.subprocess, "run", children)
    command = _command(tmp_path, *GIVEN, "--pidfile", str(tmp_path / "cron.pid"))
    assert command.run_each(["apnews", "reuters"]) == 0
    _, parent_opts = _parsed(_unconfigured(), GIVEN)
    spiders = []
    for argv in children.argvs:
        assert argv[1:4] == ["-m", "scrapy", "cronrun"]
        spiders.append(argv[4])
        _, child_opts = _parsed(_unconfigured(), argv[5:])
        forwarded = vars(child_opts)
        budget = forwarded["set"].pop()  # added by cronrun: the child's share of the workers
        assert budget.startswith("EXTRACT_WORKERS=")
        assert forwarded == {**vars(parent_opts), "pidfile": None}  # the pid file is the parent's
    assert sorted(spiders) == ["apnews", "reuters"]


@pytest.mark.parametrize(("budget", "most_at_once", "each"), [(2, 2, 1), (1, 1, 1), (8, 4, 2)])
def test_the_host_never_runs_more_workers_than_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int, most_at_once: int, each: int
) -> None:
    children = Children([0] * 4, seconds=0.5)
    monkeypatch.setattr(cronrun.subprocess, "run", children)
    command = _command(tmp_path, "-s", f"EXTRACT_WORKERS={budget}")
    assert command.run_each(["afp", "apnews", "reuters", "upi"]) == 0
    assert children.most_at_once == most_at_once
    for argv in children.argvs:
        assert argv[-2:] == ["-s", f"EXTRACT_WORKERS={each}"]


@pytest.mark.parametrize("budget", ["two", "-1", "1.5"])
def test_an_unusable_worker_budget_is_one_line_and_starts_no_child(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    budget: str,
) -> None:
    children = Children([])
    monkeypatch.setattr(cronrun.subprocess, "run", children)
    argv = ["-s", f"EXTRACT_WORKERS={budget}"]
    command = _command(tmp_path, *argv)
    command.run(["apnews", "reuters"], _parsed(command, argv)[1])
    assert command.exitcode == EXIT_USAGE
    assert children.argvs == []
    assert not (tmp_path / "locks").exists()
    message = f"EXTRACT_WORKERS must be a whole number of at least 0, not {budget!r}"
    assert capsys.readouterr().err == f"newscrawl: cronrun: {message}\n"


def test_an_unusable_time_limit_is_one_line_before_any_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = _unconfigured()
    command.settings.set("LOCK_DIR", str(tmp_path / "locks"))
    command.settings.set("LOG_DIR", str(tmp_path / "logs"))
    argv = ["-s", "CRON_TIME_LIMIT=soon"]
    _, opts = _parsed(command, argv)
    command.process_options(["apnews"], opts)
    command.run(["apnews"], opts)
    assert command.exitcode == EXIT_USAGE
    message = "CRON_TIME_LIMIT must be a whole number of at least 0, not 'soon'"
    assert capsys.readouterr().err == f"newscrawl: cronrun: {message}\n"
    assert not (tmp_path / "locks").exists()


@pytest.mark.parametrize("setting", ["LOCK_DIR", "LOG_DIR"])
def test_a_lock_or_log_folder_that_cannot_be_made_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    argv = ["-s", f"{setting}={blocker / 'sub'}"]
    command = _command(tmp_path, *argv)
    command.run(["apnews", "reuters"], _parsed(command, argv)[1])
    assert command.exitcode == EXIT_USAGE
    message = f"{setting} {str(blocker / 'sub')!r} cannot be made: {str(blocker)!r} is a file"
    assert capsys.readouterr().err == f"newscrawl: cronrun: {message}\n"
    assert blocker.read_text() == "a file, not a folder"


def test_a_log_folder_that_cannot_be_made_stops_one_spiders_run_before_logging(
    tmp_path: Path,
) -> None:
    command = _unconfigured()
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    command.settings.set("LOG_DIR", str(blocker))
    _, opts = _parsed(command, [])
    with pytest.raises(UsageError, match=f"LOG_DIR {str(blocker)!r} cannot be made"):
        command.process_options(["apnews"], opts)


@pytest.mark.parametrize("spiders", range(1, 9))
@pytest.mark.parametrize("budget", range(1, 17))
def test_worker_shares_fit_the_budget(spiders: int, budget: int) -> None:
    at_once, each = cronrun.share_workers(spiders, budget)
    assert 1 <= at_once <= spiders
    assert each >= 1
    assert at_once * each <= budget


def test_an_overlapping_run_of_several_spiders_exits_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children = Children([0, 0, 0, 0], seconds=1.0)
    monkeypatch.setattr(cronrun.subprocess, "run", children)
    first = threading.Thread(target=_command(tmp_path).run_each, args=(["apnews", "reuters"],))
    first.start()
    while not children.argvs:
        time.sleep(0.01)
    assert _command(tmp_path).run_each(["apnews", "reuters"]) == EXIT_LOCKED
    first.join()
    assert len(children.argvs) == 2
