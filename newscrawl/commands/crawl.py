"""`scrapy crawl` with an exit code that tells the truth about the crawl.

Scrapy's own command exits 0 even when the crawl finished badly or wrote nothing amid errors.
This one checks spider arguments before starting (a missing WARC is one clear line, not a
traceback) and exits non-zero when `newscrawl.health.assess` finds the run unhealthy.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl.fork_server import start_if_needed
from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE, assess

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the crawl was unhealthy"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Start the extraction workers' fork server once the command line's settings are in
        (the settings module has started it already for most command lines).

        Its preload (about 0.5 s) is the longest step before the first record; started here,
        it runs while this process imports the crawl's modules and builds the crawler. Those
        imports are therefore made in the methods below, not at the top of this module: Scrapy
        imports every command module before it reads the command line (0.2 s for newscrawl's).
        """
        super().process_options(args, opts)
        assert self.settings is not None
        start_if_needed(self.settings)

    def check_arguments(self, spider_name: str, spargs: dict[str, str]) -> bool:
        """Validate spider arguments up front; print one clear line and return False if bad."""
        assert self.crawler_process is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(spider_name)
        except KeyError as exc:
            raise UsageError(f"Spider not found: {spider_name}", print_help=False) from exc
        check = getattr(spidercls, "check_arguments", None)
        if check is None:
            return True
        try:
            check(**spargs)
        except Exception as exc:  # any argument error is reported the same way: one line
            print(f"newscrawl: {spider_name}: {exc}", file=sys.stderr)
            return False
        return True

    def check_settings(self, spider_name: str) -> bool:
        """Validate the run settings up front (`newscrawl.run.check_settings`): one clear line."""
        from newscrawl.run import SettingsError, check_settings

        assert self.settings is not None
        try:
            check_settings(self.settings)
        except SettingsError as exc:
            print(f"newscrawl: {spider_name}: {exc}", file=sys.stderr)
            return False
        return True

    def run_crawler(self, spider_name: str, opts: argparse.Namespace) -> Crawler | None:
        from newscrawl.shared_mode import EXIT_UNAVAILABLE, unreachable

        usable = self.check_arguments(spider_name, opts.spargs) and self.check_settings(spider_name)
        if not usable:
            self.exitcode = EXIT_USAGE
            return None
        assert self.settings is not None
        problem = unreachable(self.settings)
        if problem:
            print(f"newscrawl: {spider_name}: {problem}", file=sys.stderr)
            self.exitcode = EXIT_UNAVAILABLE
            return None
        assert self.crawler_process is not None
        crawler = self._create_crawler(spider_name)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        return crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        crawler = self.run_crawler(args[0], opts)
        if crawler is None:
            return
        assert self.crawler_process is not None
        if self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = EXIT_UNHEALTHY
            return
        health = assess(crawler.stats.get_stats(), crawler.settings.getint("HEALTH_MAX_ERRORS"))
        for problem in health.problems:
            print(f"newscrawl: {args[0]}: unhealthy: {problem}", file=sys.stderr)
        if not health.ok:
            self.exitcode = EXIT_UNHEALTHY
