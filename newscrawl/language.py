"""Language of an article's text, with an offline model (py3langid ships its own)."""

from __future__ import annotations

from functools import cache

from py3langid.langid import LanguageIdentifier

from newscrawl.langid_model import load_identifier

# The identifier is linear in length (pure Python) and sure of a language long before the end
# of a story's opening paragraphs.
SAMPLE_CHARS = 600
# Scores are probabilities; more digits than this say nothing more.
SCORE_DIGITS = 4


@cache
def _identifier() -> LanguageIdentifier:
    # py3langid's module-level classify() gives unnormalized log-probabilities; a probability
    # (0 to 1) is the confidence filters can compare across records.
    return load_identifier()


def identify_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code of the text's language and the identifier's confidence (0 to 1), or
    (None, None) for empty text.

    >>> identify_language("The central bank raised rates on Thursday, after inflation rose.")[0]
    'en'
    >>> identify_language("Reuters 2024 ABC")[1] < 0.5
    True
    """
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None, None
    language, score = _identifier().classify(sample)
    return str(language), round(float(score), SCORE_DIGITS)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for empty text.

    >>> detect_language("The central bank raised interest rates on Thursday, officials said.")
    'en'
    """
    return identify_language(text)[0]
