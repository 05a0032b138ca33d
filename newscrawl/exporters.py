"""Crash-safe JSONL files: written under a temporary name, renamed into place when complete.

Scrapy's local-file feed storage writes straight into the final path, so a reader (or a crash)
can see half a file; this writer never presents an incomplete file under a `.jsonl` name.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

PART_SUFFIX = ".part"


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class JsonlWriter:
    """Writes one record per line to `<final>.part`; `close()` renames it to `<final>`.

    The `.part` file is flock'ed while open, so `recover_partials()` can tell a crashed run's
    file from one still being written.
    """

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.part_path = final_path.with_name(final_path.name + PART_SUFFIX)
        final_path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.part_path, "a", encoding="utf-8")  # noqa: SIM115 - held for the run
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        # One write() per whole line, flushed at once: a killed process leaves whole lines in the
        # kernel's page cache and at most one partial line, which recovery trims.
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        self.count += 1

    def sync(self) -> None:
        """Make every line written so far durable."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> Path | None:
        """Finish the file: rename it into place, or remove it when no record was written."""
        self.sync()
        self._file.close()
        if self.count == 0:
            self.part_path.unlink(missing_ok=True)
            return None
        os.replace(self.part_path, self.final_path)
        _fsync_dir(self.final_path.parent)
        return self.final_path


def _trim_partial_line(path: Path) -> None:
    with open(path, "rb+") as handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())


# Files written beside a run's JSONL that hold other lines (newscrawl.exclusions): each kind is
# recovered by its own writer (`suffix=`), never as a run's records.
SIDECAR_SUFFIXES = (".excluded.jsonl",)


def recover_partials(
    directory: Path, suffix: str = ".jsonl"
) -> list[tuple[Path, list[dict[str, Any]]]]:
    """Promote the `.part` files of crashed runs in `directory` to final files.

    The partial last line is cut, the file is renamed to its final name, and its records are
    returned so the caller can mark them as written. Files still locked by a live run are left.
    Only files named `*<suffix>` are recovered, and sidecar files only when asked for by suffix.
    """
    recovered = []
    others = tuple(sidecar for sidecar in SIDECAR_SUFFIXES if sidecar != suffix)
    for part in sorted(directory.glob(f"*{suffix}{PART_SUFFIX}")):
        if part.name.removesuffix(PART_SUFFIX).endswith(others):
            continue
        with open(part, "rb") as probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            _trim_partial_line(part)
            records = [json.loads(line) for line in part.read_text("utf-8").splitlines() if line]
            final = part.with_name(part.name.removesuffix(PART_SUFFIX))
            if records:
                os.replace(part, final)
                _fsync_dir(directory)
                recovered.append((final, records))
            else:
                part.unlink()
    return recovered
