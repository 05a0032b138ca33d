"""The run: one crawl's identity, output, dedup store and manifest, owned by one extension.

`Run` is a Scrapy extension: the middleware and the pipelines reach it with
`crawler.get_extension(Run)`. It is built before them with the crawler, validates the run's
settings, and owns the lifetime of what they share:

- when the spider opens: the dedup store is opened, and records of crashed runs' `.part` files
  are recovered into place and marked written;
- when the spider closes: the store is flushed and closed (whatever pipelines are enabled), and
  the manifest listing the files written is written beside them.

Scrapy closes pipelines before it sends `spider_closed`, and opens them before `spider_opened`:
the writer registers its file with `add_file` when it closes, and writes only items, which
flow once the spider is open.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import CloseSpider

from newscrawl.dedup.deduplicator import Deduplicator, NearDupParams, Verdict
from newscrawl.dedup.stores import (
    StoreUrlError,
    check_redis_url,
    check_store_url,
    open_store,
    sqlite_url,
)
from newscrawl.exporters import LineCheck, record_problem, recover_partials, recovery_lock
from newscrawl.items import Article
from newscrawl.manifest import build_manifest, write_json_atomically
from newscrawl.urls import canonicalize_url

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

DEDUP_MODES = ("drop", "mark", "off")
# Lines of crashed runs' `.part` files that recovery could not take back (they are in the
# `<file>.quarantine` files beside them); the exclusion files' recovery counts here too.
QUARANTINED_LINES = "newscrawl/recovery/quarantined_lines"
# Finish reason of a run whose dedup store could not be opened (see `newscrawl.health`).
STORE_UNUSABLE = "store_unusable"


# The project's settings that are read as numbers or switches (by Scrapy's getint, getfloat and
# getbool where they are used), checked at start: a typo is one line and exit code 2, not a
# traceback in the middle of a crawl or, for HEALTH_MAX_ERRORS, after it.
_COUNTS = (
    "OUTPUT_SYNC_EVERY",
    "HEALTH_MAX_ERRORS",
    "CONCURRENT_ITEMS",
    "SITEMAP_MAX_CHILDREN",
    "SITEMAP_MAX_DEPTH",
    "CRON_TIME_LIMIT",
)
_AMOUNTS = ("EXTRACT_TIMEOUT", "ARCHIVE_LEASE", "SHARED_IDLE_CLOSE", "LOG_KEEP_DAYS")
_SWITCHES = ("ALLOW_PRIVATE_ADDRESSES", "EXCLUSIONS_ENABLED")


class SettingsError(ValueError):
    """A run setting with a value newscrawl cannot run with."""


def dedup_mode(settings: BaseSettings) -> str:
    mode = str(settings.get("DEDUP_MODE", "drop")).lower()
    if mode not in DEDUP_MODES:
        raise SettingsError(f"DEDUP_MODE must be one of {', '.join(DEDUP_MODES)}, not {mode!r}")
    return mode


def store_url(settings: BaseSettings) -> str:
    """`DEDUP_STORE`, or an SQLite URL for the deprecated `DEDUP_STORE_PATH` when that is set."""
    legacy = settings.get("DEDUP_STORE_PATH")
    if legacy:
        logger.warning(
            "DEDUP_STORE_PATH is deprecated and will be removed: use -s DEDUP_STORE=%s",
            sqlite_url(str(legacy)),
        )
        return sqlite_url(str(legacy))
    return str(settings.get("DEDUP_STORE"))


def near_dup_params(settings: BaseSettings) -> NearDupParams:
    """Near-duplicate parameters from settings; any not set keeps `NearDupParams`' default."""
    defaults = NearDupParams()
    try:
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
    except ValueError as exc:
        raise SettingsError(f"near-duplicate settings: {exc}") from exc


def check_settings(settings: BaseSettings) -> None:
    """Raise `SettingsError` naming the first run setting that is not usable."""
    dedup_mode(settings)
    near_dup_params(settings)
    try:
        check_store_url(store_url(settings))
    except StoreUrlError as exc:
        raise SettingsError(str(exc)) from exc
    if redis_url := settings.get("REDIS_URL"):
        try:
            check_redis_url(str(redis_url))
        except ValueError as exc:
            raise SettingsError(f"REDIS_URL {redis_url!r}: {exc}") from None
    for name in _COUNTS:
        _check_number(settings, name, settings.getint, "a whole number of at least 0")
    for name in _AMOUNTS:
        _check_number(settings, name, settings.getfloat, "a number of at least 0")
    if settings.get("ARCHIVE_LEASE") is not None and settings.getfloat("ARCHIVE_LEASE") == 0:
        raise SettingsError("ARCHIVE_LEASE must be more than 0 seconds")
    for name in _SWITCHES:
        try:
            settings.getbool(name)
        except ValueError:
            raise SettingsError(
                f"{name} must be True or False (or 1, 0), not {settings.get(name)!r}"
            ) from None
    if settings.get("EXTRACT_WORKERS") not in (None, ""):  # empty: one per core
        _check_number(settings, "EXTRACT_WORKERS", settings.getint, "a whole number of at least 0")
    if (extract_function := settings.get("EXTRACT_FUNCTION")) is not None:
        _check_extract_function(str(extract_function))
    if output_dir := settings.get("OUTPUT_DIR"):
        check_folder("OUTPUT_DIR", Path(output_dir))


def _check_number(
    settings: BaseSettings, name: str, read: Callable[[str], float], what: str
) -> None:
    try:
        value = read(name)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise SettingsError(f"{name} must be {what}, not {settings.get(name)!r}")


def check_folder(name: str, path: Path) -> None:
    """Raise `SettingsError` for a folder setting that cannot be made or written in.

    Nothing is made: a run refused later (an unreachable Redis, exit code 69) leaves nothing.
    """
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise SettingsError(f"{name} {str(path)!r} cannot be made: {str(existing)!r} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SettingsError(f"{name} {str(path)!r}: {str(existing)!r} is not writable")


def _check_extract_function(path: str) -> None:
    """Refuse an `EXTRACT_FUNCTION` whose module cannot be found.

    Only found, not imported: the crawl process never imports the extractor (trafilatura's
    imports take half a second); the workers do. A module without that function still fails
    each page with an ERROR line, and the run exits unhealthy.
    """
    module, _, name = path.rpartition(".")
    try:
        found = bool(module and name) and importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise SettingsError(
            f"EXTRACT_FUNCTION must name a function of an importable module, not {path!r}"
        )


def mark_written(deduplicator: Deduplicator, article: Article, verdict: Verdict) -> None:
    """Record an article in the dedup store, under its canonical URL and the URL it came from.

    The fetched URL is what the next run's download check sees; when it differs from the
    canonical one (a mirror, a syndication path), it is recorded as an alias of the record.
    """
    deduplicator.add(
        id=article.id,
        canonical_url=article.canonical_url,
        text=article.text,
        verdict=verdict,
        lastmod=article.lastmod,
        written_at=article.crawled_at,
    )
    fetched = canonicalize_url(article.url)
    if fetched != article.canonical_url:
        deduplicator.add(
            id=article.id,
            canonical_url=fetched,
            text=article.text,
            verdict=Verdict("exact", duplicate_of=article.id, revision=article.revision),
            lastmod=article.lastmod,
            written_at=article.crawled_at,
        )


def recorded_verdict(article: Article) -> Verdict:
    """The verdict a record was written under, read back from the record itself.

    Exact and near duplicates (written in mark mode) are recorded alike, so "near" stands for both.
    """
    if article.duplicate_of:
        return Verdict("near", duplicate_of=article.duplicate_of, revision=article.revision)
    return Verdict("revision" if article.revision > 1 else "new", revision=article.revision)


def recovery_check(spider: Spider) -> LineCheck:
    """What a recovered line must pass: be a record, and not one the spider says another
    worker wrote since (`written_elsewhere`, the `warc` spider's shared mode)."""
    elsewhere = getattr(spider, "written_elsewhere", None)
    if elsewhere is None:
        return record_problem

    def check(record: object) -> str | None:
        problem = record_problem(record)
        if problem is None and isinstance(record, dict):
            problem = elsewhere(record)
        return problem

    return check


@dataclass(frozen=True)
class RunFile:
    """A file the run wrote, as the manifest lists it."""

    path: Path
    records: int


class Run:
    """One crawl: its id, when it started, where it writes, its store, and what it wrote."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        check_settings(settings)
        assert crawler.spidercls is not None
        self.crawler = crawler
        self.spider_name: str = crawler.spidercls.name
        self.started_at = datetime.now(UTC)
        token = uuid.uuid4().hex[:8]
        self.run_id = f"{self.spider_name}-{self.started_at:%Y%m%dT%H%M%SZ}-{token}"
        self.output_path = Path(
            settings.get("OUTPUT_PATH")
            % {
                "output_dir": settings.get("OUTPUT_DIR"),
                "name": self.spider_name,
                "time": self.started_at.strftime("%Y-%m-%dT%H-%M-%SZ"),
                "token": token,
            }
        )
        self.mode = dedup_mode(settings)
        self.store_url = store_url(settings)
        self.params = near_dup_params(settings)
        self.files: list[RunFile] = []
        # Datelines pages printed apart from their text, by record id, from the extraction stage
        # to the dateline stage: the record has no field for it (it is not written).
        self.printed_datelines: dict[str, str] = {}
        self._deduplicator: Deduplicator | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def deduplicator(self) -> Deduplicator:
        """The open store's deduplicator (from `spider_opened` to `spider_closed`)."""
        if self._deduplicator is None:
            raise RuntimeError("the run's dedup store is not open (the spider is not open)")
        return self._deduplicator

    def add_file(self, path: Path, records: int) -> None:
        self.files.append(RunFile(path, records))

    def spider_opened(self, spider: Spider) -> None:
        try:
            store = open_store(self.store_url)
            self._deduplicator = Deduplicator(store, self.params, content_dedup=self.mode != "off")
        except Exception as exc:  # any store failure at start ends the run the same way
            self.crawler.stats.inc_value(f"newscrawl/{STORE_UNUSABLE}")
            logger.error("Cannot open the dedup store %s: %s", self.store_url, exc)
            raise CloseSpider(STORE_UNUSABLE) from None
        self.recover(recovery_check(spider))

    def recover(self, check: LineCheck = record_problem) -> None:
        """Promote crashed runs' `.part` files of this spider and mark their records written.

        Lines `check` refuses are left out of the recovered file (in its quarantine file).
        """
        stats = self.crawler.stats
        folder = self.output_path.parent
        with recovery_lock(folder):
            for path, records in recover_partials(
                folder, check=check, on_quarantine=self.count_quarantined
            ):
                for record in records:
                    article = Article(**record)
                    mark_written(self.deduplicator, article, recorded_verdict(article))
                self.deduplicator.flush()
                stats.inc_value("newscrawl/recovered_records", len(records))
                logger.warning(
                    "Recovered %d records of an interrupted run into %s", len(records), path
                )

    def count_quarantined(self, path: Path, lines: int) -> None:
        self.crawler.stats.inc_value(QUARANTINED_LINES, lines)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._deduplicator is not None:
            self._deduplicator.flush()
            self._deduplicator.close()
            self._deduplicator = None
        self.write_manifest(reason)

    def manifest_path(self) -> Path:
        return self.output_path.with_name(self.output_path.stem + ".manifest.json")

    def write_manifest(self, reason: str) -> None:
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        manifest = build_manifest(
            run_id=self.run_id,
            spider=self.spider_name,
            started_at=self.started_at,
            files=[(file.path, file.records) for file in self.files],
            stats=stats,
            reason=reason,
            settings=self.output_settings(),
        )
        path = self.manifest_path()
        write_json_atomically(path, manifest)
        logger.info("Run %s: %s (manifest: %s)", self.run_id, manifest["summary"], path)

    def output_settings(self) -> dict[str, Any]:
        """The settings that change what is written, as this run used them."""
        settings = self.crawler.settings
        return {
            "DEDUP_MODE": self.mode,
            "NEAR_DUP": self.params.fingerprint_key,
            "DEDUP_THRESHOLD": self.params.threshold,
            "DEDUP_WINDOW_DAYS": self.params.window_days,
            "DEDUP_UNCHANGED_SIMILARITY": self.params.unchanged_similarity,
            "DOWNLOAD_MAXSIZE": settings.get("DOWNLOAD_MAXSIZE"),
            "ROBOTSTXT_OBEY": settings.get("ROBOTSTXT_OBEY"),
        }


def run_of(crawler: Crawler) -> Run:
    """The crawler's `Run` extension; raises when the settings do not enable it."""
    run = crawler.get_extension(Run)
    if run is None:
        raise RuntimeError("newscrawl.run.Run is not in EXTENSIONS: the stages need it")
    return run
