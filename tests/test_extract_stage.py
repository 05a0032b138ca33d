"""The extraction pool (`newscrawl.extract_stage`): its start and its workers' page time limit."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl import extract_stage, extract_worker, fork_server
from newscrawl.extract_worker import read_within_limit
from newscrawl.reading import Rejected
from tests.test_warc_spider import crawl_one_story

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process armed as a worker with a 0.2 s limit, as `init_worker` arms one."""
    monkeypatch.setattr(extract_worker, "_page_time_limit", 0.2)
    armed = signal.getitimer(extract_worker.LIMIT_TIMER)
    handler = signal.signal(extract_worker.LIMIT_SIGNAL, extract_worker._on_alarm)
    yield
    signal.signal(extract_worker.LIMIT_SIGNAL, handler)
    signal.setitimer(extract_worker.LIMIT_TIMER, *armed)


def _spin() -> None:
    while True:
        pass


def _backtrack() -> object:
    return re.match(r"(a+)+$", "a" * 64 + "b")  # exponential: runs for ages


def _spin_swallowing_exceptions() -> None:
    """Library code that wraps its work in `except Exception` (as trafilatura does) and retries."""
    while True:
        with contextlib.suppress(Exception):
            _spin()


@pytest.mark.usefixtures("limited")
@pytest.mark.parametrize("runaway", [_spin, _backtrack, _spin_swallowing_exceptions])
def test_a_page_over_the_limit_is_rejected(runaway: object) -> None:
    result = read_within_limit(runaway)
    assert result == Rejected("extraction_timeout", "extraction took over 0.2 CPU s")


@pytest.mark.usefixtures("limited")
def test_a_page_within_the_limit_is_read_and_the_alarm_disarmed() -> None:
    assert read_within_limit(len, "page") == 4
    assert signal.getitimer(extract_worker.LIMIT_TIMER) == (0.0, 0.0)


def test_without_a_limit_the_alarm_is_left_alone() -> None:
    """The crawl process itself (no worker pool) is never interrupted, nor its own alarm reset."""
    assert extract_worker._page_time_limit is None
    handler = signal.signal(extract_worker.LIMIT_SIGNAL, lambda signum, frame: None)
    armed = signal.setitimer(extract_worker.LIMIT_TIMER, 100)  # returns what was armed
    try:
        assert read_within_limit(len, "page") == 4
        assert signal.getitimer(extract_worker.LIMIT_TIMER)[0] > 99
    finally:
        signal.setitimer(extract_worker.LIMIT_TIMER, *armed)
        signal.signal(extract_worker.LIMIT_SIGNAL, handler)


def test_the_pool_spawns_its_workers_off_the_reactor_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Spawning waits for the fork server's preload (seconds): the crawl must read on meanwhile."""
    spawned_in: list[threading.Thread] = []
    gate = threading.Event()

    def submit(self: ProcessPoolExecutor, function: object, *args: object) -> Future[int]:
        spawned_in.append(threading.current_thread())
        gate.wait(10)  # a slow preload
        done: Future[int] = Future()
        done.set_result(0)
        return done

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    pool = extract_stage._Pool(2, None)
    assert not pool._ready.done()  # the constructor returned while the spawns still wait
    gate.set()
    pool._ready.result(timeout=10)
    assert len(spawned_in) == 2
    assert threading.main_thread() not in spawned_in


CRAWL_PROCESS_CHECK = """
import pickle, sys
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
for name in ("ITEM_PIPELINES", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES",
             "ADDONS"):
    for path in settings.getdict(name):
        if isinstance(path, str) and path.startswith("newscrawl."):
            load_object(path)
load_object(settings.get("LOG_FORMATTER"))
import newscrawl.spiders.warc, newscrawl.spiders.wire, newscrawl.manifest
from newscrawl.reading import Extracted, Reading
pickle.loads(pickle.dumps(Reading(Extracted("Title", "Text.", None), "en", 0.99)))
print(sorted(m for m in ("trafilatura", "htmldate", "justext", "newscrawl.extraction",
                         "newscrawl.pagereader") if m in sys.modules))
"""


def test_the_crawl_process_loads_none_of_the_extraction_stack() -> None:
    # With extraction in workers, the crawl process must not pay for importing trafilatura and
    # its companions (0.4 s of start-up CPU), nor when it unpickles what a worker sends back.
    done = subprocess.run(
        [sys.executable, "-c", CRAWL_PROCESS_CHECK],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_dotted_extract_function_is_resolved_in_the_worker() -> None:
    assert read_within_limit("builtins.len", "page") == 4


MAIN_SCRIPT = """
import sys
from scrapy.cmdline import execute  # what the `scrapy` console script imports

if __name__ == "__main__":
    sys.path.insert(0, {root!r})
    from newscrawl.extract_stage import _Pool
    from tests.probes import modules_loaded

    pool = _Pool(1, 60.0)
    print(pool.executor.submit(modules_loaded, ["scrapy", "twisted"]).result())
    pool.shutdown(wait=True)
"""


def test_workers_do_not_run_the_crawls_main_script_again(tmp_path: Path) -> None:
    # multiprocessing re-runs the main script in each worker unless told it is there already;
    # for `scrapy crawl` that is all of Scrapy and Twisted, 0.6 CPU s per worker at start-up.
    script = tmp_path / "scrapy"
    script.write_text(MAIN_SCRIPT.format(root=str(ROOT)))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "[]", done.stderr


FORK_SERVER_CHECK = """
import os, sys, time
sys.path.insert(0, {root!r})
from newscrawl.fork_server import start_fork_server

start_fork_server()
me = os.getpid()

def commands():
    with open(f"/proc/{{me}}/task/{{me}}/children") as handle:
        children = handle.read().split()
    for child in children:
        with open(f"/proc/{{child}}/cmdline", "rb") as handle:
            yield handle.read().replace(b"\\0", b" ").decode()

# A child shows this process's command line until its exec is done: wait for that.
deadline = time.monotonic() + 30
while (found := sum("forkserver" in c for c in commands())) == 0 and time.monotonic() < deadline:
    time.sleep(0.01)
print(found)
"""


def test_the_fork_server_starts_before_any_pool_is_made() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORK_SERVER_CHECK.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "1", done.stderr


@pytest.mark.parametrize(
    ("overrides", "started"),
    [
        ({"EXTRACT_WORKERS": 2}, True),
        ({"EXTRACT_WORKERS": ""}, True),
        ({"EXTRACT_WORKERS": 0}, False),
        ({"EXTRACT_WORKERS": 2, "ITEM_PIPELINES": {}}, False),
    ],
)
def test_the_add_on_starts_the_fork_server_only_for_a_crawl_that_has_workers(
    monkeypatch: pytest.MonkeyPatch, overrides: dict[str, object], started: bool
) -> None:
    calls: list[None] = []
    monkeypatch.setattr(fork_server, "start_fork_server", lambda: calls.append(None))
    settings = Settings()
    settings.setmodule("newscrawl.settings")
    settings.update(overrides)
    fork_server.EarlyForkServer().update_settings(settings)
    assert bool(calls) is started


# Runs `scrapy crawl warc ...` in this process and prints, when the fork server is started,
# which of the crawl's heavier modules this process had imported by then.
CRAWL_WITH_FORK_SERVER_REPORT = """
import json, sys
from newscrawl import fork_server
from scrapy.cmdline import execute

HEAVY = ["newscrawl.pipelines", "newscrawl.run", "newscrawl.dedup", "numpy", "redis",
         "scrapy.commands.version", "newscrawl.commands.crawl"]
start = fork_server.start_fork_server

def reporting_start():
    print(json.dumps([name for name in HEAVY if name in sys.modules]), flush=True)
    fork_server.start_fork_server = start
    return start()

fork_server.start_fork_server = reporting_start
sys.argv = ["scrapy", *sys.argv[1:]]
execute()
"""


def test_scrapy_crawl_starts_the_fork_server_before_it_imports_the_crawls_modules(
    tmp_path: Path,
) -> None:
    # The fork server's preload is the longest step before the first record: it should run
    # while the crawl process imports Scrapy's command modules and its own, its pipelines, the
    # dedup store, numpy and redis.
    done = crawl_one_story(CRAWL_WITH_FORK_SERVER_REPORT, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[0] == "[]", done.stdout


SCRAPY = "/venv/bin/scrapy"
PROJECT_DEFAULTS = {"EXTRACT_WORKERS": None, "ITEM_PIPELINES": {fork_server.EXTRACT_PIPELINE: 50}}


@pytest.mark.parametrize(
    ("argv", "defaults", "starts"),
    [
        ([SCRAPY, "crawl", "warc", "-a", "path=a.warc.gz"], PROJECT_DEFAULTS, True),
        (["/venv/lib/scrapy/__main__.py", "crawl", "apnews"], PROJECT_DEFAULTS, True),
        ([SCRAPY, "-L", "INFO", "crawl", "apnews"], PROJECT_DEFAULTS, False),  # as Scrapy reads it
        ([SCRAPY, "list"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "cronrun", "apnews"], PROJECT_DEFAULTS, False),
        (["/venv/bin/pytest", "crawl"], PROJECT_DEFAULTS, False),
        (["/venv/lib/pytest/__main__.py", "crawl"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc", "-s", "EXTRACT_WORKERS=0"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc", "--set", "EXTRACT_WORKERS=0"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc", "--set=EXTRACT_WORKERS=0"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc", "-sEXTRACT_WORKERS=0"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc", "-s", "EXTRACT_WORKERS=2"], PROJECT_DEFAULTS, True),
        ([SCRAPY, "crawl", "warc", "-s", "EXTRACT_WORKERS="], PROJECT_DEFAULTS, True),
        (
            [SCRAPY, "crawl", "warc", "-s", "EXTRACT_WORKERS=2"],
            {**PROJECT_DEFAULTS, "EXTRACT_WORKERS": 0},
            True,
        ),
        ([SCRAPY, "crawl", "warc"], {**PROJECT_DEFAULTS, "EXTRACT_WORKERS": 0}, False),
        ([SCRAPY, "crawl", "warc", "-s", "ITEM_PIPELINES={}"], PROJECT_DEFAULTS, False),
        ([SCRAPY, "crawl", "warc"], {"EXTRACT_WORKERS": None, "ITEM_PIPELINES": {}}, False),
        ([], PROJECT_DEFAULTS, False),
    ],
)
def test_the_settings_module_starts_the_fork_server_only_for_a_crawl_with_workers(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], defaults: dict[str, object], starts: bool
) -> None:
    started = []
    monkeypatch.setattr(fork_server, "start_fork_server", lambda: started.append(True))
    fork_server.start_for_scrapy_crawl(argv, defaults)
    assert started == ([True] if starts else [])
