"""Imported once per crawl by the extraction pool's fork server, before it forks any worker.

What every worker would otherwise load on its own first pages is loaded here, once: the reading
modules (trafilatura, lxml, htmldate), py3langid's model (from its decompressed copy in the
cache: see `langid_model`), and the regexes of every dateparser locale, which htmldate's
fallback date search would compile on the first string no locale fits (3.2 CPU s, more than most
pages cost; read from a copy in the cache instead: see `date_parser_regexes`). The workers are
forked from this process and start with all of it in memory.
"""

import os
import sys

from newscrawl import pagereader  # noqa: F401  (its imports are the point)
from newscrawl.date_parser_regexes import warm_date_parser
from newscrawl.fork_server import CRAWL_MAIN_ENV
from newscrawl.language import detect_language

detect_language("The model is loaded before any worker starts.")
warm_date_parser()

# A worker re-runs the crawl's main script before its first task unless the forked process's
# `__main__` already has that file (multiprocessing's `_fixup_main_from_path`); for `scrapy`,
# the console script, that imports all of Scrapy and Twisted: 0.6 CPU s per worker, on the way to
# the first record, for nothing a worker uses (its tasks are importable functions). The crawl
# process names its main script in this variable (`newscrawl.extract_stage`); Python 3.11's
# own "__main__" preload cannot be used: its fork server is never told the path.
if crawl_main := os.environ.get(CRAWL_MAIN_ENV):
    sys.modules["__main__"].__file__ = crawl_main
