"""The corpus build: a dataset folder `datasets`, pandas and DuckDB load as it is, built
incrementally from run files, one line per story, with the usual cuts."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from newscrawl.corpus import BuildOptions, CorpusError, build_corpus, story_date
from newscrawl.schema import features
from tests.hf_offline import datasets
from tests.records import record, write_run

PROJECT_DIR = Path(__file__).resolve().parent.parent


def ids(corpus: Path) -> list[str]:
    return sorted(pd.read_parquet(corpus / "data")["id"])


def test_the_folder_loads_with_datasets_pandas_and_duckdb_as_it_is(tmp_path: Path) -> None:
    write_run(tmp_path / "apnews" / "r1.jsonl", [record("a"), record("b", lastmod="2026-11-20")])
    write_run(tmp_path / "upi" / "r2.jsonl", [record("c", source="upi", credits="By J. Doe")])
    corpus = build_corpus(tmp_path, tmp_path / "corpus").corpus_dir
    loaded = datasets.load_dataset(str(corpus), cache_dir=str(tmp_path / "cache"))
    assert loaded["train"].features == features()
    assert sorted(loaded["train"]["id"]) == ["a", "b", "c"]
    assert ids(corpus) == ["a", "b", "c"]
    count = duckdb.sql(f"SELECT count(*) FROM '{corpus}/data/*.parquet' WHERE source = 'upi'")
    assert count.fetchall() == [(1,)]
    (shard,) = (corpus / "data").glob("*.parquet")
    assert pq.ParquetFile(shard).metadata.row_group(0).column(0).compression == "ZSTD"


def test_the_dataset_card_has_configs_features_counts_and_a_licence(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a"), record("b", language="fr")])
    corpus = build_corpus(tmp_path, tmp_path / "corpus").corpus_dir
    card = (corpus / "README.md").read_text("utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert front["configs"][0]["data_files"][0]["path"] == "data/train-*.parquet"
    assert front["dataset_info"]["features"] == features()._to_yaml_list()
    assert front["dataset_info"]["splits"][0]["num_examples"] == 2
    assert front["license"] == "other"
    assert front["language"] == ["en", "fr"] or front["language"] == ["fr", "en"]
    assert "## Licence" in card


def test_shards_hold_at_most_the_set_number_of_records(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record(f"s{i}") for i in range(5)])
    result = build_corpus(tmp_path, tmp_path / "corpus", shard_records=2)
    sizes = [pq.read_metadata(p).num_rows for p in sorted((tmp_path / "corpus/data").iterdir())]
    assert sizes == [2, 2, 1]
    assert result.shards == 3 and result.records == 5


def test_a_second_build_adds_only_new_runs_and_lists_each_with_its_hash(tmp_path: Path) -> None:
    first = write_run(tmp_path / "r1.jsonl", [record("a")])
    corpus = tmp_path / "corpus"
    assert build_corpus(tmp_path, corpus).added == 1
    write_run(tmp_path / "r2.jsonl", [record("b")])
    again = build_corpus(tmp_path, corpus)
    assert again.new_runs == ["r2.jsonl"] and again.added == 1
    assert build_corpus(tmp_path, corpus).new_runs == []
    assert ids(corpus) == ["a", "b"]
    manifest = json.loads((corpus / "corpus.json").read_text("utf-8"))
    assert manifest["runs"]["r1.jsonl"]["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
    assert set(manifest["runs"]) == {"r1.jsonl", "r2.jsonl"}


def test_a_run_file_whose_hash_changed_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r1.jsonl", [record("a")])
    build_corpus(tmp_path, tmp_path / "corpus")
    run.write_text(run.read_text("utf-8").replace("Story a", "Story A"), "utf-8")
    with pytest.raises(CorpusError, match="changed since it went into the corpus"):
        build_corpus(tmp_path, tmp_path / "corpus")


def test_the_latest_revision_wins_across_builds_and_every_one_stays_on_request(
    tmp_path: Path,
) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a", text="first version of the story")])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path, corpus)
    newer = record("a", text="second version", revision=2, crawled_at="2026-11-21T10:00:00+00:00")
    write_run(tmp_path / "r2.jsonl", [newer])
    result = build_corpus(tmp_path, corpus)
    assert result.replaced == 1
    frame = pd.read_parquet(corpus / "data")
    assert list(frame["revision"]) == [2] and list(frame["text"]) == ["second version"]
    everything = build_corpus(tmp_path, tmp_path / "all", BuildOptions(all_revisions=True))
    assert sorted(pd.read_parquet(everything.corpus_dir / "data")["revision"]) == [1, 2]


def test_an_older_revision_arriving_later_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a", revision=2)])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path, corpus)
    write_run(tmp_path / "r2.jsonl", [record("a", revision=1)])
    result = build_corpus(tmp_path, corpus)
    assert result.added == 0 and result.left_out["older_revision"] == 1
    assert list(pd.read_parquet(corpus / "data")["revision"]) == [2]


def test_duplicates_and_tdm_reserved_records_are_left_out_and_counted_unless_kept(
    tmp_path: Path,
) -> None:
    records = [record("a"), record("b", duplicate_of="a"), record("c", tdm_reserved=True)]
    write_run(tmp_path / "r1.jsonl", records)
    default = build_corpus(tmp_path, tmp_path / "corpus")
    assert ids(default.corpus_dir) == ["a"]
    assert default.left_out == {"duplicate": 1, "tdm_reserved": 1}
    assert "tdm_reserved 1" in default.summary()
    kept = build_corpus(
        tmp_path,
        tmp_path / "kept",
        BuildOptions(keep_duplicates=True, keep_tdm_reserved=True),
    )
    assert ids(kept.corpus_dir) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        (BuildOptions(since="2026-11-20"), ["new", "short", "upi", "fr"]),
        (BuildOptions(until="2026-11-19"), ["old"]),
        (BuildOptions(languages=("fr",)), ["fr"]),
        (BuildOptions(min_words=10), ["new", "old", "upi", "fr"]),
        (BuildOptions(sources=("upi",)), ["upi"]),
    ],
    ids=["since", "until", "language", "min-words", "source"],
)
def test_the_usual_cuts(tmp_path: Path, options: BuildOptions, kept: list[str]) -> None:
    write_run(
        tmp_path / "r1.jsonl",
        [
            record("new"),
            record("old", published="2026-11-19T23:00:00+00:00"),
            record("short", text="Three words only"),
            record("upi", source="upi"),
            record("fr", language="fr"),
        ],
    )
    result = build_corpus(tmp_path, tmp_path / "corpus", options)
    assert ids(result.corpus_dir) == sorted(kept)


def test_a_story_without_publication_date_is_dated_by_its_crawl() -> None:
    assert story_date({"published": None, "crawled_at": "2026-11-20T10:00:00Z"}) == "2026-11-20"


def test_other_options_than_the_corpus_was_built_with_are_refused(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a")])
    build_corpus(tmp_path, tmp_path / "corpus")
    with pytest.raises(CorpusError, match="other options"):
        build_corpus(tmp_path, tmp_path / "corpus", BuildOptions(min_words=5))
    rebuilt = build_corpus(tmp_path, tmp_path / "corpus", BuildOptions(min_words=5), rebuild=True)
    assert rebuilt.new_runs == ["r1.jsonl"]


def test_a_shard_a_crashed_build_left_unlisted_is_removed(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a")])
    corpus = tmp_path / "corpus"
    build_corpus(tmp_path, corpus)
    stray = corpus / "data" / "train-00007.parquet"
    stray.write_bytes((corpus / "data" / "train-00000.parquet").read_bytes())
    build_corpus(tmp_path, corpus)
    assert not stray.exists() and ids(corpus) == ["a"]


def test_exclusion_files_are_gathered_with_a_count_per_reason(tmp_path: Path) -> None:
    write_run(tmp_path / "warc" / "r1.jsonl", [record("a")])
    excluded = [
        {"url": "https://x.example/1", "reason": "no_text", "detail": "", "stage": "extract"},
        {"url": "https://x.example/2", "reason": "duplicate_near", "detail": "", "stage": "dedup"},
        {"url": "https://x.example/3", "reason": "no_text", "detail": "", "stage": "extract"},
    ]
    write_run(tmp_path / "warc" / "r1.excluded.jsonl", excluded)
    result = build_corpus(tmp_path, tmp_path / "corpus")
    assert result.excluded == {"no_text": 2, "duplicate_near": 1}
    (gathered,) = (tmp_path / "corpus" / "excluded").iterdir()
    assert [json.loads(line) for line in gathered.read_text("utf-8").splitlines()] == excluded
    assert result.new_runs == ["warc/r1.jsonl"]


def test_scrapy_corpus_builds_and_says_what_it_left_out(tmp_path: Path) -> None:
    write_run(tmp_path / "r1.jsonl", [record("a"), record("b", tdm_reserved=True)])
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "corpus", "--output", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1 records added" in done.stdout and "tdm_reserved 1" in done.stdout
    assert ids(tmp_path / "corpus") == ["a"]
    refused = subprocess.run(
        [sys.executable, "-m", "scrapy", "corpus", "--output", str(tmp_path), "--min-words", "3"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1 and "other options" in refused.stderr
