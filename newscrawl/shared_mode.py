"""Shared mode: crawls on several hosts share one Redis, turned on by the `REDIS_URL` setting.

`SharedMode` is a Scrapy add-on (`ADDONS`). With `REDIS_URL` empty it changes nothing. Set, it:

- stores dedup state in Redis: `DEDUP_STORE` becomes `REDIS_URL` (unless `DEDUP_STORE` was set
  on the command line), so every host decides against the same URLs, texts and claims;
- shares the request frontier of the discovery spiders (wire, sitemap, feed) through
  scrapy-redis: its scheduler, and its dupefilter keyed by URL and sitemap lastmod
  (`LastmodDupeFilter`), both persistent across runs (a worker that closes must not empty the
  queue the other hosts still work on);
- closes a discovery spider once the shared queue has stayed empty for `SHARED_IDLE_CLOSE`
  seconds (`IdleClose`), so a cron run on every host ends;
- leaves the `warc` spider's scheduler alone: archives are shared by `newscrawl.archive_queue`.

`unreachable` is checked by the `crawl` command before anything starts: a Redis that does not
answer is one line on stderr and exit code `EXIT_UNAVAILABLE`, with nothing written.
"""

from __future__ import annotations

import time
import warnings
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy_redis.dupefilter import RFPDupeFilter

from newscrawl.spiders.base import ARTICLE_META, DiscoverySpider

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings, Settings

# scrapy-redis 0.9.1 passes `spider=` to the stats collector, deprecated since Scrapy 2.15:
# harmless, and one warning per run is noise in every cron log.
warnings.filterwarnings(
    "ignore", "Passing a 'spider' argument", ScrapyDeprecationWarning, "scrapy_redis"
)

# sysexits EX_UNAVAILABLE: a service the crawl needs is down; cron tries again next time.
EXIT_UNAVAILABLE = 69
# Seconds the start-up check waits for a Redis to accept the connection.
PROBE_TIMEOUT = 5

# Keys of the shared frontier; %(spider)s is the spider's name (scrapy-redis fills it in).
QUEUE_KEY = "newscrawl:%(spider)s:requests"
DUPEFILTER_KEY = "newscrawl:%(spider)s:dupefilter"


def redis_urls(settings: BaseSettings) -> list[str]:
    """The Redis servers a crawl with these settings needs (frontier, dedup store)."""
    urls = [settings.get("REDIS_URL") or ""]
    store = settings.get("DEDUP_STORE") or ""
    if urlsplit(store).scheme in ("redis", "rediss"):
        urls.append(store.split("?", 1)[0])
    return list(dict.fromkeys(url for url in urls if url))


def unreachable(settings: BaseSettings) -> str | None:
    """One line saying which Redis does not answer, or None when all that are needed do.

    One try each, without the clients' retries (~30 s of backoff, for a restart mid-crawl):
    a Redis down at start is reported at once, and cron tries again next time.
    """
    for url in redis_urls(settings):
        client = redis.Redis.from_url(
            url, socket_connect_timeout=PROBE_TIMEOUT, retry=Retry(NoBackoff(), 0)
        )
        try:
            client.ping()
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            parts = urlsplit(url)
            where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or '/0'}"
            return f"Redis at {where} is unreachable ({exc}); nothing was crawled"
        finally:
            client.close()
    return None


class SharedMode:
    """The add-on: shared frontier and shared dedup store when `REDIS_URL` is set."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedMode:
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        # "project": over settings.py's SQLite default, under a DEDUP_STORE given with -s
        settings.set("DEDUP_STORE", url, "project")
        spidercls = self.crawler.spidercls
        if spidercls is None or not issubclass(spidercls, DiscoverySpider):
            return
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "newscrawl.shared_mode.LastmodDupeFilter", "addon")
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings.set("SCHEDULER_QUEUE_KEY", QUEUE_KEY, "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", DUPEFILTER_KEY, "addon")
        settings["EXTENSIONS"]["newscrawl.shared_mode.IdleClose"] = 600


class LastmodDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter for article requests, keyed by URL and sitemap lastmod.

    The filter persists across runs, so keyed by URL alone it would never let a story through
    again: an article listed with a newer lastmod (a revision) is a new request, and whether it
    is fetched is the dedup store's decision (`SkipWrittenUrlsMiddleware`), as on one host.
    Discovery requests (sitemaps, feeds) pass unfiltered: each run must read them again. Every
    worker fetches them, a handful of requests per run.
    """

    def request_seen(self, request: Request) -> bool:
        if not request.meta.get(ARTICLE_META):
            return False
        return super().request_seen(request)

    def request_fingerprint(self, request: Request) -> str:
        fingerprint = super().request_fingerprint(request)
        lastmod = request.meta.get("discovery", {}).get("lastmod")
        return f"{fingerprint}:{lastmod}" if lastmod else fingerprint


class IdleClose:
    """Close a spider on the shared frontier after `SHARED_IDLE_CLOSE` seconds of nothing to do.

    Without it a worker closes the moment its own downloads end and the shared queue is empty,
    while another worker may still be parsing a sitemap that fills the queue; with scrapy-redis's
    own `SCHEDULER_IDLE_BEFORE_CLOSE` the wait is a blocking pop that stalls Scrapy's reactor.
    Scrapy looks at an idle spider every 5 seconds, so the close comes up to 5 s later.
    """

    def __init__(self, crawler: Crawler, idle_close: float) -> None:
        self.idle_close = idle_close
        self.last_busy = time.monotonic()
        crawler.signals.connect(self.busy, signal=signals.request_scheduled)
        crawler.signals.connect(self.busy, signal=signals.response_received)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IdleClose:
        idle_close = crawler.settings.getfloat("SHARED_IDLE_CLOSE")
        if idle_close <= 0:
            raise NotConfigured
        return cls(crawler, idle_close)

    def busy(self, *args: object, **kwargs: object) -> None:
        self.last_busy = time.monotonic()

    def idle(self, spider: Spider) -> None:
        if time.monotonic() - self.last_busy < self.idle_close:
            raise DontCloseSpider
