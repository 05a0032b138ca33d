"""Cheap text-quality signals for filtering downstream, in the style of Gopher and FineWeb.

Computed once per record on the final text, so a user filters with a column comparison
instead of re-tokenizing the corpus. Each is a ratio a filter compares with a threshold; none
drops anything here.
"""

from __future__ import annotations

# What a line ending a sentence ends with (FineWeb's terminal punctuation, plus closing quotes
# and brackets, which wire copy often ends a quoted sentence with).
TERMINAL_PUNCTUATION = (".", "!", "?", "…", '"', "'", "”", "’", ")", "»")
# Punctuation taken off a word's ends before its length is measured.
WORD_EDGE_PUNCTUATION = "\"'“”‘’()[]{}«»,.;:!?…-—–"
# Ratios are rounded: more digits would only make files larger.
DIGITS = 4


def quality_signals(text: str) -> dict[str, float]:
    """Share of lines ending in terminal punctuation, share of lines repeating an earlier line,
    mean word length (characters, edge punctuation off) and share of words with no letter.

    >>> signals = quality_signals("Rates rose.\\nRates rose.\\nSee 2024 chart")
    >>> signals["terminal_punctuation"], signals["duplicate_lines"], signals["non_alpha_words"]
    (0.6667, 0.3333, 0.1429)
    """
    lines = [stripped for line in text.split("\n") if (stripped := line.strip())]
    words = text.split()
    if not lines or not words:
        return dict.fromkeys(
            ("terminal_punctuation", "duplicate_lines", "mean_word_length", "non_alpha_words"),
            0.0,
        )
    terminal = sum(line.endswith(TERMINAL_PUNCTUATION) for line in lines)
    duplicated = len(lines) - len(set(lines))
    cores = [word.strip(WORD_EDGE_PUNCTUATION) for word in words]
    measured = len(cores) - cores.count("")
    # A word whose core is all letters has one; only the others are looked at letter by letter
    # (looking at every word so was two thirds of this function's cost).
    non_alpha = sum(
        1
        for word, core in zip(words, cores, strict=True)
        if not core.isalpha() and not any(map(str.isalpha, word))
    )
    return {
        "terminal_punctuation": round(terminal / len(lines), DIGITS),
        "duplicate_lines": round(duplicated / len(lines), DIGITS),
        "mean_word_length": round(sum(map(len, cores)) / measured, DIGITS) if measured else 0.0,
        "non_alpha_words": round(non_alpha / len(words), DIGITS),
    }
