"""Language of an article's text, with an offline model (py3langid ships its own)."""

from __future__ import annotations

import py3langid

# The identifier is linear in length (pure Python) and sure of a language long before the end
# of a story's opening paragraphs.
SAMPLE_CHARS = 600


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for empty text.

    >>> detect_language("The central bank raised interest rates on Thursday, officials said.")
    'en'
    """
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None
    language, _ = py3langid.classify(sample)
    return str(language)
