"""A local imitation of the wire sites, for end-to-end crawls: one HTTP server per service.

    with MockWireSite() as site:
        ...  # scrapy crawl apnews -a site=<site.base("apnews")>
        fetched = {hit.partition("?")[0] for hit in site.hits("apnews")}
        assert set(site.article_paths("apnews")) <= fetched

Each service answers on its own port on 127.0.0.1 with the real paths of its entry URLs (see
`newscrawl.sources`), its robots.txt, sitemaps and feeds (absolute URLs on the mock's base) and
fixture article pages. Standard library only; every server stops and joins on exit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from devtools.mocksite.site import SERVICES, Response, Site

SHUTDOWN_POLL = 0.02  # seconds; serve_forever's default 0.5 s makes every test's teardown slow
NOT_FOUND = (
    b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    b"<body><h1>Page not found</h1></body></html>"
)


class _SiteServer(ThreadingHTTPServer):
    """One service's server: its site data and the request targets it has seen."""

    daemon_threads = True

    def __init__(self, site: Site) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[str] = []
        self.hits_lock = threading.Lock()
        self.moved: dict[str, str | None] = {}  # request target -> redirect target, or None: 404


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    server_version = "mockwire/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        with self.server.hits_lock:
            self.server.hits.append(self.path)
            moved = self.server.moved.get(self.path, "")
        if moved is None:
            self._send(404, "text/html; charset=utf-8", NOT_FOUND, [], send_body)
            return
        if moved:
            location = [("Location", self.server.base + moved)]
            self._send(301, "text/html; charset=utf-8", b"", location, send_body)
            return
        response = self.server.site.resolve(self.path, self.server.base)
        if response is None:
            self._send(404, "text/html; charset=utf-8", NOT_FOUND, [], send_body)
            return
        headers = [("Last-Modified", format_datetime(response.last_modified, usegmt=True))]
        if self._not_modified(response):
            self._send(304, None, b"", headers, send_body)
            return
        self._send(response.status, response.content_type, response.body, headers, send_body)

    def _not_modified(self, response: Response) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return response.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def _send(
        self,
        status: int,
        content_type: str | None,
        body: bytes,
        headers: list[tuple[str, str]],
        send_body: bool,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the hits list is the log, and test output stays readable."""


class MockWireSite:
    """Context manager: serves an imitation of each wire site on 127.0.0.1, one port per service."""

    def __init__(self, services: Iterable[str] = SERVICES) -> None:
        unknown = set(services) - set(SERVICES)
        if unknown:
            raise ValueError(f"no mock site for {sorted(unknown)}; known: {SERVICES}")
        self._sites = {service: Site(service) for service in services}
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> MockWireSite:
        try:
            for service, site in self._sites.items():
                server = _SiteServer(site)
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": SHUTDOWN_POLL},
                    name=f"mocksite-{service}",
                    daemon=True,
                )
                thread.start()
                self._servers[service] = server
                self._threads.append(thread)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop every started server, join its thread and close its socket (hits stay readable)."""
        for server in self._servers.values():
            server.shutdown()
        for thread in self._threads:
            thread.join()
        for server in self._servers.values():
            server.server_close()
        self._threads.clear()

    def _server(self, service: str) -> _SiteServer:
        try:
            return self._servers[service]
        except KeyError:
            raise KeyError(
                f"{service!r} is not served (not in services, or outside `with`)"
            ) from None

    def base(self, service: str) -> str:
        """The service's origin on the mock: `http://127.0.0.1:PORT`."""
        return self._server(service).base

    def hits(self, service: str) -> list[str]:
        """Request targets (path with query) served so far, in order, 404s included."""
        server = self._server(service)
        with server.hits_lock:
            return list(server.hits)

    def article_paths(self, service: str) -> list[str]:
        """Article pages its sitemaps/feeds list that a crawler may fetch.

        Leaves out what robots.txt disallows and what is not an article (hubs, videos,
        galleries, section fronts, binary, empty and navigation-only pages).
        """
        return self._sites[service].article_paths()

    def move(self, service: str, target: str, to: str | None = None) -> None:
        """Make a document or page "moved": answer 404 from now on, or a 301 to `to` (a path on
        the same site), as a site does after a redesign. `target` is the path with its query."""
        server = self._server(service)
        with server.hits_lock:
            server.moved[target] = to

    def touch(self, service: str, path: str, lastmod: str) -> None:
        """Update one page: new sitemap lastmod, feed pubDate/updated, Last-Modified, and an
        update paragraph in its text, so an incremental crawl re-fetches only that page."""
        self._sites[service].touch(path, lastmod)
