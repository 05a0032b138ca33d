"""The title, authors and date trafilatura finds for a page, without the fields a record drops.

`trafilatura.bare_extraction(..., with_metadata=True)` runs `trafilatura.metadata.
extract_metadata`, which also reads the site name, categories, tags and license: fields no
record has, costing a fifth of that function's time on the eval pages. `read_article_metadata`
calls the same trafilatura and htmldate functions for title, author, URL and date, in the same
order and with the same settings, so those fields come out as `extract_metadata` gives them
(tests/test_article_metadata.py compares the two on the fixture pages and on pages written to
reach each of those rules). htmldate's date search, the most expensive part, is skipped when
the caller already has the date from the page's own metadata.

Neither trafilatura's metadata functions nor htmldate change the tree they read (both copy it
before pruning), so the text extraction is unaffected by whether, or when, this runs.

Pure module: no Scrapy import.
"""

from __future__ import annotations

import logging

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    Document,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params

logger = logging.getLogger(__name__)
_FIELDS = ("title", "author", "url", "date")  # what is read; `date` is set by `find_date` only


def read_article_metadata(tree: HtmlElement, url: str | None, with_date: bool) -> Document:
    """Title, author, URL and (when `with_date`) date of the page, as trafilatura finds them.

    The other fields of the returned `Document` stay None.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # as trafilatura: no one-word meta author
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as error:  # as trafilatura: a JSON-LD bug costs the JSON-LD fields only
        logger.warning("error in JSON metadata extraction: %s", error)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if with_date:
        metadata.date = find_date(tree, **set_date_params(True), url=metadata.url)
    found = Document.from_dict({name: getattr(metadata, name) for name in _FIELDS})
    found.clean_and_trim()
    return found
