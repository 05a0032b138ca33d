"""The extraction workers' fork server, started as early in a crawl as its settings allow.

Kept apart from `extract_stage` (which imports the pipelines, the record builder and the source
rules: 0.18 s) so that `scrapy crawl` can start the server, whose preload is the longest step
before the first record, as soon as the project's settings module is imported
(`start_for_scrapy_crawl`), or else right after reading its command line
(`newscrawl.commands.crawl`).
"""

from __future__ import annotations

import argparse
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
    """The crawl's extraction workers: `EXTRACT_WORKERS`, or one per core when it is empty.

    Raises `ValueError` when it is not a whole number (`newscrawl.run.check_settings` names it).
    """
    workers = settings.get("EXTRACT_WORKERS")
    return (os.cpu_count() or 1) if workers in (None, "") else int(workers)


def start_if_needed(settings: BaseSettings) -> None:
    """Start the fork server if a crawl with these settings will have extraction workers.

    An `EXTRACT_WORKERS` that is no whole number starts nothing: the crawl refuses it in one
    line (`newscrawl.run.check_settings`).
    """
    try:
        workers = worker_count(settings)
    except ValueError:
        return
    if workers > 0 and EXTRACT_PIPELINE in settings.getwithbase("ITEM_PIPELINES"):
        start_fork_server()


def start_for_scrapy_crawl(argv: Sequence[str], defaults: Mapping[str, object]) -> None:
    """Start the fork server now if `argv` is a `scrapy crawl` that will have extraction workers.

    For the project's settings module, which Scrapy imports before its command modules and the
    command line (0.1-0.25 s before the crawl command's `process_options` could start it).
    `defaults` are that module's settings; the command line's `-s NAME=VALUE` apply on top, as
    Scrapy applies them, and `start_if_needed` decides. A command line it cannot read is left
    to `process_options`, which reads the same settings.
    """
    program = PurePath(argv[0]) if argv else PurePath()
    if program.name != "scrapy" and program.parts[-2:] != ("scrapy", "__main__.py"):
        return
    # Scrapy's own rule (`scrapy.cmdline._pop_command_name`): the first word not an option
    if next((arg for arg in argv[1:] if not arg.startswith("-")), None) != "crawl":
        return
    # Imported here: the fork server and its workers import this module and never Scrapy.
    from scrapy.settings import Settings
    from scrapy.utils.conf import arglist_to_dict

    # only the option Scrapy's commands read settings from (`ScrapyCommand.add_options`)
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("-s", "--set", action="append", default=[])
    settings = Settings({name: value for name, value in defaults.items() if name.isupper()})
    try:
        given = arglist_to_dict(parser.parse_known_args(argv[1:])[0].set)
    except (argparse.ArgumentError, ValueError):  # a -s without a value, or without "="
        return
    settings.setdict(given, priority="cmdline")
    start_if_needed(settings)


class EarlyForkServer:
    """Add-on: start the workers' fork server as soon as the crawl's settings are known.

    Its preload (the reading modules, py3langid's model, dateparser's regexes: about half a
    second of CPU) then runs while Scrapy builds the crawler, instead of after the spider has
    opened. `scrapy crawl` starts it earlier still; this covers crawls started otherwise (a
    `CrawlerProcess` of one's own, `scrapy runspider`).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        start_if_needed(settings)
