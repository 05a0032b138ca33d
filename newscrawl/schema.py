"""The record schema, declared once: what every written record is, field by field.

`SCHEMA` is the pyarrow schema of `newscrawl.items.Article`; the run JSONL, the corpus build
(Parquet shards and dataset card) and the README's field table all follow it, and a test checks
that they agree. `features()` gives the same schema as `datasets.Features`, for loading many run
files at once without the loader guessing a column's type from the first file it reads (a run
whose `duplicate_of` values are all null would make that column null-typed, and the next file's
strings would not cast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import datasets

DATELINE = pa.struct(
    [
        pa.field("raw", pa.string()),
        pa.field("location", pa.string()),
        pa.field("date", pa.string()),
        pa.field("agency", pa.string()),
    ]
)
QUALITY = pa.struct(
    [
        pa.field("terminal_punctuation", pa.float64()),
        pa.field("duplicate_lines", pa.float64()),
        pa.field("mean_word_length", pa.float64()),
        pa.field("non_alpha_words", pa.float64()),
    ]
)

# Nullable fields are those a record may leave null; the others always have a value.
SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("agency", pa.string()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("dateline", DATELINE),
        pa.field("credits", pa.string()),
        pa.field("authors", pa.list_(pa.string()), nullable=False),
        pa.field("published", pa.string()),
        pa.field("published_from", pa.string()),
        pa.field("modified", pa.string()),
        pa.field("language", pa.string()),
        pa.field("language_score", pa.float64()),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("quality", QUALITY),
        pa.field("free_access", pa.bool_()),
        pa.field("tdm_reserved", pa.bool_(), nullable=False),
        pa.field("crawled_at", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("duplicate_of", pa.string()),
        pa.field("revision", pa.int64(), nullable=False),
        pa.field("lastmod", pa.string()),
    ]
)

FIELD_NAMES: tuple[str, ...] = tuple(SCHEMA.names)

_SCALAR_WORDS = {
    pa.string(): "string",
    pa.int64(): "integer",
    pa.float64(): "number",
    pa.bool_(): "boolean",
}


def describe_type(data_type: pa.DataType, nullable: bool = False) -> str:
    """The type as the README's field table words it.

    >>> describe_type(SCHEMA.field("authors").type)
    'list of strings'
    >>> describe_type(pa.string(), nullable=True)
    'string or null'
    """
    if pa.types.is_struct(data_type):
        word = "object"
    elif pa.types.is_list(data_type):
        word = f"list of {_SCALAR_WORDS[data_type.value_type]}s"
    else:
        word = _SCALAR_WORDS[data_type]
    return f"{word} or null" if nullable else word


def features() -> datasets.Features:
    """`SCHEMA` as `datasets.Features` (needs the `datasets` library)."""
    import datasets

    return datasets.Features.from_arrow_schema(SCHEMA)


def yaml_features(schema: pa.Schema = SCHEMA) -> list[dict[str, object]]:
    """The schema in the dataset card's `dataset_info.features` form, without `datasets`.

    The corpus build writes the card with only pyarrow installed; a test checks this against
    `datasets.Features._to_yaml_list()`.
    """
    return [_yaml_feature(field.name, field.type) for field in schema]


def _yaml_feature(name: str, data_type: pa.DataType) -> dict[str, object]:
    if pa.types.is_struct(data_type):
        return {"name": name, "struct": [_yaml_feature(f.name, f.type) for f in data_type]}
    if pa.types.is_list(data_type):
        return {"name": name, "list": _dtype(data_type.value_type)}
    return {"name": name, "dtype": _dtype(data_type)}


# pyarrow names these types differently from `datasets`' dtypes.
_DTYPES = {pa.bool_(): "bool", pa.float64(): "float64"}


def _dtype(data_type: pa.DataType) -> str:
    return _DTYPES.get(data_type, str(data_type))
