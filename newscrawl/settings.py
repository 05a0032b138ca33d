"""Scrapy settings for newscrawl: every setting has its home here, with the reason for its value.

Override any of them per run with `-s NAME=VALUE`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from newscrawl import __version__
from newscrawl.fork_server import start_for_scrapy_crawl
from newscrawl.scrapy_defaults import base_without

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
# Items of one callback processed at once (Scrapy's default is 100). The warc spider yields every
# record from one callback and keeps at most this many in flight, each with its body: with 10 MB
# records, 48 bounds them to about 500 MB. An extraction stage that hands pages on in archive
# order has this many pages of room behind a slow page (README "Faults survived").
CONCURRENT_ITEMS = 48
RETRY_TIMES = 2
# A request given up on is counted (retry/max_reached, and by kind in its errback), so it is a
# warning: ERROR lines are kept for what no counter explains (newscrawl.health).
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# Untrusted sitemaps and feeds may list loopback, private or link-local addresses: refused
# (counted as newscrawl/private_address_refused) unless this is True, e.g. for a local mirror.
ALLOW_PRIVATE_ADDRESSES = False
# Sitemap indexes: children read per index (newest lastmod first), and indexes nested in
# indexes. Real news sites list tens of children; a bound stops a hostile index's fan-out.
SITEMAP_MAX_CHILDREN = 500
SITEMAP_MAX_DEPTH = 2
# Scrapy 2.19 ships a RemoteControl extension, on by default, that runs code sent to a local
# port; the telnet console is the older equivalent. Neither belongs on an unattended crawler.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Both are left out of Scrapy's base list rather than set to None in EXTENSIONS, which still
# imports them: RemoteControl's module imports aiohttp (0.16 CPU s of every crawl's start).
# Listed in EXTENSIONS again, each stays off by the setting above unless that is turned on too.
EXTENSIONS_BASE = base_without(
    "EXTENSIONS_BASE",
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
)

# newscrawl.shared_mode: hosts share one Redis when REDIS_URL is set (README "Past one machine").
# newscrawl.fork_server.EarlyForkServer: the extraction workers' fork server starts loading
# while Scrapy builds the crawler.
ADDONS = {"newscrawl.shared_mode.SharedMode": 0, "newscrawl.fork_server.EarlyForkServer": 0}
REDIS_URL = ""
# A worker on the shared frontier closes after this many seconds with nothing to do: long enough
# for another worker to fetch and parse a sitemap index that refills the queue, short enough that
# a cron run ends within a minute of the last page.
SHARED_IDLE_CLOSE = 60
# The warc spider's archive leases (newscrawl.archive_queue): a killed worker's archive is taken
# over this many seconds after its last renewal. At least 1.5 times the store's claim_ttl (120),
# so the dead worker's claims have ended by then and the taker writes what it never confirmed.
ARCHIVE_LEASE = 180
# The shared archive list's name; empty: the spider's name and a digest of the expanded list.
ARCHIVE_CRAWL = ""

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- Stages ----------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First of all: a sitemap or feed cannot point the crawler at its own network.
    "newscrawl.address_guard.PrivateAddressMiddleware": 40,
    # Before the robots/offsite checks' neighbours: a URL already written is never fetched.
    "newscrawl.middlewares.SkipWrittenUrlsMiddleware": 50,
}
ITEM_PIPELINES = {
    "newscrawl.extract_stage.ExtractPipeline": 100,
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
# Where the dedup state lives, as a URL whose scheme picks the store: sqlite:///relative/path
# or sqlite:////absolute/path (embedded, one machine). DEDUP_STORE_PATH=path, the older
# spelling, still works for now and logs a deprecation warning.
DEDUP_STORE = "sqlite:///" + str(PROJECT_DIR / "output" / "dedup.sqlite")
# Near-duplicate parameters (MinHash over word shingles, LSH bands, containment check): each
# of DEDUP_NUM_PERM, DEDUP_BANDS, DEDUP_ROWS, DEDUP_SHINGLE_SIZE, DEDUP_THRESHOLD,
# DEDUP_WINDOW_DAYS and DEDUP_UNCHANGED_SIMILARITY may be set here or with -s; unset, they keep
# the defaults of newscrawl.dedup.deduplicator.NearDupParams, where each default's reason is.

# --- Operation ---------------------------------------------------------------------------------
EXTENSIONS = {
    # The run: its id, output path, dedup store and manifest (newscrawl.run).
    "newscrawl.run.Run": 0,
    # Write `<run>.excluded.jsonl`, every page not written and why (newscrawl.exclusions).
    "newscrawl.exclusions.ExclusionFile": 400,
}
EXCLUSIONS_ENABLED = True
# `scrapy corpus`: the dataset folder (empty: `<OUTPUT_DIR>/corpus`), and records per Parquet
# shard: 50,000 stories are about 100 MB of Parquet, a shard size the Hub and readers handle well.
CORPUS_DIR = ""
CORPUS_SHARD_RECORDS = 50_000
# `scrapy report`: the report folder (empty: `<OUTPUT_DIR>/report`).
REPORT_DIR = ""
LOG_FORMATTER = "newscrawl.logformatter.NewsLogFormatter"
# Extraction worker processes; unset (None) means one per core, 0 extracts in the crawl process.
EXTRACT_WORKERS = None
# The function that turns a page's bytes into extracted fields (`newscrawl.pagereader.read_page`
# signature); swap it to plug in another extractor. It must be importable by worker processes.
EXTRACT_FUNCTION = "newscrawl.pagereader.read_page"
# CPU seconds a worker may spend on one page before it is dropped (`extraction_timeout`); 0 for
# no limit. Pages take tens of milliseconds; only pathological markup comes near this. A worker
# that gives no answer for EXTRACT_TIMEOUT + max(10, EXTRACT_TIMEOUT / 2) seconds of wall time (a
# hang in C code, with signals blocked) is killed by the crawl process and replaced.
EXTRACT_TIMEOUT = 60
# A crawl with more ERROR log lines than this exits non-zero (see newscrawl.health).
HEALTH_MAX_ERRORS = 50
# `scrapy cronrun`: seconds after which a run stops gracefully; keep it below the cron interval.
CRON_TIME_LIMIT = 15 * 60
LOG_DIR = str(PROJECT_DIR / "output" / "logs")
LOCK_DIR = str(PROJECT_DIR / "output" / "locks")
# `scrapy cronrun` deletes a spider's run logs older than this many days (0 keeps them all).
LOG_KEEP_DAYS = 30

# `scrapy crawl` imports this module before Scrapy's command modules and its command line: the
# extraction workers' fork server, whose preload is the longest step before the first record,
# starts here 0.1-0.25 s sooner than the crawl command could start it.
start_for_scrapy_crawl(sys.argv, globals())
