"""From raw page bytes to extracted fields: the CPU-heavy step, run in worker processes.

One module-level function on picklable arguments, so a process pool can run it
(`newscrawl.extract_stage` runs the pool). Swap it with the `EXTRACT_FUNCTION` setting.
"""

from __future__ import annotations

from newscrawl.access import free_access, tdm_meta
from newscrawl.cleanup import CleanupRules
from newscrawl.decoding import Unreadable, check_html, decode_html
from newscrawl.extraction import extract
from newscrawl.language import identify_language
from newscrawl.reading import Reading, Rejected
from newscrawl.reasons import Reason


def read_page(
    body: bytes, content_type: str | None, url: str, rules: CleanupRules | None
) -> Reading | Rejected:
    """Decode, extract and identify the language of one page (all CPU-bound, so all here).

    Never raises for bad input: returns `Rejected` instead.
    """
    try:
        check_html(body, content_type)
        html = decode_html(body, content_type)
    except Unreadable as exc:
        return Rejected(exc.reason, str(exc))
    try:
        extracted = extract(html, url=url, rules=rules)
    except (ValueError, TypeError, RecursionError) as exc:
        # lxml and trafilatura raise these on pathological markup; one page must not stop a crawl.
        return Rejected(Reason.EXTRACTION_ERROR, f"{type(exc).__name__}: {exc}")
    if extracted is None or not extracted.text.strip():
        return Rejected(Reason.NO_TEXT, "no extractable main text")
    language, score = identify_language(extracted.text)
    return Reading(extracted, language, score, free_access(html), tdm_meta(html))
