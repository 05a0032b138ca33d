"""Scrapy's default component lists, with components left out."""

from __future__ import annotations

from scrapy.settings import default_settings


def base_without(setting: str, *paths: str) -> dict[str, int]:
    """Scrapy's default `setting` (a `*_BASE` dict) without the components at `paths`.

    For components whose module must not even be imported: Scrapy imports every class named in
    the non-base setting (`EXTENSIONS`, `DOWNLOADER_MIDDLEWARES`), a `None` value included, and
    every enabled one of the base list before its `*_ENABLED` setting can turn it off.

    >>> "scrapy.extensions.telnet.TelnetConsole" in base_without(
    ...     "EXTENSIONS_BASE", "scrapy.extensions.telnet.TelnetConsole"
    ... )
    False
    """
    return {
        path: order
        for path, order in getattr(default_settings, setting).items()
        if path not in paths
    }
