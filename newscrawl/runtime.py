"""What the stages of one crawl share: the run's identity, its output file, its dedup store.

Built once per crawler on first use, so the middleware, the pipelines and the manifest
extension see the same objects without reaching into each other.
"""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newscrawl.dedup.deduplicator import Deduplicator, NearDupParams
from newscrawl.dedup.stores import open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

DEDUP_MODES = ("drop", "mark", "off")


@dataclass
class Run:
    """One crawl: its id, when it started, where it writes, and what it wrote."""

    run_id: str
    started_at: datetime
    output_path: Path
    deduplicator: Deduplicator
    mode: str
    files: list[dict[str, object]] = field(default_factory=list)


_RUNS: weakref.WeakKeyDictionary[Crawler, Run] = weakref.WeakKeyDictionary()


def near_dup_params(settings: BaseSettings) -> NearDupParams:
    """Near-duplicate parameters from settings; any not set keeps the library default."""
    defaults = NearDupParams()
    return NearDupParams(
        num_perm=settings.getint("DEDUP_NUM_PERM", defaults.num_perm),
        bands=settings.getint("DEDUP_BANDS", defaults.bands),
        rows=settings.getint("DEDUP_ROWS", defaults.rows),
        threshold=settings.getfloat("DEDUP_THRESHOLD", defaults.threshold),
        shingle_size=settings.getint("DEDUP_SHINGLE_SIZE", defaults.shingle_size),
        window_days=settings.getint("DEDUP_WINDOW_DAYS", defaults.window_days),
        unchanged_similarity=settings.getfloat(
            "DEDUP_UNCHANGED_SIMILARITY", defaults.unchanged_similarity
        ),
    )


def dedup_mode(settings: BaseSettings) -> str:
    mode = settings.get("DEDUP_MODE", "drop").lower()
    if mode not in DEDUP_MODES:
        raise ValueError(f"DEDUP_MODE must be one of {', '.join(DEDUP_MODES)}, not {mode!r}")
    return mode


def get_run(crawler: Crawler) -> Run:
    """The `Run` of this crawler, created on first use."""
    run = _RUNS.get(crawler)
    if run is not None:
        return run
    settings = crawler.settings
    started = datetime.now(UTC)
    assert crawler.spidercls is not None
    name = crawler.spidercls.name
    token = uuid.uuid4().hex[:8]
    output_path = Path(
        settings.get("OUTPUT_PATH")
        % {
            "output_dir": settings.get("OUTPUT_DIR"),
            "name": name,
            "time": started.strftime("%Y-%m-%dT%H-%M-%SZ"),
            "token": token,
        }
    )
    mode = dedup_mode(settings)
    deduplicator = Deduplicator(
        open_store(settings.get("DEDUP_STORE") or settings.get("DEDUP_STORE_PATH")),
        near_dup_params(settings),
        content_dedup=mode != "off",
    )
    run = Run(
        run_id=f"{name}-{started.strftime('%Y%m%dT%H%M%SZ')}-{token}",
        started_at=started,
        output_path=output_path,
        deduplicator=deduplicator,
        mode=mode,
    )
    _RUNS[crawler] = run
    return run
