"""Dates and times, read in any notation a page, a sitemap, a feed or an HTTP header uses, and
written in one: UTC ISO 8601 with a `Z` (`2024-03-07T09:00:00Z`), or a bare `YYYY-MM-DD` when only
a day is known.

One story is often seen in several places (a sitemap in W3C datetime with an offset, a feed in
RFC 822, the page's own metadata, the HTTP `Last-Modified`): whichever is read first must not
decide how its dates are written. A time without an offset is taken as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_BARE_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_datetime(value: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 or RFC 822 text (naive means UTC); None if unreadable.

    >>> parse_datetime("Thu, 07 Mar 2024 09:00:00 GMT").isoformat()
    '2024-03-07T09:00:00+00:00'
    >>> parse_datetime("9999-12-31T23:59:59-12:00") is None  # past the end of datetime in UTC
    True
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def to_utc_iso(value: str | None) -> str | None:
    """A date or time as written in records: UTC with `Z`, a bare date kept; None if unreadable.

    >>> to_utc_iso("2024-03-07T10:00:00+01:00"), to_utc_iso("Thu, 07 Mar 2024 09:00:00 GMT")
    ('2024-03-07T09:00:00Z', '2024-03-07T09:00:00Z')
    >>> to_utc_iso("2024-03-07"), to_utc_iso("next Tuesday")
    ('2024-03-07', None)
    """
    if value and _BARE_DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    moment = parse_datetime(value)
    return format_utc(moment) if moment else None


def format_utc(moment: datetime) -> str:
    """An aware datetime in the records' notation."""
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def utc_now() -> str:
    """The current time in the records' notation."""
    return format_utc(datetime.now(UTC))


def epoch_seconds(value: str | None) -> int | None:
    """Unix seconds of a date or time in any notation `parse_datetime` reads; None if unreadable.

    >>> epoch_seconds("1970-01-02")
    86400
    """
    moment = parse_datetime(value)
    return int(moment.timestamp()) if moment else None
