from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path

from newscrawl.exporters import JsonlWriter, recover_partials


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
    part.write_text('{"id": "1"}\n{"id": "2"}\n{"id": "3", "te', "utf-8")
    ((final, records),) = recover_partials(tmp_path)
    assert final == tmp_path / "a.jsonl"
    assert records == [{"id": "1"}, {"id": "2"}]
    assert final.read_text("utf-8") == '{"id": "1"}\n{"id": "2"}\n'
    assert not part.exists()


def test_recovery_removes_empty_partials(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.part").write_text('{"id": "1", "te', "utf-8")
    assert recover_partials(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_recovery_leaves_a_live_runs_file_alone(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path / "a.jsonl")
    writer.write({"id": "1"})
    assert recover_partials(tmp_path) == []
    assert writer.part_path.exists()
    writer.close()


def _write_forever(path: str, ready: multiprocessing.synchronize.Event) -> None:
    writer = JsonlWriter(Path(path))
    for number in range(10):
        writer.write({"id": str(number)})
    ready.set()
    while True:
        writer.write({"id": "x" * 100})


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
