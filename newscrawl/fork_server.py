"""The extraction workers' fork server, started as early in a crawl as its settings allow.

Kept apart from `extract_stage` (which imports the pipelines, the record builder and the source
rules: 0.18 s) so that `scrapy crawl` can start the server, whose preload is the longest step
before the first record, as soon as the project's settings module is imported
(`start_for_scrapy_crawl`), or else right after reading its command line
(`newscrawl.commands.crawl`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from multiprocessing.spawn import get_preparation_data
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# How `scrapy` names itself in `sys.argv[0]`: the console script, or `python -m scrapy`.
_SCRAPY_MAIN = ("scrapy", "__main__.py")

# The crawl's main script, for the fork server (see `newscrawl.worker_preload`).
CRAWL_MAIN_ENV = "NEWSCRAWL_CRAWL_MAIN"
EXTRACT_PIPELINE = "newscrawl.extract_stage.ExtractPipeline"


def start_fork_server() -> BaseContext:
    """Start the fork server every extraction pool of this process forks its workers from.

    It starts at most once per process and runs its preload in the background; the first spawn
    waits for it. forkserver, not fork: forking a process that runs threads (Twisted's) is
    unsafe. The fork server is a fresh single-threaded process that loads what every worker
    needs once (`worker_preload`), so a worker (and a restarted one) does not pay it again.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newscrawl.worker_preload"])
    main_path = get_preparation_data("extract").get("init_main_from_path")
    if main_path:  # for `worker_preload`: the fork server inherits the environment
        os.environ[CRAWL_MAIN_ENV] = main_path
    forkserver.ensure_running()
    return context


def worker_count(settings: BaseSettings) -> int:
    """The crawl's extraction workers: `EXTRACT_WORKERS`, or one per core when it is empty."""
    workers = settings.get("EXTRACT_WORKERS")
    return (os.cpu_count() or 1) if workers in (None, "") else int(workers)


def start_if_needed(settings: BaseSettings) -> None:
    """Start the fork server if a crawl with these settings will have extraction workers."""
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    if worker_count(settings) > 0 and EXTRACT_PIPELINE in pipelines:
        start_fork_server()


def start_for_scrapy_crawl(argv: Sequence[str], defaults: Mapping[str, object]) -> None:
    """Start the fork server now if `argv` is a `scrapy crawl` that will have extraction workers.

    For the project's settings module, which Scrapy imports before its command modules and the
    command line (0.1-0.25 s before the crawl command's `process_options` could start it).
    `defaults` are that module's settings; the command line's `-s EXTRACT_WORKERS=` counts too.
    A command line that sets `ITEM_PIPELINES` is left to `process_options`, which sees them all.
    """
    program = PurePath(argv[0]) if argv else PurePath()
    if program.name != "scrapy" and program.parts[-2:] != ("scrapy", "__main__.py"):
        return
    # Scrapy's own rule (`scrapy.cmdline._pop_command_name`): the first word not an option
    if next((arg for arg in argv[1:] if not arg.startswith("-")), None) != "crawl":
        return
    given = _command_line_settings(argv[1:])
    if "ITEM_PIPELINES" in given:
        return
    workers = given.get("EXTRACT_WORKERS", defaults.get("EXTRACT_WORKERS"))
    pipelines = defaults.get("ITEM_PIPELINES") or {}
    if EXTRACT_PIPELINE in pipelines and (workers in (None, "") or int(str(workers)) > 0):
        start_fork_server()


def _command_line_settings(args: Sequence[str]) -> dict[str, str]:
    """The `-s NAME=VALUE` settings of a command line (`--set`, `--set=`, `-sNAME=VALUE`)."""
    given = {}
    for n, arg in enumerate(args):
        if arg in ("-s", "--set"):
            value = args[n + 1] if n + 1 < len(args) else ""
        elif arg.startswith("--set="):
            value = arg.removeprefix("--set=")
        elif arg.startswith("-s") and not arg.startswith("--"):
            value = arg.removeprefix("-s")
        else:
            continue
        name, _, setting = value.partition("=")
        given[name] = setting
    return given


class EarlyForkServer:
    """Add-on: start the workers' fork server as soon as the crawl's settings are known.

    Its preload (the reading modules, py3langid's model, dateparser's regexes: about half a
    second of CPU) then runs while Scrapy builds the crawler, instead of after the spider has
    opened. `scrapy crawl` starts it earlier still; this covers crawls started otherwise (a
    `CrawlerProcess` of one's own, `scrapy runspider`).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        start_if_needed(settings)
