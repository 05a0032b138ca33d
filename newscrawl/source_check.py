"""Is each wire source still where `newscrawl.sources` says? The report of `scrapy sources`.

Pure: what the check spider fetched (`EntryFetch`, `SampleFetch`) goes in, a `SourceReport` per
source comes out, with the verdict (broken or healthy) and its text and JSON forms. The fetching
is Scrapy's (`newscrawl/commands/sources.py`); the clock is the caller's (`now`).

A source is broken when any of its entry documents (or the newest child sitemap of an index)
could not be read, when one that was read lists no article URL, when no sample article could be
fetched, or when the sample has no text or no dateline. A newest `lastmod` older than `max_age`
makes it broken too, when a `max_age` is given: a feed that stopped moving is drift as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from newscrawl.dates import parse_datetime, to_utc_iso
from newscrawl.discovery import Candidate
from newscrawl.sources import Source

NEWS_SITEMAP = "news sitemap"
SITEMAP = "sitemap"
FEED = "feed"
# Article URLs tried as the sample when the first ones are refused by robots.txt: a refusal is
# the site's policy about that page, and says nothing about whether its articles still extract.
SAMPLE_TRIES = 3


def entry_documents(source: Source) -> list[tuple[str, str]]:
    """(kind, URL) of every entry document of a source, in the order the spider reads them.

    >>> from newscrawl.sources import SOURCES
    >>> entry_documents(SOURCES["apnews"])[0]
    ('news sitemap', 'https://apnews.com/news-sitemap-content.xml')
    """
    return (
        [(NEWS_SITEMAP, url) for url in source.news_sitemaps]
        + [(SITEMAP, url) for url in source.sitemaps]
        + [(FEED, url) for url in source.feeds]
    )


@dataclass
class DocumentFetch:
    """One sitemap, sitemap index or feed as fetched."""

    url: str
    status: int | None = None  # the final HTTP status; None when no response came
    fault: str | None = None  # why it could not be read (`http_error/404`, `not_xml`, ...)
    redirected_to: str | None = None  # where a redirect led, when it did


@dataclass
class EntryFetch:
    """One entry document of a source, and the newest child sitemap read when it is an index."""

    kind: str
    url: str
    documents: list[DocumentFetch] = field(default_factory=list)  # the entry first
    children: int = 0  # child sitemaps the entry (an index) lists
    articles: list[Candidate] = field(default_factory=list)  # article URLs found
    lastmods: list[str] = field(default_factory=list)  # every lastmod seen on the way

    @property
    def status(self) -> int | None:
        return self.documents[0].status if self.documents else None

    @property
    def fault(self) -> str | None:
        """The first fault on the way to the article URLs, naming the child it was on."""
        for depth, document in enumerate(self.documents):
            if document.fault:
                return document.fault if depth == 0 else f"{document.fault} (child {document.url})"
        return None


@dataclass
class SampleFetch:
    """The sample article: what fetching it and reading it as the crawl does gave."""

    url: str
    status: int | None = None
    fault: str | None = None  # a fetch fault or the reason the page would not be written
    title: str | None = None
    words: int = 0  # words of the text the record would have
    dateline: str | None = None  # the dateline as printed (`raw`), when one was found


@dataclass(frozen=True)
class SourceReport:
    name: str
    entries: list[EntryFetch]
    sample: SampleFetch | None
    newest_lastmod: str | None
    lastmod_age: timedelta | None
    problems: list[str]

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    @property
    def articles(self) -> int:
        return len(distinct_articles(self.entries))


def distinct_articles(entries: Iterable[EntryFetch]) -> list[Candidate]:
    """The article URLs of all entries, each once (the first listing of it wins)."""
    seen: dict[str, Candidate] = {}
    for entry in entries:
        for candidate in entry.articles:
            seen.setdefault(candidate.url, candidate)
    return list(seen.values())


def _moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def newest(lastmods: Iterable[str | None]) -> str | None:
    """The newest readable date of a list, in the records' notation.

    >>> newest(["2025-03-06", "2025-03-07T09:00:00+01:00", None, "soon"])
    '2025-03-07T08:00:00Z'
    """
    dated = [(moment, value) for value in lastmods if (moment := _moment(value)) is not None]
    if not dated:
        return None
    return to_utc_iso(max(dated, key=lambda pair: pair[0])[1])


def sample_order(entries: Iterable[EntryFetch]) -> list[str]:
    """Article URLs to try as the sample: the newest by lastmod first, undated ones last.

    >>> entry = EntryFetch(SITEMAP, "s", articles=[Candidate("a"), Candidate("b", "2025-03-07")])
    >>> sample_order([entry])
    ['b', 'a']
    """
    candidates = distinct_articles(entries)
    dated = [(moment, c.url) for c in candidates if (moment := _moment(c.lastmod)) is not None]
    undated = [c.url for c in candidates if _moment(c.lastmod) is None]
    return [url for _, url in sorted(dated, reverse=True)] + undated


def _entry_problems(entry: EntryFetch) -> list[str]:
    fault = entry.fault
    if fault:
        status = f"HTTP {entry.status}" if entry.status is not None else "no response"
        moved = entry.documents[0].redirected_to if entry.documents else None
        where = f", redirected to {moved}" if moved else ""
        return [f"{entry.kind} {entry.url}: {fault} ({status}{where})"]
    if not entry.documents:
        return [f"{entry.kind} {entry.url}: not fetched"]
    if not entry.articles:
        return [f"{entry.kind} {entry.url}: lists no article URL"]
    return []


def _sample_problems(sample: SampleFetch | None, articles: int) -> list[str]:
    if sample is None:
        return [] if not articles else ["no sample article was fetched"]
    if sample.fault:
        return [f"sample article {sample.url}: {sample.fault}"]
    problems = []
    if sample.words == 0:
        problems.append(f"sample article {sample.url}: no text")
    if not sample.dateline:
        problems.append(f"sample article {sample.url}: no dateline")
    return problems


def build_report(
    name: str,
    entries: list[EntryFetch],
    sample: SampleFetch | None,
    now: datetime,
    max_age: timedelta | None = None,
) -> SourceReport:
    """One source's report from what was fetched, with every problem that makes it broken."""
    problems = [problem for entry in entries for problem in _entry_problems(entry)]
    articles = len(distinct_articles(entries))
    if not articles and not any(entry.fault for entry in entries):
        problems.append("no article URL in any entry document")
    problems += _sample_problems(sample, articles)
    latest = newest(value for entry in entries for value in entry.lastmods)
    moment = _moment(latest)
    age = max(now - moment, timedelta(0)) if moment is not None else None
    if max_age is not None and age is not None and age > max_age:
        limit = format_age(max_age)
        problems.append(f"newest lastmod {latest} is {format_age(age)} old (over {limit})")
    return SourceReport(name, entries, sample, latest, age, problems)


def format_age(age: timedelta) -> str:
    """A short human age: minutes under 2 hours, hours under 2 days, days after that.

    >>> [format_age(timedelta(hours=hours)) for hours in (0.1, 30, 216)]
    ['6 min', '30 h', '9 d']
    """
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def format_listing(sources: Iterable[Source]) -> str:
    """`scrapy sources`: each source with its entry URLs, one per line."""
    lines = []
    for source in sources:
        lines.append(f"{source.name} ({source.agency}): {', '.join(source.allowed_domains)}")
        lines += [f"  {kind:<13} {url}" for kind, url in entry_documents(source)]
    return "\n".join(lines) + "\n"


def _urls(count: int) -> str:
    return f"{count} article URL" if count == 1 else f"{count} article URLs"


def _entry_line(entry: EntryFetch) -> str:
    status = str(entry.status) if entry.status is not None else "-"
    if entry.fault:
        found = entry.fault
    elif entry.children:
        found = f"index of {entry.children}; newest child: {_urls(len(entry.articles))}"
    else:
        found = _urls(len(entry.articles))
    moved = entry.documents[0].redirected_to if entry.documents else None
    redirect = f" -> {moved}" if moved else ""
    return f"  {entry.kind:<13} {status:>3}  {entry.url}{redirect}  {found}"


def _sample_line(sample: SampleFetch | None) -> str:
    if sample is None:
        return "  sample        none"
    status = str(sample.status) if sample.status is not None else "-"
    if sample.fault:
        return f"  sample        {status:>3}  {sample.url}  {sample.fault}"
    dateline = f"dateline {sample.dateline!r}" if sample.dateline else "no dateline"
    return f"  sample        {status:>3}  {sample.url}  {sample.words} words, {dateline}"


def format_report(report: SourceReport) -> str:
    """`scrapy sources --check`: one block per source, its verdict on the first line."""
    verdict = "BROKEN" if report.broken else "OK"
    lines = [f"{report.name}: {verdict} ({_urls(report.articles)})"]
    lines += [_entry_line(entry) for entry in report.entries]
    if report.newest_lastmod and report.lastmod_age is not None:
        age = format_age(report.lastmod_age)
        lines.append(f"  newest lastmod {report.newest_lastmod} ({age} old)")
    else:
        lines.append("  newest lastmod: none listed")
    lines.append(_sample_line(report.sample))
    lines += [f"  problem: {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"


def report_json(report: SourceReport) -> dict[str, Any]:
    """The report as one JSON object (`--json`, one line per source)."""
    return {
        "source": report.name,
        "broken": report.broken,
        "problems": report.problems,
        "articles": report.articles,
        "newest_lastmod": report.newest_lastmod,
        "lastmod_age_seconds": (
            int(report.lastmod_age.total_seconds()) if report.lastmod_age is not None else None
        ),
        "entries": [
            {
                "kind": entry.kind,
                "url": entry.url,
                "status": entry.status,
                "fault": entry.fault,
                "redirected_to": entry.documents[0].redirected_to if entry.documents else None,
                "children": entry.children,
                "articles": len(entry.articles),
            }
            for entry in report.entries
        ],
        "sample": asdict(report.sample) if report.sample is not None else None,
    }
