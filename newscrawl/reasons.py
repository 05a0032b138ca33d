"""Every reason a page or an archive record is not written, with its one-line meaning.

The one list of them: stages drop with a `Reason`, the stats count it as
`newscrawl/dropped/<reason>` (archive records as `newscrawl/skipped/<reason>`), the manifest
and the exclusion files carry its value, and the README's "Bad input" table is checked
against `MEANINGS` by a test.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a page (or an archive record) was not written. The value is the stats key."""

    # fetch
    HTTP_STATUS = "http_status"
    # decode (decoding.py)
    EMPTY = "empty"
    BINARY = "binary"
    NOT_HTML = "not_html"
    UNDECODABLE = "undecodable"
    # extract (extraction stage)
    NO_TEXT = "no_text"
    EMPTY_TEXT = "empty_text"
    EXTRACTION_ERROR = "extraction_error"
    EXTRACTION_TIMEOUT = "extraction_timeout"
    WORKER_CRASHED = "worker_crashed"
    # dedup
    ALREADY_WRITTEN = "already_written"
    DUPLICATE_EXACT = "duplicate_exact"
    DUPLICATE_NEAR = "duplicate_near"


MEANINGS: dict[Reason, str] = {
    Reason.HTTP_STATUS: "not a 200 response",
    Reason.EMPTY: "empty body",
    Reason.BINARY: "not an HTML page: a binary body",
    Reason.NOT_HTML: "not an HTML page: another content type, or a body that is not HTML",
    Reason.UNDECODABLE: (
        "decodes in no charset (the HTTP header's charset and a strict decoding check come "
        "before `<meta>`)"
    ),
    Reason.NO_TEXT: "the extractor found no main text",
    Reason.EMPTY_TEXT: "nothing was left of the text once cleanup and the dateline were taken out",
    Reason.EXTRACTION_ERROR: "the extractor failed on pathological markup",
    Reason.EXTRACTION_TIMEOUT: (
        "extraction ran over `EXTRACT_TIMEOUT` CPU seconds (a runaway parser or regular "
        "expression), or its worker hung past the crawl's deadline and was killed; the pages "
        "after it are not held up"
    ),
    Reason.WORKER_CRASHED: (
        "the page killed its extraction worker process twice (a crash in a C parser, the OOM "
        "killer)"
    ),
    Reason.ALREADY_WRITTEN: (
        "same URL and unchanged text as a record already written (or being written by another "
        "crawl on the same store)"
    ),
    Reason.DUPLICATE_EXACT: "the same text under another URL (`DEDUP_MODE=drop`)",
    Reason.DUPLICATE_NEAR: "a near-copy of a story written under another URL (`DEDUP_MODE=drop`)",
}
