"""Run real crawls in a subprocess, isolated in a temporary folder, and read what they wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawl.exclusions import EXCLUDED_SUFFIX, is_exclusion_file

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Settings every test crawl uses: its own output and store, and no politeness delays against
# the local mock site (politeness is for real sites; the tests check it is on by default).
TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "INFO",
    "ALLOW_PRIVATE_ADDRESSES": "True",  # the mock site is on 127.0.0.1
}


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    output_dir: Path

    def run_files(self, spider: str | None = None) -> list[Path]:
        """The finished run files (records, not exclusions), sorted."""
        pattern = f"{spider}/*.jsonl" if spider else "*/*.jsonl"
        return sorted(p for p in self.output_dir.glob(pattern) if not is_exclusion_file(p))

    def records(self, spider: str | None = None) -> list[dict[str, Any]]:
        return [
            json.loads(line)
            for path in self.run_files(spider)
            for line in path.read_text("utf-8").splitlines()
        ]

    def exclusions(self, spider: str) -> list[dict[str, Any]]:
        return [
            json.loads(line)
            for path in sorted(self.output_dir.glob(f"{spider}/*{EXCLUDED_SUFFIX}"))
            for line in path.read_text("utf-8").splitlines()
        ]

    def manifests(self, spider: str) -> list[dict[str, Any]]:
        return [
            json.loads(path.read_text("utf-8"))
            for path in sorted(self.output_dir.glob(f"{spider}/*.manifest.json"))
        ]


def crawl_settings(workdir: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """A test crawl's settings: `TEST_SETTINGS`, its own folders and store under `workdir`."""
    return {
        **TEST_SETTINGS,
        "OUTPUT_DIR": str(workdir / "output"),
        "DEDUP_STORE": f"sqlite:///{workdir / 'dedup.sqlite'}",
        "LOG_DIR": str(workdir / "logs"),
        "LOCK_DIR": str(workdir / "locks"),
        **(settings or {}),
    }


def rebuild_store(
    workdir: Path, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `scrapy rebuildstore` with a test crawl's settings (`crawl_settings`)."""
    argv = [sys.executable, "-m", "scrapy", "rebuildstore"]
    for name, value in crawl_settings(workdir, settings).items():
        argv += ["-s", f"{name}={value}"]
    return subprocess.run(
        argv, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False
    )


def crawl_command(
    command: str, spider: str, workdir: Path, *args: str, settings: dict[str, str] | None = None
) -> list[str]:
    merged = crawl_settings(workdir, settings)
    argv = [sys.executable, "-m", "scrapy", command, spider, *args]
    for name, value in merged.items():
        argv += ["-s", f"{name}={value}"]
    return argv


def _manifest_paths(output_dir: Path) -> set[Path]:
    return set(output_dir.glob("*/*.manifest.json"))


def crawl(
    spider: str,
    workdir: Path,
    *args: str,
    settings: dict[str, str] | None = None,
    command: str = "crawl",
    timeout: float = 180,
    uncounted_errors: int = 0,
) -> CrawlResult:
    """Run `scrapy <command> <spider> ARGS` from the project folder and wait for it.

    Every run it leaves a manifest of must count `uncounted_errors` ERROR log lines, none by
    default: an exit code of 0 alone lets a crawl pass with dozens of errors nobody counted.
    """
    argv = crawl_command(command, spider, workdir, *args, settings=settings)
    before = _manifest_paths(workdir / "output")
    done = subprocess.run(
        argv,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    result = CrawlResult(done.returncode, done.stdout, done.stderr, workdir / "output")
    for path in sorted(_manifest_paths(result.output_dir) - before):
        errors = json.loads(path.read_text("utf-8"))["uncounted_errors"]
        assert errors == uncounted_errors, (
            f"{path.name}: {errors} uncounted ERROR lines (expected {uncounted_errors})\n"
            + result.stderr[-3000:]
        )
    return result


def start_crawl(
    spider: str,
    workdir: Path,
    *args: str,
    settings: dict[str, str] | None = None,
    command: str = "crawl",
) -> subprocess.Popen[str]:
    """Start a crawl in the background (for tests that signal or race it)."""
    argv = crawl_command(command, spider, workdir, *args, settings=settings)
    return subprocess.Popen(
        argv, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def lines_in(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total
