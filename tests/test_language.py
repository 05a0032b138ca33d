"""The language and the identifier's confidence in it."""

from __future__ import annotations

from newscrawl.language import detect_language, identify_language

ENGLISH = (
    "The government said on Monday it would raise spending on roads and railways next year, "
    "after a review found that many bridges needed urgent repairs."
)
GERMAN = (
    "Die Regierung kündigte am Montag an, im kommenden Jahr mehr Geld für Straßen und "
    "Schienen auszugeben, nachdem eine Prüfung dringenden Reparaturbedarf ergeben hatte."
)


def test_the_score_is_a_probability_high_for_clear_text() -> None:
    for text, expected in ((ENGLISH, "en"), (GERMAN, "de")):
        language, score = identify_language(text)
        assert language == expected == detect_language(text)
        assert score is not None and 0.95 < score <= 1.0


def test_the_score_is_low_for_text_with_little_language_in_it() -> None:
    _, score = identify_language("AAPL 187.2 MSFT 402.1 GOOG 141.8")
    assert score is not None and score < 0.9


def test_empty_text_has_neither() -> None:
    assert identify_language("   ") == (None, None)
