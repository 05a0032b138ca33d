"""`scripts/eval_rouge.py`: the summary-level ROUGE-L it scores the fundus wire pages with."""

from __future__ import annotations

import doctest

from scripts import eval_rouge
from scripts.eval_rouge import rouge_lsum


def test_doctests() -> None:
    assert doctest.testmod(eval_rouge).failed == 0


def test_lines_in_another_order_score_as_the_same_text() -> None:
    reference = "Ferry fares rise.\nThe board met on Monday."
    assert rouge_lsum(reference, "The board met on Monday.\nFerry fares rise.") == 1.0


def test_a_token_counts_only_as_often_as_the_candidate_has_it() -> None:
    # Both reference lines match the candidate's one "fares": one hit, not two.
    score = rouge_lsum("fares\nfares", "fares")
    assert score == 2 * 1.0 * 0.5 / 1.5
