"""Scrapy settings for newscrawl: every setting has its home here, with the reason for its value.

Override any of them per run with `-s NAME=VALUE`.
"""

from __future__ import annotations

from pathlib import Path

from newscrawl import __version__

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

PROJECT_DIR = Path(__file__).resolve().parent.parent

# --- Politeness and safety -------------------------------------------------------------------
# An honest user agent: site operators can see who we are and where to read about us.
USER_AGENT = (
    f"newscrawl/{__version__} (+https://github.com/newscrawl/newscrawl; news research crawler)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to one domain before AutoThrottle adapts it
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # one request in flight per site on average
DOWNLOAD_TIMEOUT = 30
# News pages are well under 2 MB; anything far larger is not an article (or is an attack).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
# Scrapy 2.19 ships a RemoteControl extension, on by default, that runs code sent to a local
# port; the telnet console is the older equivalent. Neither belongs on an unattended crawler.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}

# newscrawl.shared_mode: hosts share one Redis when REDIS_URL is set (README "Past one machine").
ADDONS = {"newscrawl.shared_mode.SharedMode": 0}
REDIS_URL = ""
# A worker on the shared frontier closes after this many seconds with nothing to do: long enough
# for another worker to fetch and parse a sitemap index that refills the queue, short enough that
# a cron run ends within a minute of the last page.
SHARED_IDLE_CLOSE = 60

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- Stages ----------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Before the robots/offsite checks' neighbours: a URL already written is never fetched.
    "newscrawl.middlewares.SkipWrittenUrlsMiddleware": 50,
}
ITEM_PIPELINES = {
    "newscrawl.pipelines.ExtractPipeline": 100,
    "newscrawl.pipelines.DatelinePipeline": 200,
    "newscrawl.pipelines.EnrichPipeline": 300,
    "newscrawl.pipelines.DedupPipeline": 400,
    "newscrawl.pipelines.WriteJsonlPipeline": 900,
}

# --- newscrawl ---------------------------------------------------------------------------------
OUTPUT_DIR = str(PROJECT_DIR / "output")
# Where each run's JSONL lands: %(name)s is the spider, %(time)s the run's start (UTC) and
# %(token)s a random suffix, so two runs started in the same second never share a file.
OUTPUT_PATH = "%(output_dir)s/%(name)s/%(time)s-%(token)s.jsonl"
# Records are flushed to disk (fsync) and marked seen in the dedup store every this many records.
OUTPUT_SYNC_EVERY = 50

# drop: content duplicates are dropped; mark: written with duplicate_of; off: no content dedup.
DEDUP_MODE = "drop"
DEDUP_STORE_PATH = str(PROJECT_DIR / "output" / "dedup.sqlite")
# Near-duplicates: MinHash over word shingles, LSH bands for candidates, containment to verify.
# 128 one-byte MinHash values estimate Jaccard to about +-0.044 for 128 bytes per document.
DEDUP_NUM_PERM = 128
# 16 bands of 2 rows find a pair with probability 1-(1-J^2)^16: 99% at Jaccard 0.5, the
# similarity of a wire copy trimmed to half. Explicit, never derived from a threshold.
DEDUP_BANDS = 16
DEDUP_ROWS = 2
# Word 5-grams: unrelated stories rarely share one; a copy edit changes only a few.
DEDUP_SHINGLE_SIZE = 5
# Containment (overlap / shorter text): trimmed copies stay near 1.0 while their Jaccard
# falls to 0.6; different stories about one event rarely share half their text.
DEDUP_THRESHOLD = 0.8
# Days a text stays a near-duplicate target; URL and exact-text keys are kept for good.
DEDUP_WINDOW_DAYS = 90
# A re-crawl of a written URL at least this similar (estimated Jaccard) is unchanged, not a
# new revision: a fixed typo or leaked page furniture is not news.
DEDUP_UNCHANGED_SIMILARITY = 0.95

# --- Operation ---------------------------------------------------------------------------------
EXTENSIONS["newscrawl.manifest.RunManifest"] = 500
LOG_FORMATTER = "newscrawl.logformatter.NewsLogFormatter"
# Extraction worker processes; unset (None) means one per core, 0 extracts in the crawl process.
EXTRACT_WORKERS = None
# The function that turns a page's bytes into extracted fields (`newscrawl.pagereader.read_page`
# signature); swap it to plug in another extractor. It must be importable by worker processes.
EXTRACT_FUNCTION = "newscrawl.pagereader.read_page"
# Seconds a worker may spend on one page before it is dropped (`extraction_timeout`); 0 for no
# limit. Pages take tens of milliseconds; only pathological markup comes near this.
EXTRACT_TIMEOUT = 60
# A crawl with more ERROR log lines than this exits non-zero (see newscrawl.health).
HEALTH_MAX_ERRORS = 50
# `scrapy cronrun`: seconds after which a run stops gracefully; keep it below the cron interval.
CRON_TIME_LIMIT = 15 * 60
LOG_DIR = str(PROJECT_DIR / "output" / "logs")
LOCK_DIR = str(PROJECT_DIR / "output" / "locks")
# `scrapy cronrun` deletes a spider's run logs older than this many days (0 keeps them all).
LOG_KEEP_DAYS = 30
