"""Imported once per crawl by the extraction pool's fork server, before it forks any worker.

What every worker would otherwise load on its own first pages is loaded here, once: the reading
modules (trafilatura, lxml, htmldate), py3langid's model (from its decompressed copy in the
cache: see `langid_model`), and dateparser's locale data, which htmldate's fallback date search
builds on its first call (about 2.5 s of CPU, more than most pages cost). The workers are forked
from this process and start with all of it in memory.
"""

import os
import sys

from htmldate.extractors import get_external_parser

from newscrawl import pagereader  # noqa: F401  (its imports are the point)
from newscrawl.extract_worker import CRAWL_MAIN_ENV
from newscrawl.language import detect_language

detect_language("The model is loaded before any worker starts.")
get_external_parser().get_date_data("March 7, 2025")

# A worker re-runs the crawl's main script before its first task unless the forked process's
# `__main__` already has that file (multiprocessing's `_fixup_main_from_path`); for `scrapy`,
# the console script, that imports all of Scrapy and Twisted: 0.6 CPU s per worker, on the way to
# the first record, for nothing a worker uses (its tasks are importable functions). The crawl
# process names its main script in this variable (`newscrawl.extract_stage`); Python 3.11's
# own "__main__" preload cannot be used: its fork server is never told the path.
if crawl_main := os.environ.get(CRAWL_MAIN_ENV):
    sys.modules["__main__"].__file__ = crawl_main
