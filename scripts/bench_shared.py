"""Shared mode against single-host mode on the same real pages (`make bench-shared`).

The real-page archive of `make bench` is split into `--parts` archives (whole gzip members, so
every record stays byte for byte as it was). Then, alternately, best of `--repeat`:

- single host: one `scrapy crawl warc` over all parts, SQLite store, `EXTRACT_WORKERS=2`;
- shared: two `scrapy crawl warc` processes started together, one extraction worker each, on
  one `redis-server` (frontier, archive queue and dedup store), each with its own folders.

Printed per mode: wall time from the first spawn to the last exit, pages written per second over
that time, CPU of the process trees (and of redis-server), and the ratio shared / single host
(target: within 10 %, so >= 0.9). Both modes write every page (`DEDUP_MODE=mark`).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from devtools.redis_server import RedisServer
from scripts.bench import (
    BENCH_DIR,
    DEFAULT_EVAL_DIR,
    Measured,
    fresh_folder,
    load,
    run_measured,
    settings_argv,
)
from scripts.bench_pages import ensure_real_warc

TARGET = 0.9  # shared throughput / single-host throughput


def split_archive(source: Path, parts: int, folder: Path) -> list[Path]:
    """Deal the response records of `source` round robin into `parts` archives in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{index}.warc.gz" for index in range(parts)]
    data = source.read_bytes()
    members: list[tuple[int, int]] = []  # offset and length of each response's gzip member
    records = ArchiveIterator(io.BytesIO(data))
    for record in records:
        if record.rec_type == "response":
            members.append((records.get_record_offset(), records.get_record_length()))
    for index, path in enumerate(paths):
        path.write_bytes(
            b"".join(data[start : start + size] for start, size in members[index::parts])
        )
    return paths


def host_settings(folder: Path) -> dict[str, object]:
    return {
        "OUTPUT_DIR": folder / "output",
        "LOG_DIR": folder / "logs",
        "LOCK_DIR": folder / "locks",
        "LOG_FILE": folder / "log",
        "DEDUP_MODE": "mark",
    }


@dataclass
class Outcome:
    wall: float
    cpu: float
    written: int
    server_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.written / self.wall


def written(folder: Path) -> int:
    manifests = sorted(folder.glob("output/warc*/*.manifest.json"))
    if not manifests:
        raise SystemExit(f"bench-shared: no manifest under {folder}; see {folder / 'log'}")
    total = 0
    for path in manifests:
        manifest = json.loads(path.read_text("utf-8"))
        if manifest["uncounted_errors"]:
            raise SystemExit(f"bench-shared: uncounted ERROR lines in {path}")
        total += manifest["written"]
    return total


def crawl(parts: list[Path], folder: Path, settings: dict[str, object]) -> list[str]:
    paths = ",".join(str(path) for path in parts)
    argv = [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"path={paths}"]
    return argv + settings_argv({**host_settings(folder), **settings})


def single_host(parts: list[Path], label: str) -> Outcome:
    folder = fresh_folder(label)
    store = {"DEDUP_STORE": f"sqlite:///{folder / 'dedup.sqlite'}", "EXTRACT_WORKERS": 2}
    measured = run_measured(crawl(parts, folder, store), folder)
    if measured.returncode != 0:
        raise SystemExit(f"bench-shared: the single-host crawl failed; see {folder}")
    return Outcome(measured.wall, measured.cpu_total, written(folder))


def shared(parts: list[Path], label: str) -> Outcome:
    folder = fresh_folder(label)
    server = RedisServer(folder / "redis").start()
    try:
        client = server.client()
        settings = {"REDIS_URL": server.url, "EXTRACT_WORKERS": 1}
        hosts = [folder / "host-a", folder / "host-b"]
        results: dict[Path, Measured] = {}

        def run(host: Path) -> None:
            host.mkdir()
            results[host] = run_measured(crawl(parts, host, settings), host)

        threads = [threading.Thread(target=run, args=(host,)) for host in hosts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = client.info("cpu")
        server_cpu = float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])
        client.close()
    finally:
        server.stop()
    if any(measured.returncode != 0 for measured in results.values()):
        raise SystemExit(f"bench-shared: a shared crawl failed; see {folder}")
    first = min(measured.spawned_at for measured in results.values())
    last = max(measured.spawned_at + measured.wall for measured in results.values())
    cpu = sum(measured.cpu_total for measured in results.values())
    return Outcome(last - first, cpu, sum(written(host) for host in hosts), server_cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--parts", type=int, default=4, help="archives the pages are split into")
    parser.add_argument("--repeat", type=int, default=2, help="runs per mode")
    args = parser.parse_args(argv)
    if not (args.eval_dir / "l3s").is_dir():
        print(f"bench-shared: no real pages at {args.eval_dir}", file=sys.stderr)
        return 2
    load_before = load()
    parts = split_archive(
        ensure_real_warc(args.eval_dir, BENCH_DIR), args.parts, BENCH_DIR / "shared-parts"
    )
    singles, shareds = [], []
    for attempt in range(1, args.repeat + 1):
        print(f"run {attempt}/{args.repeat} ...", file=sys.stderr)
        singles.append(single_host(parts, f"single-{attempt}"))
        shareds.append(shared(parts, f"shared-{attempt}"))
    single, both = max(singles, key=lambda o: o.rate), max(shareds, key=lambda o: o.rate)
    print(f"newscrawl bench-shared: real pages in {args.parts} archives, best of {args.repeat}")
    print(f"load average before: {load_before}, after: {load()}")
    print("                                   wall s  written  pages/s  CPU s (tree)  redis CPU s")
    print(
        f"1 host, 2 extraction workers     {single.wall:8.2f} {single.written:8} "
        f"{single.rate:8.1f} {single.cpu:13.1f}            -"
    )
    print(
        f"2 hosts on Redis, 1 worker each  {both.wall:8.2f} {both.written:8} "
        f"{both.rate:8.1f} {both.cpu:13.1f} {both.server_cpu:12.1f}"
    )
    ratio = both.rate / single.rate
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"throughput ratio shared / single host: {ratio:.2f}  target >= {TARGET}  {verdict}")
    print(
        "each run, pages/s single / shared: "
        + ", ".join(f"{s.rate:.1f} / {b.rate:.1f}" for s, b in zip(singles, shareds, strict=True))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
