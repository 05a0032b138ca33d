"""Wire cleanup rules applied after trafilatura: chrome, captions, credits and trailers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CleanupRules:
    """Site-specific cleanup rules, carried by each source entry (see `sources.py`)."""

    prune_xpaths: tuple[str, ...] = ()
    trailer_patterns: tuple[str, ...] = ()
