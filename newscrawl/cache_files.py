"""The folder where the extraction workers keep what they would otherwise rebuild on every start.

Each file in it is derived from an installed library (py3langid's model, dateparser's compiled
regexes) and named after what it was derived from, so an upgrade never reads a stale one. Crawls
starting together may write the same file at the same moment: each writes a `.part` file of its
own and renames it into place.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

CACHE_ENV = "NEWSCRAWL_CACHE_DIR"


def cache_dir() -> Path:
    """`$NEWSCRAWL_CACHE_DIR`, else `$XDG_CACHE_HOME/newscrawl`, else `~/.cache/newscrawl`."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newscrawl"


def cached_path(name: str, derived_from: bytes, suffix: str) -> Path:
    """The cache file `name-<digest>suffix`, the digest (BLAKE2b, 8 bytes) of what it came from."""
    digest = hashlib.blake2b(derived_from, digest_size=8).hexdigest()
    return cache_dir() / f"{name}-{digest}{suffix}"


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Have `write` fill a file next to `path`, then rename it to `path` (raises OSError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
