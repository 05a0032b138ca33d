from __future__ import annotations

import errno
import fcntl
import json
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from newscrawl.exporters import (
    JsonlWriter,
    quarantined,
    record_problem,
    recover_partials,
    recovery_lock,
)


def _record(number: int, **changes: object) -> dict[str, object]:
    url = f"https://example.com/story/{number}"
    record: dict[str, object] = {
        "id": str(number),
        "url": url,
        "canonical_url": url,
        "text": f"Story {number}.",
        "crawled_at": "2024-03-07T12:00:00+00:00",
    }
    record.update(changes)
    return record


def _line(record: dict[str, object]) -> str:
    return json.dumps(record) + "\n"


def test_file_appears_only_when_closed(tmp_path: Path) -> None:
    final = tmp_path / "run" / "a.jsonl"
    writer = JsonlWriter(final)
    writer.write({"id": "1", "text": "Zürich — ok"})
    writer.sync()
    assert not final.exists()
    assert writer.part_path.exists()
    assert writer.close() == final
    assert not writer.part_path.exists()
    assert [json.loads(line) for line in final.read_text("utf-8").splitlines()] == [
        {"id": "1", "text": "Zürich — ok"}
    ]
    assert "Zürich" in final.read_text("utf-8")  # UTF-8, not \\u escapes


def test_empty_run_leaves_no_file(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path / "a.jsonl")
    assert writer.close() is None
    assert list(tmp_path.iterdir()) == []


def test_recovery_cuts_the_partial_line_and_renames(tmp_path: Path) -> None:
    part = tmp_path / "a.jsonl.part"
    part.write_text(_line(_record(1)) + _line(_record(2)) + '{"id": "3", "te', "utf-8")
    ((final, records),) = recover_partials(tmp_path)
    assert final == tmp_path / "a.jsonl"
    assert records == [_record(1), _record(2)]
    assert final.read_text("utf-8") == _line(_record(1)) + _line(_record(2))
    assert not quarantined(final).exists()  # a crash's torn last line is no bad record
    assert not part.exists()


def test_recovery_removes_empty_partials(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.part").write_text('{"id": "1", "te', "utf-8")
    assert recover_partials(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_recovery_leaves_a_live_runs_file_alone(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path / "a.jsonl")
    writer.write(_record(1))
    assert recover_partials(tmp_path) == []
    assert writer.part_path.exists()
    writer.close()


def _write_forever(path: str, ready: multiprocessing.synchronize.Event) -> None:
    writer = JsonlWriter(Path(path))
    for number in range(10):
        writer.write(_record(number))
    ready.set()
    while True:
        writer.write(_record(10, text="x" * 100))


def test_recovery_after_sigkill(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_write_forever, args=(str(tmp_path / "a.jsonl"), ready))
    process.start()
    assert ready.wait(30)
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    ((final, records),) = recover_partials(tmp_path)
    assert [r["id"] for r in records[:10]] == [str(n) for n in range(10)]
    assert all(line.endswith("}") for line in final.read_text("utf-8").splitlines())


def test_recovery_leaves_other_temporary_files_alone(tmp_path: Path) -> None:
    manifest_tmp = tmp_path / "a.manifest.json.part"
    manifest_tmp.write_text("{\n", "utf-8")
    assert recover_partials(tmp_path) == []
    assert manifest_tmp.read_text("utf-8") == "{\n"


def test_recovery_quarantines_bad_lines_and_keeps_the_good_ones(tmp_path: Path) -> None:
    good = [_record(1), _record(3), _record(5)]
    lines = [
        _line(good[0]),
        "this is not JSON\n",
        _line(good[1]),
        _line(_record(4, mood="cheerful")),
        _line(_record(6, published="yesterday")),
        b"\xff\xfe\n".decode("latin-1"),
        _line(good[2]),
    ]
    part = tmp_path / "a.jsonl.part"
    part.write_text("".join(lines), "latin-1")
    ((final, records),) = recover_partials(tmp_path)
    assert records == good
    assert [json.loads(line) for line in final.read_text("utf-8").splitlines()] == good
    assert not part.exists()
    rejects = [json.loads(line) for line in quarantined(final).read_text("utf-8").splitlines()]
    assert [(r["line"], r["reason"].split(" (")[0]) for r in rejects] == [
        (2, "not JSON"),
        (4, "unknown field mood"),
        (5, "bad date in published: 'yesterday'"),
        (6, "not UTF-8"),
    ]
    assert rejects[0]["content"] == "this is not JSON"
    assert recover_partials(tmp_path) == []  # nothing left to recover, nothing crashes


def test_recovery_of_only_bad_lines_leaves_no_final_file(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.part").write_text("[1, 2]\n", "utf-8")
    assert recover_partials(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl.quarantine"]


def test_record_problem_names_what_is_wrong() -> None:
    assert record_problem(_record(1)) is None
    assert record_problem(_record(1, lastmod=None, published="2024-03-07")) is None
    assert record_problem([]) == "not a JSON object"
    assert record_problem({**_record(1), "url": ""}) == "missing url"
    assert record_problem(_record(1, revision="2")) == "bad revision: '2'"
    assert record_problem(_record(1, lastmod=20240307)) == "bad date in lastmod: 20240307"
    assert record_problem(_record(1, text=None)) == "text is not a string"


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, allowed: int) -> None:
    """Let `allowed` more bytes reach the file, then fail as a full disk does."""
    real_write = os.write
    budget = [allowed]

    def write(fd: int, data: bytes | memoryview) -> int:
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = real_write(fd, bytes(data[: budget[0]]))
        budget[0] -= written
        return written

    monkeypatch.setattr("newscrawl.exporters.os.write", write)


def test_a_write_on_a_full_disk_leaves_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = JsonlWriter(tmp_path / "a.jsonl")
    writer.write(_record(1))
    _fill_disk_after(monkeypatch, 10)
    with pytest.raises(OSError, match="No space left"):
        writer.write(_record(2))
    assert writer.part_path.read_text("utf-8") == _line(_record(1))  # the torn line is cut
    monkeypatch.undo()  # space freed
    writer.write(_record(3))
    assert writer.count == 2
    final = writer.close()
    assert final is not None
    assert [json.loads(line)["id"] for line in final.read_text("utf-8").splitlines()] == ["1", "3"]


def test_a_writer_whose_part_is_taken_by_a_recovery_makes_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run's recovery removes the new, empty `.part` before its writer locks it."""
    real_flock = fcntl.flock
    raced = []

    def flock(fd: int, operation: int) -> None:
        if not raced:
            raced.append(fd)
            assert recover_partials(tmp_path) == []  # unlocked and empty: taken for a dead one
        real_flock(fd, operation)

    monkeypatch.setattr("newscrawl.exporters.fcntl.flock", flock)
    writer = JsonlWriter(tmp_path / "a.jsonl")
    monkeypatch.undo()
    writer.write(_record(1))
    assert raced
    assert recover_partials(tmp_path) == []  # the live file is locked
    assert writer.close() == tmp_path / "a.jsonl"
    assert (tmp_path / "a.jsonl").read_text("utf-8") == _line(_record(1))


def _recover_and_write(directory: str, name: str, barrier: Any, found: Any) -> None:
    """One starting run: recover the folder, then write one record of its own."""
    barrier.wait()
    with recovery_lock(Path(directory)):
        for _, records in recover_partials(Path(directory)):
            found.extend([record["id"] for record in records])
    writer = JsonlWriter(Path(directory) / f"{name}.jsonl")
    writer.write(_record(0, id=name))
    writer.close()


def test_runs_starting_together_recover_each_dead_record_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for attempt in range(20):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        dead = [_record(n, id=f"dead{n}") for n in range(3)]
        (folder / "dead.jsonl.part").write_text("".join(map(_line, dead)), "utf-8")
        barrier = context.Barrier(4)
        with context.Manager() as manager:
            found = manager.list()
            runs = [
                context.Process(
                    target=_recover_and_write, args=(str(folder), f"run{n}", barrier, found)
                )
                for n in range(4)
            ]
            for run in runs:
                run.start()
            for run in runs:
                run.join(30)
                assert run.exitcode == 0
            assert sorted(found) == ["dead0", "dead1", "dead2"]
        ids = sorted(
            json.loads(line)["id"]
            for path in folder.glob("*.jsonl")
            for line in path.read_text("utf-8").splitlines()
        )
        assert ids == ["dead0", "dead1", "dead2", "run0", "run1", "run2", "run3"]
        assert list(folder.glob("*.part")) == []
