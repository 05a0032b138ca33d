"""The one record schema: the writer, the corpus build and the README follow it, and `datasets`
loads many run files with it, whatever their order and however many of their values are null."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from newscrawl.corpus import BuildOptions, build_corpus
from newscrawl.items import Article
from newscrawl.schema import FIELD_NAMES, SCHEMA, describe_type, features, yaml_features
from tests.hf_offline import datasets
from tests.records import record, write_run

README = Path(__file__).resolve().parent.parent / "README.md"


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def readme_fields() -> list[tuple[str, str]]:
    """(field, type) of each row of the README's record table."""
    section = README.read_text("utf-8").split("\n## The record\n", 1)[1]
    table = section.split("| field | type |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", table, re.MULTILINE)


def test_the_record_dataclass_has_the_schema_fields_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Article)) == FIELD_NAMES


def test_the_readme_table_lists_every_field_with_its_schema_type() -> None:
    expected = [(f.name, describe_type(f.type, f.nullable)) for f in SCHEMA]
    assert readme_fields() == expected


def test_records_the_writer_writes_fit_the_schema(tmp_path: Path) -> None:
    path = write_run(tmp_path / "run.jsonl", [record("a"), record("b", duplicate_of="a")])
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [list(line) for line in lines] == [list(FIELD_NAMES)] * 2
    table = pa.Table.from_pylist(lines, schema=SCHEMA)
    assert table.to_pylist() == lines


def test_the_card_features_are_those_datasets_builds_from_the_schema() -> None:
    assert yaml_features() == features()._to_yaml_list()


@pytest.fixture
def three_runs(tmp_path: Path) -> list[Path]:
    """A demo-like run with every duplicate_of, lastmod and credits null; a `DEDUP_MODE=mark`
    crawl with all three set; and a run written before the filtering signals existed."""
    plain = write_run(tmp_path / "a.jsonl", [record("a1"), record("a2")])
    marked = write_run(
        tmp_path / "b.jsonl",
        [
            record(
                "b1",
                duplicate_of="a1",
                lastmod="2026-11-20T09:00:00Z",
                credits="Reporting by Jane Doe",
                free_access=True,
            )
        ],
    )
    old = record("c1")
    for name in ("language_score", "quality", "free_access", "tdm_reserved"):
        del old[name]
    older = write_run(tmp_path / "c.jsonl", [old])
    return [plain, marked, older]


@pytest.mark.parametrize("order", [1, -1], ids=["null-first", "null-last"])
def test_datasets_loads_many_runs_with_the_schema_in_any_order(
    three_runs: list[Path], tmp_path: Path, order: int
) -> None:
    files = [str(path) for path in three_runs[::order]]
    loaded = datasets.load_dataset(
        "json", data_files=files, features=features(), split="train", cache_dir=str(tmp_path / "c")
    )
    assert loaded.features == features()
    rows = {row["id"]: row for row in loaded}
    assert set(rows) == {"a1", "a2", "b1", "c1"}
    assert rows["b1"]["duplicate_of"] == "a1"
    # datasets' JSON reader (pyarrow's) takes ISO 8601 strings for timestamps and, cast back to
    # the declared string, writes them as UTC "YYYY-MM-DD HH:MM:SS": the same instant, another
    # spelling (the README says so; the corpus folder keeps the strings as written).
    assert _instant(rows["b1"]["lastmod"]) == _instant("2026-11-20T09:00:00Z")
    assert _instant(rows["a1"]["crawled_at"]) == _instant("2026-11-20T10:00:00+00:00")
    assert rows["b1"]["credits"] == "Reporting by Jane Doe"
    assert rows["a1"]["duplicate_of"] is None
    assert rows["c1"]["quality"] is None and rows["a1"]["quality"]["duplicate_lines"] == 0.0


def test_without_the_schema_the_loader_guesses_null_columns_and_fails(
    three_runs: list[Path], tmp_path: Path
) -> None:
    """The failure the schema is for: the first file's all-null columns are typed null."""
    with pytest.raises(datasets.exceptions.DatasetGenerationError):
        datasets.load_dataset(
            "json",
            data_files=[str(path) for path in three_runs[:2]],
            split="train",
            cache_dir=str(tmp_path / "c"),
        )


def test_the_corpus_shards_carry_the_schema(three_runs: list[Path], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = build_corpus(tmp_path, tmp_path / "corpus", BuildOptions(keep_duplicates=True))
    (shard,) = sorted((result.corpus_dir / "data").glob("*.parquet"))
    assert pq.read_schema(shard).remove_metadata() == SCHEMA
    rows = {row["id"]: row for row in pq.read_table(shard).to_pylist()}
    assert rows["b1"]["lastmod"] == "2026-11-20T09:00:00Z"
