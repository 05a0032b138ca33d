"""Canonical URLs and the stable record id derived from them.

Two fetches of the same story must map to one canonical URL, whatever tracking parameters, port
spelling or fragment the link carried, so that the "already written?" check before a download and
the record `id` agree across runs and machines. No Scrapy import: pure functions.
"""

from __future__ import annotations

import hashlib
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize_url

# Query parameters that only say how a reader arrived, never which page they asked for.
# Compared case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",  # Google Display
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X/Twitter
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_ga",  # Google Analytics cross-domain linker
        "_gl",
        "ref",  # referrer tags: ?ref=homepage, ?ref_src=twsrc
        "ref_src",
        "ref_url",
        "cmpid",  # campaign ids (Reuters, many publishers)
        "cmp",
        "ocid",  # MSN
        "taid",  # Reuters social shares
        "smid",  # NYT share links
        "sr_share",
        "share",
        "s_cid",  # Adobe campaign
        "icid",  # internal campaign ids
        "ito",  # BBC
        "mbid",  # Marketing Cloud
    }
)
# Prefixes of whole families of tracking parameters (utm_source, utm_medium, pk_campaign, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# 16 bytes: collisions stay negligible (birthday bound ~2**64 URLs) and the hex id is 32 chars.
_ID_DIGEST_SIZE = 16


def _is_tracking(param: str) -> bool:
    name = unquote_plus(param.split("=", 1)[0]).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _without_default_port(parts: SplitResult) -> str:
    """Return the netloc of `parts` without a port that is the scheme's default."""
    if parts.port is None or parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return parts.netloc
    return parts.netloc.rsplit(":", 1)[0]


def canonicalize_url(url: str) -> str:
    """Return the canonical form of `url` used for dedup keys and record ids.

    Scheme and host are lower-cased (the host IDNA-encoded), default ports and the fragment are
    dropped, tracking parameters (`utm_*`, `fbclid`, `gclid`, `ref`, ... see `TRACKING_PARAMS`)
    are removed, the remaining query arguments are sorted and percent-encoding is normalized.
    The path keeps its case: many news sites serve different stories under paths that differ
    only in case. Raises `ValueError` for a URL that cannot be parsed (e.g. a non-numeric port).

    >>> canonicalize_url("HTTPS://Example.COM:443/World/Story-1?utm_source=x&b=2&a=1#top")
    'https://example.com/World/Story-1?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    cleaned = urlunsplit(
        (parts.scheme, _without_default_port(parts), parts.path, query, parts.fragment)
    )
    return w3lib_canonicalize_url(cleaned, keep_blank_values=True, keep_fragments=False)


def url_id(canonical_url: str) -> str:
    """Return the stable record id of a canonical URL: the hex BLAKE2b-128 digest of it.

    The same canonical URL gives the same id in every run, on every machine.

    >>> url_id("https://example.com/a")
    '969065efe4e160eb6d90f3b0ab5cc775'
    """
    return hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=_ID_DIGEST_SIZE).hexdigest()


def is_web_address(url: str) -> bool:
    """True for an http(s) URL with a host (and, if given, a port that exists).

    >>> is_web_address("http://127.0.0.1:8080/sitemap.xml"), is_web_address("apnews.com/feed")
    (True, False)
    >>> is_web_address("ftp://host/feed"), is_web_address("http://host:99999/")
    (False, False)
    """
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - reading it checks it (ValueError when out of range)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
