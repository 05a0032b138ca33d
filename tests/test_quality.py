"""The quality ratios: each moves with the thing it measures."""

from __future__ import annotations

from newscrawl.quality import quality_signals


def test_a_clean_story_scores_as_prose() -> None:
    text = (
        "The central bank held its main rate on Thursday.\n"
        "Officials said inflation was easing faster than expected.\n"
        '"We are not done yet," the governor told reporters.'
    )
    signals = quality_signals(text)
    assert signals["terminal_punctuation"] == 1.0
    assert signals["duplicate_lines"] == 0.0
    assert signals["non_alpha_words"] == 0.0
    assert 4.0 < signals["mean_word_length"] < 6.0


def test_lines_without_terminal_punctuation_lower_the_share() -> None:
    text = "Markets rallied.\nShare this article\nRelated stories\nStocks rose."
    assert quality_signals(text)["terminal_punctuation"] == 0.5


def test_repeated_lines_are_counted_once_each_after_the_first() -> None:
    text = "Click here to subscribe\nThe story.\nClick here to subscribe\nClick here to subscribe"
    assert quality_signals(text)["duplicate_lines"] == 0.5


def test_words_without_letters_are_counted() -> None:
    assert quality_signals("Shares 12.5 % up 2024")["non_alpha_words"] == 0.6


def test_mean_word_length_ignores_punctuation_at_word_ends() -> None:
    assert quality_signals('"Rates," she said.')["mean_word_length"] == 4.0


def test_empty_text_gives_zeros_not_an_error() -> None:
    assert set(quality_signals("").values()) == {0.0}
