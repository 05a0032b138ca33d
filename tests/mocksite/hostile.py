"""A hostile news site for end-to-end crawls: every way a server can misbehave, beside two good
stories, so a test can check each fault lands under its own counter and the good pages are
still written.

    with HostileSite() as site:
        ...  # scrapy crawl sitemap -a url=<site.base>/sitemap-index.xml

Standard library only; the server stops and joins on exit.
"""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from devtools.mocksite.site import SITES_DIR
from tests.mocksite.server import SHUTDOWN_POLL

PAGES = SITES_DIR / "newspaper" / "pages"
GOOD = {"/news/cafe": "cafe-muller.html", "/news/dredging": "harbor-dredging.html"}
BIG = 11 * 1024 * 1024  # past DOWNLOAD_MAXSIZE (10 MiB)
BOMB = 64 * 1024 * 1024  # inflates to this; a few tens of kB on the wire
DRIP_SECONDS = 30  # a body that trickles for longer than the tests' DOWNLOAD_TIMEOUT
# Each fault, by the path that serves it, and the counter newscrawl files it under.
FAULTS = {
    "/news/forbidden-1": "http_error/403",
    "/news/forbidden-2": "http_error/403",
    "/news/loop": "redirect_loop",
    "/news/big": "too_large",
    "/news/bomb": "too_large",
    "/news/drip": "download_error/timeout",
}
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


def _urlset(base: str, paths: list[str], extra: str = "") -> bytes:
    items = "".join(f"<url><loc>{base}{path}</loc></url>" for path in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{items}{extra}</urlset>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _HostileServer

    def do_GET(self) -> None:
        path = self.path
        base = self.server.base
        if path == "/robots.txt":
            return self._send(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
        if path == "/sitemap-index.xml":
            index = "".join(
                f"<sitemap><loc>{base}{p}</loc></sitemap>"
                for p in ("/sitemap-good.xml", "/sitemap-500.xml", "/sitemap-malformed.xml")
            )
            body = '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            return self._send(200, XML, f"{body}{index}</sitemapindex>".encode())
        if path == "/sitemap-good.xml":
            bad_locs = (
                "<url><loc>http://[::1/news/broken-ipv6</loc></url>"
                "<url><loc>http://127.0.0.1:99999/news/bad-port</loc></url>"
            )
            return self._send(200, XML, _urlset(base, [*GOOD, *FAULTS], bad_locs))
        if path == "/sitemap-500.xml":
            return self._send(500, HTML, b"<h1>Internal Server Error</h1>")
        if path == "/sitemap-malformed.xml":
            return self._send(200, XML, b"<html><body>this is not <b>a sitemap</body>")
        if path in GOOD:
            return self._send(200, HTML, (PAGES / GOOD[path]).read_bytes())
        if path.startswith("/news/forbidden"):
            return self._send(403, HTML, b"<h1>Forbidden</h1>")
        if path.startswith("/news/loop"):
            # a new URL each time (the dupefilter would stop a redirect to the same one)
            hop = int(path.partition("?hop=")[2] or 0) + 1
            self.send_response(302)
            self.send_header("Location", f"/news/loop?hop={hop}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/news/big":
            return self._send(200, HTML, b"<p>" + b"x" * BIG)
        if path == "/news/bomb":
            return self._send(200, HTML, self.server.bomb, [("Content-Encoding", "gzip")])
        if path == "/news/drip":
            return self._drip()
        return self._send(404, HTML, b"<h1>Not found</h1>")

    def _send(
        self, status: int, kind: str, body: bytes, headers: list[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(DRIP_SECONDS))
        self.end_headers()
        try:
            for _ in range(DRIP_SECONDS):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            return  # the crawler gave up on it

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


class _HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.bomb = gzip.compress(b"<p>" + b"a" * BOMB)


class HostileSite:
    """Context manager serving the hostile site on 127.0.0.1."""

    def __enter__(self) -> HostileSite:
        self._server = _HostileServer()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL},
            daemon=True,
        )
        self._thread.start()
        self.base = self._server.base
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
