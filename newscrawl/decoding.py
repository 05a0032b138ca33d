"""Turn a response body into text, or say why it is not a readable HTML page.

Pages often declare one charset in `<meta>` and are served in another, so the HTTP header and a
strict decoding check come before the meta tag; w3lib trusts the first declaration it finds.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from newscrawl.reasons import Reason

HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml")
# Binary data (images, PDFs, archives) has NUL bytes early on; text in any charset but UTF-16
# does not.
BINARY_SNIFF_BYTES = 1024
# A body that only decodes with more replacement characters than this share is not text.
MAX_REPLACEMENT_SHARE = 0.01
# Sniffed when the Content-Type header is missing or generic: does it look like markup?
_MARKUP_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype|html|head|body|meta|title|div|p)\b", re.I | re.S
)


class Unreadable(ValueError):
    """A response that is not a decodable HTML page; `reason` is the stats key."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        codecs.lookup(encoding)
        return body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def check_html(body: bytes, content_type: str | None) -> None:
    """Raise `Unreadable` for an empty, binary or non-HTML body."""
    if not body.strip():
        raise Unreadable(Reason.EMPTY, "empty response body")
    if b"\x00" in body[:BINARY_SNIFF_BYTES] and not body.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise Unreadable(Reason.BINARY, "binary response body")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in HTML_CONTENT_TYPES:
        return
    if mime and mime not in ("text/plain", "application/octet-stream"):
        raise Unreadable(Reason.NOT_HTML, f"content type {mime}")
    if not _MARKUP_START.match(body[:BINARY_SNIFF_BYTES]):
        raise Unreadable(Reason.NOT_HTML, "body does not look like HTML")


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML body: BOM, then the HTTP charset, then `<meta>`, then UTF-8, strictly.

    >>> decode_html("<p>caf\\u00e9</p>".encode(), "text/html; charset=utf-8")
    '<p>café</p>'
    """
    bom, _ = read_bom(body)
    candidates = [
        bom,
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body),
        "utf-8",
    ]
    for encoding in candidates:
        text = _strict(body, encoding)
        if text is not None:
            return text.removeprefix("\ufeff")
    # Nothing decodes cleanly: accept a few broken bytes (common), refuse garbage.
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") > MAX_REPLACEMENT_SHARE * len(text):
        text = body.decode("cp1252", errors="replace")
        if text.count("\ufffd") > MAX_REPLACEMENT_SHARE * len(text):
            raise Unreadable(Reason.UNDECODABLE, "body decodes in no known charset")
    return text
