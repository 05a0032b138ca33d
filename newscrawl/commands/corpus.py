"""`scrapy corpus`: build (or extend) the dataset folder from the runs under `OUTPUT_DIR`.

A thin command over `newscrawl.corpus.build_corpus`; see the README's "Corpus" section.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl.health import EXIT_UNHEALTHY, EXIT_USAGE

if TYPE_CHECKING:
    import argparse


def _names(values: list[str] | None) -> tuple[str, ...]:
    """`--language en --language fr` and `--language en,fr` alike."""
    return tuple(sorted({name for value in values or [] for name in value.split(",") if name}))


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Build the dataset folder (Parquet shards, dataset card) from the runs"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", help="folder of the runs (default: OUTPUT_DIR)")
        parser.add_argument("--corpus", help="the dataset folder (default: CORPUS_DIR)")
        parser.add_argument("--since", help="only stories dated on or after YYYY-MM-DD")
        parser.add_argument("--until", help="only stories dated on or before YYYY-MM-DD")
        parser.add_argument("--language", action="append", help="only these languages (ISO 639-1)")
        parser.add_argument("--min-words", type=int, default=0, help="only stories this long")
        parser.add_argument("--source", action="append", help="only these sources (spiders)")
        parser.add_argument(
            "--all-revisions", action="store_true", help="keep every revision of a story"
        )
        parser.add_argument(
            "--keep-duplicates", action="store_true", help="keep records marked duplicate_of"
        )
        parser.add_argument(
            "--keep-tdm-reserved",
            action="store_true",
            help="keep records whose publisher reserves text-and-data-mining rights",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="start the corpus over from every run file"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # Imported here: Scrapy imports every command at every start, and pyarrow would add a
        # fifth of a second to each `scrapy crawl`.
        from newscrawl.corpus import BuildOptions, CorpusError, build_corpus

        assert self.settings is not None
        if args:
            raise UsageError("scrapy corpus takes options only")
        output = Path(opts.output or self.settings.get("OUTPUT_DIR"))
        corpus = Path(opts.corpus or self.settings.get("CORPUS_DIR") or output / "corpus")
        if not output.is_dir():  # a mistyped folder would make an empty corpus over the real one
            print(f"newscrawl: corpus: no runs folder at {output}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        try:
            options = BuildOptions(
                since=opts.since,
                until=opts.until,
                languages=_names(opts.language),
                min_words=opts.min_words,
                sources=_names(opts.source),
                all_revisions=opts.all_revisions,
                keep_duplicates=opts.keep_duplicates,
                keep_tdm_reserved=opts.keep_tdm_reserved,
            )
        except ValueError as exc:
            raise UsageError(f"--since/--until: {exc}", print_help=False) from exc
        try:
            result = build_corpus(
                output,
                corpus,
                options,
                shard_records=self.settings.getint("CORPUS_SHARD_RECORDS"),
                rebuild=opts.rebuild,
            )
        except CorpusError as exc:
            print(f"newscrawl: corpus: {exc}", file=sys.stderr)
            self.exitcode = EXIT_UNHEALTHY
            return
        except OSError as exc:  # the corpus folder is a file, the disk is full: one line
            print(f"newscrawl: corpus: {corpus}: {exc}", file=sys.stderr)
            self.exitcode = EXIT_UNHEALTHY
            return
        print(f"Corpus: {result.corpus_dir} ({result.seconds:.2f} s)")
        print(f"Summary: {result.summary()}")
        if result.excluded:
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.excluded.items()))
            print(f"Excluded by the runs: {reasons} (see {result.corpus_dir / 'excluded'})")
