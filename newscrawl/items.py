"""The two item schemas: the raw page a spider yields and the article record that is written.

Both are dataclasses used through itemadapter, so Scrapy's feed exports and our own writer
see the same fields. Every field of `Article` is documented in the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """A fetched page, exactly as a spider saw it. Spiders yield these and nothing else."""

    url: str  # the fetched URL (for WARC records: the record's original target URI)
    body: bytes  # raw response body, undecoded
    source: str  # spider/source name ("reuters", "warc", ...)
    agency: str | None = None  # wire agency the source stands for, when known
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names, selected headers
    fetched_at: str = ""  # ISO 8601 UTC time of the fetch (WARC-Date for archives)
    discovery: dict[str, Any] = field(default_factory=dict)  # lastmod, title, published


@dataclass
class Article:
    """One written record (one JSON object per line of the output JSONL)."""

    id: str = ""
    url: str = ""
    canonical_url: str = ""
    source: str = ""
    agency: str | None = None
    title: str | None = None
    text: str = ""
    dateline: dict[str, str | None] | None = None
    credits: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str | None = None
    modified: str | None = None
    language: str | None = None
    language_score: float | None = None  # the language identifier's confidence, 0 to 1
    word_count: int = 0
    quality: dict[str, float] | None = None  # newscrawl.quality.quality_signals of `text`
    free_access: bool | None = None  # JSON-LD isAccessibleForFree; None when not declared
    tdm_reserved: bool = False  # text-and-data-mining rights reserved (W3C TDMRep)
    crawled_at: str = ""
    run_id: str = ""
    content_hash: str = ""
    duplicate_of: str | None = None
    revision: int = 1
    lastmod: str | None = None
