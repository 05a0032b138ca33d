"""The dedup bench's synthetic stream (`scripts/bench_dedup.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from scripts.bench_dedup import SyntheticStream, alias_table, scale

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_alias_table_draws_each_word_with_its_weight() -> None:
    weights = 1.0 / (np.arange(1, 1001) + 2.7)
    keep, alias = alias_table(weights)
    # a word is drawn when picked and kept, or when another word is picked and not kept
    drawn = keep.copy()
    np.add.at(drawn, alias, 1.0 - keep)
    assert np.allclose(drawn / len(weights), weights / weights.sum())


def test_stream_injects_copies_and_recrawls() -> None:
    stream = SyntheticStream(seed=3, days=1.0, total=4000)
    docs = stream.chunk(2000) + stream.chunk(2000)
    assert len({url for url, _, _ in docs}) < len(docs)  # re-crawls reuse a URL
    assert 250 < stream.injected["near"] < 550  # 10 %
    lengths = [len(text.split()) for _, text, _ in docs]
    assert 300 < np.median(lengths) < 800


def test_scale_reports_throughput_per_core_and_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scale(total=1000, flush_every=50, days=1.0, seed=0, store_dir=tmp_path)
    out = capsys.readouterr().out
    assert "documents per CPU second" in out
    assert "bytes/document" in out
    assert "document generation, not counted" in out
    assert "'new': " in out and "'near': " in out
