"""Child sitemaps' `lastmod`, remembered across runs: an unchanged child is not fetched again.

A small JSON file per spider under `OUTPUT_DIR` rather than the dedup store: it is discovery
state of one spider (not a fact about written articles that other crawls share), it is
rebuilt by one full run if lost, and it keeps the store interface free of sitemap concepts.
Written atomically; if two runs of one spider race, the last writer wins, and the worst case is
a child sitemap fetched once more.
"""

from __future__ import annotations

import json
from pathlib import Path

from newscrawl.exporters import write_atomically

STATE_NAME = "sitemap-lastmods.json"


class SitemapState:
    """`{child sitemap URL: lastmod}` of the children read to the end by a finished run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known = self._load()
        self._seen: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}  # no state yet, or a damaged file: every child is fetched, nothing lost
        if not isinstance(data, dict):
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def unchanged(self, url: str, lastmod: str | None) -> bool:
        """True when `url` was read at this very `lastmod` by an earlier finished run."""
        return lastmod is not None and self._known.get(url) == lastmod

    def read(self, url: str, lastmod: str | None) -> None:
        """Note that child `url` listed at `lastmod` was read in this run."""
        if lastmod is not None:
            self._seen[url] = lastmod

    def save(self) -> None:
        """Keep what this run read (call only when the run read everything it found)."""
        if not self._seen:
            return
        merged = {**self._known, **self._seen}
        write_atomically(self.path, json.dumps(merged, indent=0, sort_keys=True).encode("utf-8"))
