"""Imported once per crawl by the extraction pool's fork server, before it forks any worker.

What every worker would otherwise load on its own first pages is loaded here, once: the reading
modules (trafilatura, lxml, htmldate), py3langid's model (from its decompressed copy in the
cache: see `langid_model`), and dateparser's locale data, which htmldate's fallback date search
builds on its first call (about 2.5 s of CPU, more than most pages cost). The workers are forked
from this process and start with all of it in memory.
"""

from htmldate.extractors import get_external_parser

from newscrawl import pagereader  # noqa: F401  (its imports are the point)
from newscrawl.language import detect_language

detect_language("The model is loaded before any worker starts.")
get_external_parser().get_date_data("March 7, 2025")
