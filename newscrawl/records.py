"""Record assembly: a fetched page and what extraction found in it become one `Article`.

Pure: no Scrapy, no clock of its own (the caller passes `now`), so every fallback is unit-tested.
"""

from __future__ import annotations

from tld import get_fld

from newscrawl.access import tdm_reserved
from newscrawl.dates import to_utc_iso
from newscrawl.items import Article, Page
from newscrawl.reading import Reading
from newscrawl.sources import Source, source_for_url
from newscrawl.urls import canonicalize_url, url_id


def _site(url: str) -> str | None:
    """The registrable domain of a URL (`uk.reuters.com` -> `reuters.com`), else its host."""
    try:
        return get_fld(url, fail_silently=True) or canonicalize_url(url).split("/")[2]
    except (ValueError, IndexError):
        return None


def trusted_canonical(page_url: str, declared: str | None, source: Source | None) -> str:
    """The canonical URL a record is keyed by: the page's own claim when it may make it.

    A page names its canonical URL itself, so any site could claim a Reuters story's URL and take
    its id (the real story would then be dropped as already written). A claim is taken only for
    the page's own site (same registrable domain), or for the site of the wire source the page
    belongs to (a mirror of it); otherwise the fetched URL is the key.

    >>> trusted_canonical("https://news.example.com/a?utm_source=x", "https://example.com/a", None)
    'https://example.com/a'
    >>> trusted_canonical("https://evil.example/a", "https://www.reuters.com/world/x/", None)
    'https://evil.example/a'
    """
    fetched = canonicalize_url(page_url)
    if not declared:
        return fetched
    try:
        claimed = canonicalize_url(declared)
    except ValueError:
        return fetched
    claimed_site = _site(claimed)
    same_site = claimed_site is not None and claimed_site == _site(fetched)
    own_source = source is not None and source_for_url(claimed) is source
    return claimed if same_site or own_source else fetched


def assemble(
    page: Page,
    reading: Reading,
    *,
    run_id: str,
    now: str,
    source: Source | None = None,
) -> Article:
    """The record of one page: identity, provenance and what reading it found, with fallbacks.

    `source` is the wire source the page belongs to (`source_for_url`); it gives the agency when
    the spider has none. Dates are written in one notation (`newscrawl.dates`); `now` stands in
    for a page with no fetch time.
    """
    extracted = reading.extracted
    canonical = trusted_canonical(page.url, extracted.canonical_url, source)
    from_page = to_utc_iso(extracted.published)
    from_discovery = to_utc_iso(page.discovery.get("published"))
    return Article(
        id=url_id(canonical),
        url=page.url,
        canonical_url=canonical,
        source=page.source,
        agency=page.agency or (source.agency if source else None),
        title=extracted.title or page.discovery.get("title"),
        text=extracted.text,
        credits=extracted.credits,
        authors=list(extracted.authors),
        published=from_page or from_discovery,
        published_from="metadata" if from_page else "sitemap" if from_discovery else None,
        modified=to_utc_iso(extracted.modified or page.headers.get("last-modified")),
        language=reading.language,
        language_score=reading.language_score,
        free_access=reading.free_access,
        tdm_reserved=tdm_reserved(page.headers.get("tdm-reservation"), reading.tdm_meta),
        crawled_at=to_utc_iso(page.fetched_at) or now,
        run_id=run_id,
        lastmod=page.discovery.get("lastmod"),
    )
