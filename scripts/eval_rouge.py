"""ROUGE-LSum of newscrawl and trafilatura on the fundus wire publishers' pages (`make eval`).

The fundus evaluation scores extractors by ROUGE-LSum F1 against the expected body. This is our
own implementation of that measure, not the evaluation's code: tokens are lowercased runs of
letters and digits, no stemming; sentences are the lines of each text; per reference line, the
union of its longest common subsequences with every candidate line counts, each token at most as
often as it occurs (Lin 2004, summary-level LCS). Its absolute figures need not match those the
fundus project publishes; the extractors are compared with each other in the same run.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from scripts.eval_extraction import EXTRACTORS, load_fundus

PUBLISHERS = ("us/Reuters_", "us/APNews_")
TOKEN_RE = re.compile(r"[a-z0-9]+")


def _lines(text: str) -> list[list[str]]:
    return [tokens for line in text.splitlines() if (tokens := TOKEN_RE.findall(line.lower()))]


def _lcs_positions(reference: list[str], candidate: list[str]) -> set[int]:
    """Positions in `reference` of one longest common subsequence with `candidate`."""
    rows, cols = len(reference), len(candidate)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows):
        for j in range(cols):
            if reference[i] == candidate[j]:
                table[i + 1][j + 1] = table[i][j] + 1
            else:
                table[i + 1][j + 1] = max(table[i][j + 1], table[i + 1][j])
    positions, i, j = set(), rows, cols
    while i and j:
        if reference[i - 1] == candidate[j - 1]:
            positions.add(i - 1)
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return positions


def rouge_lsum(reference: str, candidate: str) -> float:
    """Summary-level ROUGE-L F1 of `candidate` against `reference`, both split into lines.

    >>> round(rouge_lsum("the cat sat\\nit was late", "the cat sat down"), 3)
    0.6
    >>> rouge_lsum("a b", ""), rouge_lsum("a b", "a b")
    (0.0, 1.0)
    """
    references, candidates = _lines(reference), _lines(candidate)
    budget = Counter(token for line in candidates for token in line)
    hits = 0
    for line in references:
        union: set[int] = set()
        for other in candidates:
            union |= _lcs_positions(line, other)
        for position in sorted(union):
            if budget[line[position]] > 0:
                budget[line[position]] -= 1
                hits += 1
    ref_total = sum(map(len, references))
    cand_total = sum(map(len, candidates))
    if not hits or not ref_total or not cand_total:
        return 0.0
    precision, recall = hits / cand_total, hits / ref_total
    return 2 * precision * recall / (precision + recall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    args = parser.parse_args(argv)
    pages = [p for p in load_fundus(args.eval_dir / "fundus") if p.page_id.startswith(PUBLISHERS)]
    print(f"{'publisher':<16}{'pages':>6}" + "".join(f"{name:>24}" for name in EXTRACTORS))
    for publisher in PUBLISHERS:
        mine = [page for page in pages if page.page_id.startswith(publisher)]
        scores = [
            100 * sum(rouge_lsum(page.expected, run(page).text) for page in mine) / len(mine)
            for run in EXTRACTORS.values()
        ]
        name = publisher.removeprefix("us/").rstrip("_")
        print(f"{name:<16}{len(mine):>6}" + "".join(f"{score:>24.1f}" for score in scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
