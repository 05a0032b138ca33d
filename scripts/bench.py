"""`make bench`: newscrawl end to end against a plain trafilatura loop, on real pages.

    python -m scripts.bench [--eval-dir ../shared/eval] [--repeat 3] [--workers 2]
                            [--pages 1000] [--scales 1,4,10] [--skip-scale] [--profile] [--pair]

What is measured, and how:

- **Main figures: real pages.** A `.warc.gz` of every page of the eval set (aeb, fundus, l3s;
  `scripts/bench_pages.py`), built at bench time and cached under `.bench/` (git-ignored). No
  eval set: a clear message and exit 2.
- **Plain loop** (the baseline): one process reads the same WARC with warcio, decodes each HTML
  response body as UTF-8 and calls `trafilatura.bare_extraction` with the project's options.
- **newscrawl**: `scrapy crawl warc -s DEDUP_MODE=mark` (every page extracted and written) with
  `--workers` extraction workers (2), to JSONL in a fresh output folder and dedup store, logging
  at DEBUG for one timestamped "Wrote"/"Dropped" line per page.
- The two alternate `--repeat` times in one run; the best (fastest) run of each is reported.
  Pages per second *with start-up*: spawn to exit. *Without*: over the second half of the pages,
  from the time each page was done.
- **CPU** of the whole process tree (the crawl, the workers' fork server, the workers), split
  into the crawl process, its descendants, and start-up (spawn to the first page done, from the
  tree's CPU samples); **peak RSS** = the highest sum of VmRSS over the tree, sampled from /proc
  every 0.2 s; the **CPU other processes used** meanwhile = /proc/stat busy time minus the tree's
  (on a virtual machine that includes steal: time the host gave to its other guests).
- **Two plain loops at once** (`--pair`, after each attempt): what running two CPU-bound
  processes side by side costs on this machine (shared caches, a host's sibling hyperthreads):
  their CPU per page against the lone loop's of the same attempts. newscrawl's two workers pay
  it too, so it tells how much of a CPU-per-page excess is the machine's. Reported, not judged.
- **Cost at scale:** newscrawl alone on generated pages (`devtools.warcgen`) at `--scales`
  multiples of `--pages`: CPU per page after start-up within 10 % and peak RSS within 20 % of
  the 1x run (the whole run's CPU per page is printed too; see `scale_rows`).

The machine may be shared: absolute times depend on it, so the targets are same-run ratios and
CPU per page. Exits 1 when a target is missed, 0 when all pass.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from devtools import warcgen
from devtools.mocksite.site import SITES_DIR
from scripts.bench_pages import ensure_real_warc

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / ".bench"  # git-ignored: cached archives and the last runs' outputs
RUNS_DIR = BENCH_DIR / "runs"

DEFAULT_EVAL_DIR = PROJECT_DIR.parent / "shared" / "eval"
DEFAULT_PAGES = 1000  # generated pages of the 1x scale run
DEFAULT_SCALES = "1,4,10"
DEFAULT_REPEAT = 3  # the machine is shared and noisy: best of this many interleaved runs
DEFAULT_WORKERS = 2
DEFAULT_SEED = 0
TARGET_RATIO = 1.8  # newscrawl pages/s over plain-loop pages/s, start-up included, 2 cores
MAX_CPU_RATIO = 1.05  # newscrawl's whole-tree CPU per page over the plain loop's
MAX_STARTUP = 1.0  # seconds from spawn to newscrawl's first record
MAX_CPU_DRIFT = 0.10  # CPU per page at 4x and 10x: within 10 % of 1x
MAX_MEMORY_DRIFT = 0.20  # peak RSS at 4x and 10x: within 20 % of 1x
SAMPLE_INTERVAL = 0.2  # seconds between two /proc samples of the process tree
MIB = 1024 * 1024
LOG_TAIL_LINES = 30  # log lines shown when a crawl fails
MIN_PAGES = 4  # a run with fewer pages done has no second half to time

# The plain loop uses the project's trafilatura options (newscrawl.extraction), with trafilatura's
# own metadata extraction: that is how trafilatura alone gives the title, authors and date a
# record has (newscrawl reads only those fields: newscrawl.article_metadata). Written out, not
# imported: importing newscrawl.extraction would add its modules to the baseline's start-up
# (tests/test_bench.py keeps the two in step).
PLAIN_OPTIONS = {
    "include_comments": False,
    "include_images": False,
    "favor_precision": True,
    "with_metadata": True,
    "deduplicate": False,
}
# Epoch seconds with milliseconds first on every log line: comparable with the spawn time.
CRAWL_LOG_FORMAT = "%(created).3f [%(name)s] %(levelname)s: %(message)s"
# One line per page that went through the pipelines: written (DEBUG) or dropped (any level).
PAGE_DONE_RE = re.compile(r"^(\d+\.\d+) \[[^\]]*\] [A-Z]+: (?:Wrote|Dropped) ", re.M)
SPIDER_OPENED_RE = re.compile(r"^(\d+\.\d+) \[scrapy\.core\.engine\] INFO: Spider opened", re.M)
PAGES_READ_RE = re.compile(r"'newscrawl/warc/page': (\d+)")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- the archive -----------------------------------------------------------------------------


def warc_path(pages: int, seed: int, generator_source: bytes) -> Path:
    """Where the archive of `pages` pages for `seed` is cached.

    >>> warc_path(1000, 0, b"v1").name
    'pages-1000-seed-0-3bfc2695.warc.gz'
    """
    digest = hashlib.sha256(generator_source).hexdigest()[:8]
    return BENCH_DIR / f"pages-{pages}-seed-{seed}-{digest}.warc.gz"


def ensure_warc(pages: int, seed: int) -> Path:
    """The cached archive, built first (to a temporary name, then renamed) when missing."""
    path = warc_path(pages, seed, generator_source())
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"pages-{pages}-seed-{seed}-*.warc.gz"):
        stale.unlink()  # built by an older generator: never read again
    partial = path.with_name(path.name + ".part")
    warcgen.build_warc(partial, pages, seed)
    os.replace(partial, path)
    return path


def generator_source() -> bytes:
    """The generator's code and the mock-site pages it fills: what the archive's bytes follow."""
    files = [Path(warcgen.__file__), *sorted(SITES_DIR.rglob("*"))]
    return b"".join(path.read_bytes() for path in files if path.is_file())


# -- measuring a process tree ----------------------------------------------------------------


def parse_stat(text: str) -> tuple[int, float]:
    """(parent pid, CPU seconds) from the text of /proc/<pid>/stat.

    The command name may hold spaces and parentheses, so fields are counted after the last ")".

    >>> parse_stat("42 (a b) c) S 7 1 1 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 9 0 0")
    (7, 3.0)
    """
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is stat field 3 (state): ppid is field 4, utime 14, stime 15.
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def parse_vmrss(text: str) -> int:
    """Resident set size in bytes from the text of /proc/<pid>/status (0 for a zombie).

    >>> parse_vmrss("Name:\\tpython\\nVmRSS:\\t  2048 kB\\nThreads:\\t1\\n")
    2097152
    """
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) * 1024 if match else 0


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read()
    except OSError:  # the process ended between listing and reading
        return None


def process_tree(root: int) -> dict[int, float]:
    """CPU seconds of `root` and every live descendant, by pid (no /proc/*/children here)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        text = _read(f"/proc/{entry}/stat")
        if text:
            parents[int(entry)], cpu[int(entry)] = parse_stat(text)
    tree = {root} if root in cpu else set()
    frontier = set(tree)
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return {pid: cpu[pid] for pid in tree}


def machine_busy_seconds(stat: str) -> float:
    """CPU seconds all processes of the machine have used since boot, from /proc/stat.

    Steal counts as used: on a virtual machine it is time the host ran other guests instead.

    >>> machine_busy_seconds("cpu  100 0 50 900 30 0 10 0 0 0\\ncpu0 1 2 3\\n") * CLOCK_TICKS
    160.0
    """
    fields = [int(value) for value in stat.split("\n", 1)[0].split()[1:9]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields) - idle - iowait) / CLOCK_TICKS


def rss(pid: int) -> int:
    """VmRSS of one process in bytes; 0 once it is gone."""
    return parse_vmrss(_read(f"/proc/{pid}/status") or "")


@dataclass
class Measured:
    """One subprocess run: when it started, how long it ran, its tree's peak memory and CPU."""

    spawned_at: float  # epoch seconds, comparable with the crawl log's timestamps
    wall: float
    peak_rss: int  # highest sum over the tree
    peak_main_rss: int  # highest of the main process alone
    cpu_main: float
    cpu_total: float
    returncode: int
    cpu_others: float = 0.0  # CPU seconds used meanwhile by processes outside the tree
    samples: list[tuple[float, float]] = field(default_factory=list)  # (epoch, tree CPU s)

    def cpu_at(self, moment: float) -> float:
        """Tree CPU seconds used from spawn to `moment` (epoch), from the nearest samples.

        >>> m = Measured(10.0, 4.0, 0, 0, 1.0, 3.0, 0, samples=[(10.2, 0.1), (10.4, 0.5)])
        >>> round(m.cpu_at(10.3), 6), m.cpu_at(9.0), m.cpu_at(20.0)
        (0.3, 0.0, 0.5)
        """
        before = [(t, cpu) for t, cpu in self.samples if t <= moment]
        after = [(t, cpu) for t, cpu in self.samples if t > moment]
        if not before:
            return 0.0
        if not after:
            return before[-1][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 + (c1 - c0) * (moment - t0) / (t1 - t0)

    @property
    def others_cores(self) -> float:
        return self.cpu_others / self.wall

    @property
    def cpu_children(self) -> float:
        return self.cpu_total - self.cpu_main


def run_measured(argv: list[str], folder: Path) -> Measured:
    """Run `argv` (output to `folder`/stdout, stderr), sampling its process tree meanwhile."""
    done = threading.Event()
    ended: list[tuple[float, int, float, float]] = []  # end, status, own CPU, reaped tree CPU
    with open(folder / "stdout", "wb") as out, open(folder / "stderr", "wb") as err:
        machine_before = machine_busy_seconds(_read("/proc/stat") or "")
        spawned_at, started = time.time(), time.perf_counter()
        child = subprocess.Popen(argv, cwd=PROJECT_DIR, stdout=out, stderr=err)

    def reap() -> None:
        # A blocking wait in its own thread: the end time is exact, not up to one sample late.
        # The zombie's own CPU is read before it is reaped: wait4 adds only the descendants the
        # process reaped itself, and the extraction workers are the fork server's children.
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        ended_at = time.perf_counter()
        own = parse_stat(_read(f"/proc/{child.pid}/stat") or "0 (x) Z 0" + " 0" * 12)[1]
        _, status, usage = os.wait4(child.pid, 0)
        ended.append((ended_at, status, own, usage.ru_utime + usage.ru_stime))
        done.set()

    threading.Thread(target=reap, daemon=True).start()
    peak = peak_main = 0
    last_cpu: dict[int, float] = {}
    samples: list[tuple[float, float]] = []
    while not done.is_set():
        tree = process_tree(child.pid)
        sizes = {pid: rss(pid) for pid in tree}
        peak = max(peak, sum(sizes.values()))
        peak_main = max(peak_main, sizes.get(child.pid, 0))
        last_cpu.update(tree)
        samples.append((time.time(), sum(last_cpu.values())))  # ended children count too
        done.wait(SAMPLE_INTERVAL)
    end, status, cpu_main, cpu_reaped = ended[0]
    machine = machine_busy_seconds(_read("/proc/stat") or "") - machine_before
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped above, not by Popen
    # Descendants: what wait4 counted (those the process reaped) or their last samples (those
    # it never reaped), whichever is larger; a descendant's CPU after its last sample (at most
    # one interval) is missed when it was not reaped.
    sampled = sum(cpu for pid, cpu in last_cpu.items() if pid != child.pid)
    cpu_total = cpu_main + max(cpu_reaped - cpu_main, sampled)
    return Measured(
        spawned_at=spawned_at,
        wall=end - started,
        peak_rss=peak,
        peak_main_rss=peak_main,
        cpu_main=cpu_main,
        cpu_total=cpu_total,
        returncode=child.returncode,
        cpu_others=max(0.0, machine - cpu_total),
        samples=samples,
    )


# -- the two sides ---------------------------------------------------------------------------


@dataclass
class Result:
    """One side's figures for one run, from its measurement and the times its pages were done."""

    pages: int  # read from the archive
    measured: Measured
    done: list[float]  # epoch time at which each page was done, in order
    opened: float | None = None  # newscrawl: spawn to the engine's "Spider opened"
    written: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.pages / self.measured.wall

    @property
    def before(self) -> float:
        return self.done[0] - self.measured.spawned_at

    @property
    def steady(self) -> float:
        return self.done[-1] - self.done[0]

    @property
    def after(self) -> float:
        return self.measured.spawned_at + self.measured.wall - self.done[-1]

    @property
    def startup_cpu(self) -> float:
        """Tree CPU seconds from spawn to the first page done."""
        return self.measured.cpu_at(self.done[0])

    @property
    def cpu_per_page(self) -> float:
        return self.measured.cpu_total / self.pages

    @property
    def cpu_per_page_after_start_up(self) -> float:
        """Tree CPU from the first page done to the end, per page after the first."""
        return (self.measured.cpu_total - self.startup_cpu) / max(self.pages - 1, 1)

    @property
    def second_half_rate(self) -> float:
        """Pages per second over the second half of the pages: start-up effects are long gone."""
        half = len(self.done) // 2
        return (len(self.done) - 1 - half) / (self.done[-1] - self.done[half])


def plain_loop(path: Path) -> list[float]:
    """The baseline: warcio + `bare_extraction` over every HTML 200 response.

    Returns the epoch time at which each page was done.
    """
    # Imported here, in the plain-loop subprocess only, so their cost is that side's start-up.
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    done: list[float] = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            http = record.http_headers
            if record.rec_type != "response" or http is None or http.get_statuscode() != "200":
                continue
            if "html" not in (http.get_header("Content-Type") or ""):
                continue
            html = record.content_stream().read().decode("utf-8", errors="replace")
            url = record.rec_headers.get_header("WARC-Target-URI")
            trafilatura.bare_extraction(html, url=url, **PLAIN_OPTIONS)
            done.append(time.time())
    return done


def fresh_folder(label: str) -> Path:
    folder = RUNS_DIR / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def run_plain_pair(warc: Path, label: str) -> list[Result]:
    """Two plain loops started together, each measured as `run_plain` measures one."""
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run_plain, [warc, warc], [f"{label}-a", f"{label}-b"]))


def pair_line(alone: list[Result], paired: list[Result]) -> str:
    """Mean CPU per page of the paired loops against the mean of the lone ones.

    >>> alone = [Result(100, Measured(0, 1, 0, 0, 5.0, 5.0, 0), [1.0])]
    >>> paired = [Result(100, Measured(0, 1, 0, 0, c, c, 0), [1.0]) for c in (5.4, 5.6)]
    >>> pair_line(alone, paired)
    'two plain loops at once: 55.0 CPU ms per page against 50.0 for one alone (1.10x)'
    """
    one = sum(r.cpu_per_page for r in alone) / len(alone)
    two = sum(r.cpu_per_page for r in paired) / len(paired)
    return (
        f"two plain loops at once: {1000 * two:.1f} CPU ms per page against {1000 * one:.1f} "
        f"for one alone ({two / one:.2f}x)"
    )


def run_plain(warc: Path, label: str) -> Result:
    folder = fresh_folder(label)
    measured = run_measured(
        [sys.executable, "-m", "scripts.bench", "--plain-loop", str(warc)], folder
    )
    if measured.returncode != 0:
        raise SystemExit(f"bench: plain loop failed:\n{(folder / 'stderr').read_text()}")
    done = json.loads((folder / "stdout").read_text())
    if len(done) < MIN_PAGES:
        raise SystemExit(f"bench: the plain loop read {len(done)} pages; see {folder}")
    return Result(len(done), measured, done)


def settings_argv(settings: dict[str, object]) -> list[str]:
    """`-s NAME=VALUE` for every setting."""
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def crawl_argv(warc: Path, folder: Path, workers: int, profile: Path | None) -> list[str]:
    argv = [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"path={warc}"]
    settings = {
        "OUTPUT_DIR": folder,
        "DEDUP_STORE": f"sqlite:///{folder / 'dedup.sqlite'}",
        "DEDUP_MODE": "mark",  # every page is extracted and written, duplicates flagged
        "LOG_FILE": folder / "log",
        "LOG_LEVEL": "DEBUG",
        "LOG_FORMAT": CRAWL_LOG_FORMAT,
    }
    settings["EXTRACT_WORKERS"] = workers
    argv += settings_argv(settings)
    if profile is not None:
        argv += ["--profile", str(profile)]
    return argv


def pages_done(log: str) -> list[float]:
    """Epoch times at which pages left the pipelines (written or dropped), in log order.

    >>> pages_done("1.500 [scrapy.core.scraper] DEBUG: Wrote https://a/\\n"
    ...            "2.250 [scrapy.core.scraper] INFO: Dropped https://b/: duplicate_near\\n")
    [1.5, 2.25]
    """
    return [float(stamp) for stamp in PAGE_DONE_RE.findall(log)]


def run_newscrawl(warc: Path, label: str, workers: int, profile: bool) -> Result:
    folder = fresh_folder(label)
    profile_path = folder / "crawl.cprof" if profile else None
    measured = run_measured(crawl_argv(warc, folder, workers, profile_path), folder)
    log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
    manifests = sorted(folder.glob("warc/*.manifest.json"))
    done = pages_done(log)
    pages = PAGES_READ_RE.search(log)
    opened = SPIDER_OPENED_RE.search(log)
    if measured.returncode != 0 or not manifests or len(done) < MIN_PAGES or not (pages and opened):
        tail = "\n".join(log.splitlines()[-LOG_TAIL_LINES:])
        stderr = (folder / "stderr").read_text(errors="replace")
        raise SystemExit(
            f"bench: the crawl failed (exit {measured.returncode}); see {folder}\n{stderr}{tail}"
        )
    manifest = json.loads(manifests[-1].read_text("utf-8"))
    if manifest["finish_reason"] != "finished":
        raise SystemExit(f"bench: the crawl ended with {manifest['finish_reason']}; see {folder}")
    return Result(
        int(pages.group(1)),
        measured,
        sorted(done),
        opened=float(opened.group(1)) - measured.spawned_at,
        written=manifest["written"],
        dropped=manifest["dropped"],
    )


# -- the report ------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def target_line(label: str, value: str, target: str, ok: bool) -> tuple[str, bool]:
    return f"{label:<54} {value:>8}  target {target:<8} {verdict(ok)}", ok


def _dropped(r: Result) -> str:
    if r.written is None:
        return "-"
    reasons = ", ".join(f"{k} {v}" for k, v in r.dropped.items())
    return f"{sum(r.dropped.values())} ({reasons})" if reasons else "0"


def table(columns: list[tuple[str, Result]]) -> str:
    """Every figure of the chosen runs, one column per run."""

    def cells(format_one: Callable[[Result], str]) -> list[str]:
        return [format_one(r) for _, r in columns]

    def optional(value: float | int | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    rows = [
        ("pages read from the archive", cells(lambda r: f"{r.pages:,}")),
        ("records written", cells(lambda r: optional(r.written, ","))),
        ("records dropped", cells(_dropped)),
        ("wall time, spawn to exit (s)", cells(lambda r: f"{r.measured.wall:.2f}")),
        ("  pages/s WITH start-up", cells(lambda r: f"{r.rate:.1f}")),
        ("spawn to first page done (s)", cells(lambda r: f"{r.before:.2f}")),
        ("  of which spawn to 'Spider opened'", cells(lambda r: optional(r.opened, ".2f"))),
        ("first to last page done (s)", cells(lambda r: f"{r.steady:.2f}")),
        ("last page done to exit (s)", cells(lambda r: f"{r.after:.2f}")),
        ("  pages/s WITHOUT start-up [a]", cells(lambda r: f"{r.second_half_rate:.1f}")),
        ("peak RSS, whole process tree (MiB)", cells(lambda r: f"{r.measured.peak_rss / MIB:.0f}")),
        ("peak RSS, main process (MiB)", cells(lambda r: f"{r.measured.peak_main_rss / MIB:.0f}")),
        ("CPU s, whole tree", cells(lambda r: f"{r.measured.cpu_total:.1f}")),
        ("  crawl (main) process", cells(lambda r: f"{r.measured.cpu_main:.1f}")),
        ("  workers (children)", cells(lambda r: f"{r.measured.cpu_children:.1f}")),
        ("  start-up: spawn to first page done", cells(lambda r: f"{r.startup_cpu:.1f}")),
        ("CPU ms per page, whole tree", cells(lambda r: f"{1000 * r.cpu_per_page:.1f}")),
        (
            "cores busy on average (CPU s / wall s)",
            cells(lambda r: f"{r.measured.cpu_total / r.measured.wall:.2f}"),
        ),
        ("other processes meanwhile (CPU s)", cells(lambda r: f"{r.measured.cpu_others:.1f}")),
        ("  as cores", cells(lambda r: f"{r.measured.others_cores:.2f}")),
    ]
    widths = [
        max(len(head), *(len(values[i]) for _, values in rows)) + 2
        for i, (head, _) in enumerate(columns)
    ]
    lines = [f"{'':<40}" + "".join(f"{h:>{w}}" for (h, _), w in zip(columns, widths, strict=True))]
    lines += [
        f"{name:<40}" + "".join(f"{v:>{w}}" for v, w in zip(values, widths, strict=True))
        for name, values in rows
    ]
    return "\n".join(lines)


def attempt_lines(plains: list[Result], crawls: list[Result]) -> list[str]:
    """Each attempt's pair, run back to back: its rates and its own ratios.

    On a machine whose speed drifts, the ratio of one attempt compares runs made under the same
    conditions, where the best of each side may come from different moments.

    >>> plain = Result(100, Measured(0, 10, 0, 0, 5.0, 5.0, 0), [1.0])
    >>> crawl = Result(100, Measured(0, 5, 0, 0, 1.0, 6.0, 0), [1.0])
    >>> attempt_lines([plain], [crawl])  # doctest: +NORMALIZE_WHITESPACE
    ['each run, pages/s with start-up, plain / newscrawl: 10.0 / 20.0',
     'each run, ratio with start-up: 2.00x; CPU per page, newscrawl / plain: 1.20x']
    """
    attempts = list(zip(plains, crawls, strict=True))
    rates = ", ".join(f"{p.rate:.1f} / {c.rate:.1f}" for p, c in attempts)
    ratios = ", ".join(f"{c.rate / p.rate:.2f}x" for p, c in attempts)
    cpu = ", ".join(f"{c.cpu_per_page / p.cpu_per_page:.2f}x" for p, c in attempts)
    return [
        f"each run, pages/s with start-up, plain / newscrawl: {rates}",
        f"each run, ratio with start-up: {ratios}; CPU per page, newscrawl / plain: {cpu}",
    ]


def best(results: list[Result]) -> Result:
    return max(results, key=lambda r: r.rate)


def targets(plain: Result, crawl: Result) -> list[tuple[str, bool]]:
    """The real-page targets: throughput ratio, CPU per page, start-up."""
    cpu = crawl.cpu_per_page / plain.cpu_per_page
    return [
        target_line(
            "pages/s ratio WITH start-up",
            f"{crawl.rate / plain.rate:.2f}x",
            f">= {TARGET_RATIO}x",
            crawl.rate / plain.rate >= TARGET_RATIO,
        ),
        (
            f"{'pages/s ratio WITHOUT start-up [a]':<54} "
            f"{crawl.second_half_rate / plain.second_half_rate:7.2f}x",
            True,
        ),
        target_line(
            "CPU per page, whole tree, newscrawl / plain",
            f"{cpu:.2f}x",
            f"<= {MAX_CPU_RATIO}x",
            cpu <= MAX_CPU_RATIO,
        ),
        target_line(
            "newscrawl start-up: spawn to first record (s)",
            f"{crawl.before:.2f}",
            f"<= {MAX_STARTUP}",
            crawl.before <= MAX_STARTUP,
        ),
    ]


def scale_rows(runs: list[Result]) -> tuple[list[str], bool]:
    """One row per scale run: CPU per page and peak RSS against the smallest run's.

    CPU per page is judged after start-up (the tree's CPU from the first page done to the end,
    over the pages after the first): the start-up, a fixed 2-2.5 CPU s, is a tenth as much per
    page at 10x as at 1x, which would make the larger runs look cheaper per page for no change
    in what a page costs. The whole-run figure is printed beside it.
    """
    base = runs[0]
    lines = [
        f"{'pages':>8} {'wall s':>8} {'CPU ms/page':>12} {'after start-up':>15} {'vs 1x':>7} "
        f"{'peak RSS MiB':>13} {'vs 1x':>7} {'others CPU s':>13}"
    ]
    ok = True
    for run in runs:
        cpu = run.cpu_per_page_after_start_up / base.cpu_per_page_after_start_up
        memory = run.measured.peak_rss / base.measured.peak_rss
        fine = abs(cpu - 1) <= MAX_CPU_DRIFT and abs(memory - 1) <= MAX_MEMORY_DRIFT
        ok = ok and fine
        lines.append(
            f"{run.pages:>8,} {run.measured.wall:>8.1f} {1000 * run.cpu_per_page:>12.1f} "
            f"{1000 * run.cpu_per_page_after_start_up:>15.1f} {cpu:>6.2f}x "
            f"{run.measured.peak_rss / MIB:>13.0f} {memory:>6.2f}x "
            f"{run.measured.cpu_others:>13.1f}  {verdict(fine)}"
        )
    return lines, ok


def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eval-dir", type=Path, default=DEFAULT_EVAL_DIR, help="the real pages (../shared/eval)"
    )
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="runs per side")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="EXTRACT_WORKERS")
    parser.add_argument(
        "--pages", type=int, default=DEFAULT_PAGES, help="generated pages of the 1x scale run"
    )
    parser.add_argument(
        "--scales", default=DEFAULT_SCALES, help="scale runs, multiples of --pages (1,4,10)"
    )
    parser.add_argument("--skip-scale", action="store_true", help="skip the scale runs")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generated archive seed")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the crawl's main process (slower)"
    )
    parser.add_argument(
        "--pair",
        action="store_true",
        help="also run two plain loops at once per attempt: this machine's cost of parallelism",
    )
    parser.add_argument("--plain-loop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.plain_loop is not None:  # the baseline subprocess started by run_plain()
        print(json.dumps(plain_loop(args.plain_loop)))
        return 0
    if not (args.eval_dir / "aeb").is_dir():
        print(
            f"bench: no real pages at {args.eval_dir} (the eval set, ../shared/eval): the main "
            "figures are measured on them; pass --eval-dir DIR",
            file=sys.stderr,
        )
        return 2

    began, load_before = time.perf_counter(), load()
    print("building the real-page archive (cached) ...", file=sys.stderr)
    real = ensure_real_warc(args.eval_dir, BENCH_DIR)
    plains: list[Result] = []
    crawls: list[Result] = []
    pairs: list[Result] = []
    for attempt in range(1, args.repeat + 1):
        print(f"real pages, run {attempt}/{args.repeat} ...", file=sys.stderr)
        plains.append(run_plain(real, f"plain-real-{attempt}"))
        crawls.append(run_newscrawl(real, f"newscrawl-real-{attempt}", args.workers, args.profile))
        if args.pair:
            pairs += run_plain_pair(real, f"plain-pair-{attempt}")
    plain, crawl = best(plains), best(crawls)
    scaled: list[Result] = []
    if not args.skip_scale:
        for factor in (int(value) for value in args.scales.split(",")):
            pages = args.pages * factor
            print(f"generated pages, scale run {factor}x: {pages:,} pages ...", file=sys.stderr)
            warc = ensure_warc(pages, args.seed)
            scaled.append(run_newscrawl(warc, f"newscrawl-{pages}", args.workers, profile=False))

    print(
        f"newscrawl bench: {os.cpu_count()} cores, {args.workers} extraction workers, "
        "DEDUP_MODE=mark"
    )
    print(f"load average 1/5/15 min: {load_before} before, {load()} after")
    print(
        "Absolute times depend on the machine and on what else runs on it: compare the "
        "same-run ratios and CPU per page, and see 'other processes meanwhile'."
    )
    print()
    print(
        f"== real pages: {real.name} ({args.eval_dir}: aeb, fundus, l3s); "
        f"best of {args.repeat} interleaved runs =="
    )
    print(table([("plain loop", plain), ("newscrawl", crawl)]))
    print()
    checks = targets(plain, crawl)
    for line, _ in checks:
        print(line)
    for line in attempt_lines(plains, crawls):
        print(line)
    if pairs:
        print(pair_line(plains, pairs))
    if scaled:
        print()
        print(
            f"== cost at scale: generated pages (devtools.warcgen, seed {args.seed}), newscrawl "
            f"only; targets: CPU per page after start-up within {MAX_CPU_DRIFT:.0%}, peak RSS "
            f"within {MAX_MEMORY_DRIFT:.0%} of the {args.pages:,}-page run =="
        )
        lines, scale_ok = scale_rows(scaled)
        print("\n".join(lines))
        checks.append(("scale", scale_ok))
    print()
    print(
        "[a] over the second half of the pages, from the time each page was done (plain: "
        "reported by the loop; newscrawl: its log's per-page 'Wrote'/'Dropped' lines)"
    )
    if args.profile:
        print(f"cProfile of the crawl's main process: {RUNS_DIR}/newscrawl-real-*/crawl.cprof")
    print(f"outputs and logs: {RUNS_DIR}; bench took {time.perf_counter() - began:.0f} s")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
