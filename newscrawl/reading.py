"""What reading a page yields: the types a worker sends back to the crawl process.

Apart from the modules that produce them (`newscrawl.extraction`, `newscrawl.pagereader`)
because the crawl process unpickles them: with extraction in workers, the crawl process imports
none of the extraction stack (trafilatura, htmldate, justext: about 0.4 s of its start-up).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newscrawl.reasons import Reason


@dataclass
class Extracted:
    """What extraction yields for one page; the dateline is still at the start of `text`."""

    title: str | None
    text: str
    credits: str | None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    rules_fired: list[str] = field(default_factory=list)
    dateline_element: str | None = None  # a dateline printed apart from the text, as printed


@dataclass(frozen=True)
class Reading:
    """A page's extracted fields, the language of its text, and what the page says about its use
    (JSON-LD `isAccessibleForFree`, the `tdm-reservation` meta tag: see newscrawl.access)."""

    extracted: Extracted
    language: str | None
    language_score: float | None = None
    free_access: bool | None = None
    tdm_meta: bool | None = None


@dataclass(frozen=True)
class Rejected:
    """A page that yields no article, with the stats key of the reason."""

    reason: Reason
    detail: str
