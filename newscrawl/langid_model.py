"""py3langid's model, loaded from a decompressed copy kept in a cache directory.

py3langid ships its model as an LZMA-compressed npz and decompresses it on every load: 0.6 of
the 0.9 CPU s a crawl's fork server spends before the first page can be read (LZMA runs at about
100 MB/s; the model is 68 MB). py3langid has no other way to load it, so the first load writes
the decompressed npz to the cache, and later loads read that (0.07 s). The copy is named after a
digest of the shipped file, so an upgraded model is never mistaken for an old one; a copy that
cannot be read or written is only a slower load, never an error.
"""

from __future__ import annotations

import logging
import lzma
import shutil
import tempfile
import zipfile
from array import array
from functools import partial
from pathlib import Path
from typing import IO

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from newscrawl.cache_files import cached_path, write_atomically

logger = logging.getLogger(__name__)

_SHIPPED = MODEL_DIR / MODEL_FILE
# What np.load raises on a truncated or damaged npz (zipfile checks each member's CRC).
_UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def cached_copy(shipped: Path = _SHIPPED) -> Path:
    """Where the decompressed copy of `shipped` lives in the cache."""
    return cached_path("py3langid-model", shipped.read_bytes(), ".npz")


def load_identifier(shipped: Path = _SHIPPED) -> LanguageIdentifier:
    """A normalized-probability identifier with py3langid's model (`from_model_file`'s)."""
    copy = cached_copy(shipped)
    try:
        return _read(copy)
    except FileNotFoundError:
        pass
    except _UNREADABLE as error:
        logger.warning("Unreadable cached language model %s (%s): writing it again", copy, error)
    try:
        write_atomically(copy, partial(_decompress, shipped))
    except OSError as error:
        logger.info("Language model not cached in %s: %s", copy.parent, error)
        with tempfile.TemporaryFile() as scratch:
            _decompress(shipped, scratch)
            scratch.seek(0)
            return _identifier(scratch)
    return _read(copy)


def _read(copy: Path) -> LanguageIdentifier:
    # Opened here, not by np.load, which leaves its file open when the zip cannot be read.
    with copy.open("rb") as npz:
        return _identifier(npz)


def _identifier(npz: IO[bytes]) -> LanguageIdentifier:
    # The arrays and types `LanguageIdentifier.from_model_file` builds from the same npz.
    with np.load(npz, allow_pickle=False) as data:
        return LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _stdlib_array(data["nextmove"]),
            data["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_stdlib_array(data["nextmove_row"]),
        )


def _stdlib_array(values: np.ndarray) -> array:
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return out


def _decompress(shipped: Path, out: IO[bytes]) -> None:
    with lzma.open(shipped) as source:
        shutil.copyfileobj(source, out, 1 << 20)
