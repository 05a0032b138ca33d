"""Crash-safe JSONL files: written under a temporary name, renamed into place when complete.

Scrapy's local-file feed storage writes straight into the final path, so a reader (or a crash)
can see half a file; this writer never presents an incomplete file under a `.jsonl` name.

A crashed run leaves its `<file>.jsonl.part`; `recover_partials()` promotes it to `<file>.jsonl`
at the next start. Several runs may share one output folder and start together, so every
`.part` is flock'ed by its writer from the moment it exists, and whoever takes a lock checks
afterwards that the path still names the file it locked (another process may have renamed or
removed it in between).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from newscrawl.items import Article

PART_SUFFIX = ".part"
# Only JSONL parts are recovered: other temporary files (the manifest's) share the folder.
# Files written beside a run's JSONL that hold other lines (newscrawl.exclusions): each kind is
# recovered by its own writer (`suffix=`), never as a run's records.
SIDECAR_SUFFIXES = (".excluded.jsonl",)
QUARANTINE_SUFFIX = ".quarantine"
RECOVERY_LOCK = ".recovery.lock"

logger = logging.getLogger(__name__)

_FIELDS = frozenset(field.name for field in fields(Article))
_REQUIRED = ("id", "url", "canonical_url", "crawled_at")
_DATES = ("crawled_at", "published", "modified", "lastmod")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _names_same_file(path: Path, fd: int) -> bool:
    """True when `path` still names the file open as `fd` (not renamed, removed or replaced)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class JsonlWriter:
    """Writes one record per line to `<final>.part`; `close()` renames it to `<final>`.

    The `.part` file is flock'ed while open, so `recover_partials()` can tell a crashed run's
    file from one still being written. A write that fails (disk full) raises and leaves the
    file as it was before it: never a partial line in the middle of the file.
    """

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.part_path = final_path.with_name(final_path.name + PART_SUFFIX)
        final_path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = self._create_locked()
        self._size = 0  # bytes of whole lines in the file
        self._torn = False  # a failed write may have left part of a line after `_size`
        self.count = 0

    def _create_locked(self) -> int:
        # Between creating the file and locking it, another run's recovery may take the
        # (empty, unlocked) file for a dead one and remove it: then create it again.
        while True:
            fd = os.open(self.part_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            # Blocking: a recovery holds another run's lock only while it looks at the file.
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _names_same_file(self.part_path, fd):
                return fd
            os.close(fd)

    def write(self, record: dict[str, Any]) -> None:
        # One write() per whole line, unbuffered: a killed process leaves whole lines in the
        # kernel's page cache and at most one partial line, which recovery trims.
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            if self._torn:
                os.ftruncate(self._fd, self._size)
                self._torn = False
            _write_all(self._fd, line)
        except OSError:
            self._torn = True
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
                self._torn = False
            raise
        self._size += len(line)
        self.count += 1

    def sync(self) -> None:
        """Make every line written so far durable."""
        os.fsync(self._fd)

    def close(self) -> Path | None:
        """Finish the file: rename it into place, or remove it when no record was written."""
        if self._torn:
            os.ftruncate(self._fd, self._size)
        self.sync()
        # Renamed (or removed) under the lock: a recovery that finds the `.part` unlocked finds
        # a dead run's file, never this one on its way to its final name.
        try:
            if self.count == 0:
                self.part_path.unlink()
                return None
            os.replace(self.part_path, self.final_path)
        finally:
            os.close(self._fd)
        _fsync_dir(self.final_path.parent)
        return self.final_path


def record_problem(record: object) -> str | None:
    """Why a decoded line cannot be taken back as an `Article` record, or None when it can.

    >>> record_problem({"id": "1", "url": "u", "canonical_url": "u", "crawled_at": "2024-01-01"})
    >>> record_problem({"id": "1", "url": "u", "canonical_url": "u", "crawled_at": "yesterday"})
    "bad date in crawled_at: 'yesterday'"
    """
    if not isinstance(record, dict):
        return "not a JSON object"
    unknown = sorted(set(record) - _FIELDS)
    if unknown:
        return f"unknown field {', '.join(unknown)}"
    for name in _REQUIRED:
        if not isinstance(record.get(name), str) or not record[name]:
            return f"missing {name}"
    if not isinstance(record.get("text", ""), str):
        return "text is not a string"
    revision = record.get("revision", 1)
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        return f"bad revision: {revision!r}"
    for name in _DATES:
        value = record.get(name)
        if value is None:
            continue
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return f"bad date in {name}: {value!r}"
    return None


def json_object_problem(record: object) -> str | None:
    """Why a decoded sidecar line is no record of its kind: only JSON objects are."""
    return None if isinstance(record, dict) else "not a JSON object"


LineCheck = Callable[[object], str | None]
# Told of each quarantine file recovery writes, and how many lines went to it (for a stat).
QuarantineHook = Callable[[Path, int], None]


def parse_line(
    raw: bytes, check: LineCheck = record_problem
) -> tuple[dict[str, Any] | None, str | None]:
    """One JSONL line as `(record, None)`, or `(None, why it is no valid record)`.

    >>> parse_line(b"[1, 2]")
    (None, 'not a JSON object')
    """
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except ValueError as exc:
        return None, f"not JSON ({exc})"
    problem = check(record)
    return (None, problem) if problem else (record, None)


def read_records(
    data: bytes, check: LineCheck = record_problem
) -> tuple[list[tuple[bytes, dict[str, Any]]], list[dict[str, Any]]]:
    """Split whole JSONL lines into valid `(line, record)` pairs and rejects (`line` number,
    `reason`, `content`)."""
    good: list[tuple[bytes, dict[str, Any]]] = []
    bad: list[dict[str, Any]] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        record, problem = parse_line(raw, check)
        if record is not None:
            good.append((raw + b"\n", record))
        else:
            content = raw.decode("utf-8", errors="replace")
            bad.append({"line": number, "reason": problem, "content": content})
    return good, bad


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a `.tmp` file (never a `.part`, which recovery reads)
    fsync'ed and renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _recover_one(
    part: Path, handle: Any, check: LineCheck, on_quarantine: QuarantineHook | None
) -> tuple[Path, list[dict[str, Any]]] | None:
    """Promote one locked `.part` file; return its final path and records, or None if empty."""
    data = handle.read()
    data = data[: data.rfind(b"\n") + 1]  # a partial last line is a record never marked written
    good, bad = read_records(data, check)
    final = part.with_name(part.name.removesuffix(PART_SUFFIX))
    if bad:
        rejects = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in bad)
        write_atomically(quarantined(final), rejects.encode("utf-8"))
        logger.warning(
            "%d lines of %s are not valid records (first: line %d, %s); they are in %s",
            len(bad),
            part,
            bad[0]["line"],
            bad[0]["reason"],
            quarantined(final),
        )
        if on_quarantine is not None:
            on_quarantine(quarantined(final), len(bad))
    if not good:
        part.unlink()
        _fsync_dir(part.parent)
        return None
    if bad:
        write_atomically(final, b"".join(line for line, _ in good))
        part.unlink()
    else:
        handle.truncate(len(data))
        handle.flush()
        os.fsync(handle.fileno())
        os.replace(part, final)
    _fsync_dir(part.parent)
    return final, [record for _, record in good]


def quarantined(final: Path) -> Path:
    """The file where recovery put the lines of `final` it could not take back."""
    return final.with_name(final.name + QUARANTINE_SUFFIX)


def recover_partials(
    directory: Path,
    suffix: str = ".jsonl",
    check: LineCheck = record_problem,
    on_quarantine: QuarantineHook | None = None,
) -> list[tuple[Path, list[dict[str, Any]]]]:
    """Promote the `*<suffix>.part` files of crashed runs in `directory` to final files.

    Sidecar files (`SIDECAR_SUFFIXES`) are recovered only when asked for by their suffix, and
    their lines checked with `check` (for example `json_object_problem`).

    The partial last line is cut, the file is renamed to its final name, and its valid records
    are returned so the caller can mark them as written. Lines that are not valid records go to
    `<final>.quarantine` (one JSON object per line: line number, reason, content) and are left
    out of the final file, and `on_quarantine` is told how many. Files still locked by a live
    run, or taken meanwhile by another run's recovery, are left alone.
    """
    recovered = []
    others = tuple(sidecar for sidecar in SIDECAR_SUFFIXES if sidecar != suffix)
    for part in sorted(directory.glob(f"*{suffix}{PART_SUFFIX}")):
        if part.name.removesuffix(PART_SUFFIX).endswith(others):
            continue
        try:
            handle = open(part, "rb+")  # noqa: SIM115 - closed below, after the lock is checked
        except FileNotFoundError:  # promoted meanwhile by another run's recovery
            continue
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run's file, or another recovery's
            if not _names_same_file(part, handle.fileno()):
                continue  # promoted or removed between our open and our lock
            result = _recover_one(part, handle, check, on_quarantine)
        if result is not None:
            recovered.append(result)
    return recovered


@contextlib.contextmanager
def recovery_lock(directory: Path) -> Iterator[None]:
    """Hold the folder's recovery lock: one run at a time recovers and marks what it recovered.

    Without it, a run starting beside the one that recovers a file could check a recovered
    URL before its marks are committed, and write that record a second time.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / RECOVERY_LOCK, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
