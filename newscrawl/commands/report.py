"""`scrapy report`: the HTML report of the runs under `OUTPUT_DIR` (newscrawl.report)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Write output/report/index.html: charts of what the runs wrote and dropped"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", help="folder of the runs (default: OUTPUT_DIR)")
        parser.add_argument("--report", help="report folder (default: REPORT_DIR)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Imported here: Scrapy imports every command at every start, and matplotlib would add
        # a third of a second to each `scrapy crawl`.
        from newscrawl.report import write_report

        assert self.settings is not None
        if args:
            raise UsageError("scrapy report takes options only")
        output = Path(opts.output or self.settings.get("OUTPUT_DIR"))
        report = Path(opts.report or self.settings.get("REPORT_DIR") or output / "report")
        if not output.is_dir():  # a mistyped folder would make an empty report over the real one
            print(f"newscrawl: report: no runs folder at {output}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        try:
            written = write_report(output, report)
        except OSError as exc:  # the report folder is a file, the disk is full: one line
            print(f"newscrawl: report: {report}: {exc}", file=sys.stderr)
            self.exitcode = EXIT_UNHEALTHY
            return
        print(f"Report: {written}")
