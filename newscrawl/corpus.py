"""The corpus build: many runs' JSONL files into one dataset folder that `datasets` understands.

```
output/corpus/
  README.md              dataset card: YAML front matter (configs, features, counts, licence)
  corpus.json            corpus manifest: every run file included, with its SHA-256; the options
  data/train-00000.parquet  Parquet shards (zstd), CORPUS_SHARD_RECORDS records at most each
  excluded/<run>.excluded.jsonl  the runs' exclusion files, gathered
```

Incremental: a build reads only run files it has not included before, and refuses one whose
hash changed since. One line per story (`id`): the latest revision wins, and an older revision
already in a shard is taken out of it (that shard is rewritten). Pure: no Scrapy import.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newscrawl.exclusions import is_exclusion_file
from newscrawl.exporters import PART_SUFFIX, write_atomically
from newscrawl.items import Article
from newscrawl.manifest import sha256_file, write_json_atomically
from newscrawl.schema import SCHEMA, yaml_features

MANIFEST_NAME = "corpus.json"
CARD_NAME = "README.md"
DATA_DIR = "data"
EXCLUDED_DIR = "excluded"
SHARD_PATTERN = "train-{:05d}.parquet"
MANIFEST_VERSION = 1
# What a record that an older run wrote without a newer field gets for it: the writer's default.
DEFAULTS: dict[str, Any] = dataclasses.asdict(Article())


class CorpusError(Exception):
    """A build that must not go on: a run file changed, or options differ from the corpus'."""


@dataclass(frozen=True)
class BuildOptions:
    """The cuts and policies of a corpus. They are part of the corpus: a later build with other
    options would mix two corpora, so it is refused unless it rebuilds."""

    since: str | None = None  # YYYY-MM-DD, on the story's date (published, else crawled_at)
    until: str | None = None  # YYYY-MM-DD, inclusive
    languages: tuple[str, ...] = ()
    min_words: int = 0
    sources: tuple[str, ...] = ()
    all_revisions: bool = False
    keep_duplicates: bool = False
    keep_tdm_reserved: bool = False

    def __post_init__(self) -> None:
        for bound in (self.since, self.until):
            if bound is not None:
                date.fromisoformat(bound)  # a bad date fails here, before any file is read

    def as_dict(self) -> dict[str, Any]:
        return {key: list(v) if isinstance(v, tuple) else v for key, v in vars(self).items()}


@dataclass
class BuildResult:
    """What one build did."""

    corpus_dir: Path
    new_runs: list[str] = field(default_factory=list)
    added: int = 0
    replaced: int = 0  # older revisions taken out of existing shards
    left_out: Counter[str] = field(default_factory=Counter)  # this build's cuts, by cut
    excluded: Counter[str] = field(default_factory=Counter)  # all gathered exclusions, by reason
    records: int = 0  # records in the corpus after the build
    shards: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """'3 new runs, 40 records added (2 older revisions replaced); left out: ...'."""
        runs = len(self.new_runs)
        parts = [f"{runs} new run file{'' if runs == 1 else 's'}, {self.added} records added"]
        if self.replaced:
            parts[0] += f" ({self.replaced} older revisions replaced)"
        if self.left_out:
            cuts = ", ".join(f"{cut} {n}" for cut, n in sorted(self.left_out.items()))
            parts.append(f"left out: {cuts}")
        parts.append(f"corpus: {self.records} records in {self.shards} shards")
        return "; ".join(parts)


def find_run_files(output_dir: Path, corpus_dir: Path) -> tuple[list[Path], list[Path]]:
    """Run files and exclusion files under `output_dir`, outside the corpus folder, sorted."""
    runs, exclusions = [], []
    for path in sorted(output_dir.rglob("*.jsonl")):
        if path.is_relative_to(corpus_dir):
            continue
        (exclusions if is_exclusion_file(path) else runs).append(path)
    return runs, exclusions


def story_date(record: dict[str, Any]) -> str:
    """The day a story is filed under: its publication date, else its crawl date.

    >>> story_date({"published": "2025-03-06T10:00:00Z", "crawled_at": "2026-01-01T00:00:00Z"})
    '2025-03-06'
    """
    return (record.get("published") or record.get("crawled_at") or "")[:10]


def cut(record: dict[str, Any], options: BuildOptions) -> str | None:
    """The name of the first cut that leaves the record out, or None to keep it."""
    if record["duplicate_of"] and not options.keep_duplicates:
        return "duplicate"
    if record["tdm_reserved"] and not options.keep_tdm_reserved:
        return "tdm_reserved"
    day = story_date(record)
    if (options.since and day < options.since) or (options.until and day > options.until):
        return "date"
    if options.languages and record["language"] not in options.languages:
        return "language"
    if record["word_count"] < options.min_words:
        return "min_words"
    if options.sources and record["source"] not in options.sources:
        return "source"
    return None


def _newness(record: dict[str, Any]) -> tuple[int, str]:
    return (record["revision"], record["crawled_at"])


def read_records(path: Path) -> list[dict[str, Any]]:
    """A run file's records, with the schema's defaults for fields the run did not write yet."""
    with open(path, encoding="utf-8") as handle:
        return [DEFAULTS | json.loads(line) for line in handle if line.strip()]


def _load_manifest(corpus_dir: Path) -> dict[str, Any]:
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {"version": MANIFEST_VERSION, "options": None, "runs": {}, "exclusions": {}}
    return json.loads(path.read_text("utf-8"))


def _check_unchanged(included: dict[str, dict[str, Any]], output_dir: Path) -> None:
    for relative, entry in included.items():
        path = output_dir / relative
        if path.exists() and sha256_file(path) != entry["sha256"]:
            raise CorpusError(
                f"{path} changed since it went into the corpus (sha256 was "
                f"{entry['sha256'][:16]}..., is {sha256_file(path)[:16]}...); a corpus never "
                "takes a run file twice: restore it, or rebuild the corpus"
            )


def _shards(corpus_dir: Path) -> list[Path]:
    return sorted((corpus_dir / DATA_DIR).glob("train-*.parquet"))


def _write_parquet(table: pa.Table, path: Path) -> None:
    """Write a shard under a temporary name and rename it into place (never half a shard)."""
    part = path.with_name(path.name + PART_SUFFIX)
    pq.write_table(table, part, compression="zstd")
    os.replace(part, path)


def _supersede(
    corpus_dir: Path, fresh: dict[str, dict[str, Any]], listed: set[str]
) -> tuple[int, int]:
    """Take out of the listed shards the stories `fresh` has newer revisions of, and drop from
    `fresh` the records a shard already has as new or newer. Returns (replaced, stale)."""
    replaced = stale = 0
    for shard in _shards(corpus_dir):
        if shard.name not in listed:
            continue
        keys = pq.read_table(shard, columns=["id", "revision", "crawled_at"]).to_pylist()
        older = set()
        for key in keys:
            record = fresh.get(key["id"])
            if record is None:
                continue
            if _newness(record) > _newness(key):
                older.add(key["id"])
            else:
                del fresh[key["id"]]
                stale += 1
        if not older:
            continue
        table = pq.read_table(shard, schema=SCHEMA)
        table = table.filter(pc.invert(pc.is_in(table["id"], pa.array(sorted(older)))))
        if table.num_rows:
            _write_parquet(table, shard)
        else:
            shard.unlink()
        replaced += len(older)
    return replaced, stale


def _gather_exclusions(
    exclusion_files: list[Path], output_dir: Path, corpus_dir: Path, manifest: dict[str, Any]
) -> None:
    target = corpus_dir / EXCLUDED_DIR
    target.mkdir(parents=True, exist_ok=True)
    for path in exclusion_files:
        relative = str(path.relative_to(output_dir))
        if relative in manifest["exclusions"]:
            continue
        with open(path, encoding="utf-8") as handle:
            reasons = Counter(json.loads(line)["reason"] for line in handle if line.strip())
        name = relative.replace(os.sep, "__")
        shutil.copyfile(path, target / name)
        manifest["exclusions"][relative] = {
            "sha256": sha256_file(path),
            "file": f"{EXCLUDED_DIR}/{name}",
            "reasons": dict(sorted(reasons.items())),
        }


def _data_bytes(shard: Path) -> int:
    """Uncompressed size of a shard's data, the `num_bytes` a dataset card gives a split."""
    metadata = pq.read_metadata(shard)
    return sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))


def _languages(shards: list[Path]) -> dict[str, int]:
    languages: Counter[str] = Counter()
    for shard in shards:
        column = pq.read_table(shard, columns=["language"])["language"]
        for entry in pc.value_counts(column).to_pylist():
            if entry["values"]:
                languages[entry["values"]] += entry["counts"]
    return dict(languages.most_common())


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """Block YAML for the card's front matter: mappings, lists and scalars (JSON-quoted strings,
    which YAML reads as they are). pyyaml is not a dependency for one small file."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, dict | list) and child:
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml(child, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(child)}")
    else:
        for child in value:
            if isinstance(child, dict | list) and child:
                nested = _yaml(child, indent + 2)
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_scalar(child)}")
    return lines


def _scalar(value: Any) -> str:
    # Always quoted: YAML reads some bare words as booleans (`no`, the code of Norwegian).
    return json.dumps(value)


def card_metadata(manifest: dict[str, Any]) -> dict[str, Any]:
    """The dataset card's YAML front matter: what the Hub and `datasets` read."""
    return {
        "pretty_name": "newscrawl corpus",
        "license": "other",
        "language": list(manifest["languages"]),
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": "train", "path": f"{DATA_DIR}/train-*.parquet"}],
            }
        ],
        "dataset_info": {
            "features": yaml_features(),
            "splits": [
                {
                    "name": "train",
                    "num_bytes": manifest["bytes"],
                    "num_examples": manifest["records"],
                }
            ],
        },
    }


def write_card(path: Path, manifest: dict[str, Any]) -> None:
    """The dataset card (`README.md`): YAML front matter, then what is in the corpus."""
    front = "\n".join(_yaml(card_metadata(manifest)))
    left_out = ", ".join(f"{k} {v}" for k, v in manifest["left_out"].items()) or "none"
    excluded = ", ".join(f"{k} {v}" for k, v in manifest["excluded"].items()) or "none"
    body = f"""# newscrawl corpus

{manifest["records"]} news stories from {len(manifest["runs"])} newscrawl run files, one line per
story, in `{DATA_DIR}/` (Parquet, zstd). The schema is newscrawl's record schema
(`newscrawl/schema.py`); `{MANIFEST_NAME}` lists every run file included, with its SHA-256.

- Build options: `{json.dumps(manifest["options"])}`
- Left out by the build: {left_out}
- Not written by the runs (`{EXCLUDED_DIR}/`, one line per page): {excluded}

## Licence

The texts belong to their publishers; this corpus is a research crawl, not a licence to them.
Records whose publisher reserves text-and-data-mining rights (`tdm_reserved`, W3C TDMRep) are
left out unless the build was told to keep them. Check each source's terms before any use.

## Loading

```python
import datasets
corpus = datasets.load_dataset("path/to/this/folder", split="train")
```
"""
    write_text_atomically(path, f"---\n{front}\n---\n\n{body}")


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def build_corpus(
    output_dir: Path,
    corpus_dir: Path,
    options: BuildOptions | None = None,
    shard_records: int = 50_000,
    rebuild: bool = False,
) -> BuildResult:
    """Add the run files under `output_dir` not yet in the corpus at `corpus_dir` to it."""
    started = time.perf_counter()
    options = options or BuildOptions()
    if rebuild:
        shutil.rmtree(corpus_dir, ignore_errors=True)
    manifest = _load_manifest(corpus_dir)
    if manifest["options"] not in (None, options.as_dict()):
        raise CorpusError(
            f"{corpus_dir} was built with other options ({manifest['options']}); build with "
            "the same ones, or rebuild"
        )
    manifest["options"] = options.as_dict()
    _check_unchanged(manifest["runs"], output_dir)
    listed = {Path(shard["path"]).name for shard in manifest.get("shards", [])}
    # Shards no manifest lists are what a crashed build left: its runs are still new.
    for shard in _shards(corpus_dir):
        if shard.name not in listed:
            shard.unlink()
    run_files, exclusion_files = find_run_files(output_dir, corpus_dir)
    result = BuildResult(corpus_dir)
    fresh: dict[str, dict[str, Any]] = {}
    revisions: list[dict[str, Any]] = []
    new_entries = {}
    for path in run_files:
        relative = str(path.relative_to(output_dir))
        if relative in manifest["runs"]:
            continue
        records = read_records(path)
        kept = 0
        for record in records:
            reason = cut(record, options)
            if reason:
                result.left_out[reason] += 1
                continue
            kept += 1
            if options.all_revisions:
                revisions.append(record)
            else:
                current = fresh.get(record["id"])
                if current is None or _newness(record) > _newness(current):
                    fresh[record["id"]] = record
        new_entries[relative] = {"sha256": sha256_file(path), "records": len(records), "kept": kept}
        result.new_runs.append(relative)
    if options.all_revisions:
        # Every revision stays, but a record read twice (the same revision) is one line.
        fresh = {f"{r['id']}/{r['revision']}": r for r in revisions}
    else:
        result.replaced, stale = _supersede(corpus_dir, fresh, listed)
        result.left_out["older_revision"] += stale
    records = sorted(fresh.values(), key=lambda record: (story_date(record), record["id"]))
    result.added = len(records)
    data_dir = corpus_dir / DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    existing = _shards(corpus_dir)
    number = int(existing[-1].stem.removeprefix("train-")) + 1 if existing else 0
    for start in range(0, len(records), shard_records):
        chunk = records[start : start + shard_records]
        _write_parquet(
            pa.Table.from_pylist(chunk, schema=SCHEMA), data_dir / SHARD_PATTERN.format(number)
        )
        number += 1
    _gather_exclusions(exclusion_files, output_dir, corpus_dir, manifest)
    manifest["runs"].update(new_entries)
    result.left_out = +result.left_out
    shards = _shards(corpus_dir)
    manifest["shards"] = [
        {"path": f"{DATA_DIR}/{shard.name}", "records": pq.read_metadata(shard).num_rows}
        for shard in shards
    ]
    for entry in manifest["exclusions"].values():
        result.excluded.update(entry["reasons"])
    result.records = sum(shard["records"] for shard in manifest["shards"])
    manifest["bytes"] = sum(_data_bytes(shard) for shard in shards)
    result.shards = len(shards)
    left_out = Counter(manifest.get("left_out", {})) + result.left_out
    manifest["left_out"] = dict(sorted(left_out.items()))
    manifest["excluded"] = dict(sorted(result.excluded.items()))
    manifest["records"] = result.records
    manifest["languages"] = _languages(shards)
    write_card(corpus_dir / CARD_NAME, manifest)
    # The manifest last: until it is in place, this build's runs count as not included.
    write_json_atomically(corpus_dir / MANIFEST_NAME, manifest)
    result.seconds = time.perf_counter() - started
    return result
