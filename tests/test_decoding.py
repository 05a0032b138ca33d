from __future__ import annotations

import pytest

from newscrawl.decoding import Unreadable, check_html, decode_html


def test_http_charset_beats_a_wrong_meta_tag() -> None:
    body = '<meta charset="iso-8859-1"><p>Café — Zürich</p>'.encode()
    assert "Café — Zürich" in decode_html(body, "text/html; charset=utf-8")


def test_meta_used_when_header_is_silent() -> None:
    body = '<meta charset="iso-8859-1"><p>Café</p>'.encode("latin-1")
    assert "Café" in decode_html(body, "text/html")


def test_wrong_header_charset_is_checked_by_decoding() -> None:
    # Served as UTF-8 but really Windows-1252: the strict check fails, the meta tag wins.
    body = '<meta charset="windows-1252"><p>“Quoted” café</p>'.encode("cp1252")
    assert "“Quoted” café" in decode_html(body, "text/html; charset=utf-8")


def test_bom_wins() -> None:
    body = "<p>naïve</p>".encode("utf-16")
    assert decode_html(body, "text/html; charset=iso-8859-1") == "<p>naïve</p>"


def test_unknown_charset_name_is_ignored() -> None:
    assert decode_html(b"<p>ok</p>", "text/html; charset=x-no-such") == "<p>ok</p>"


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty"),
        (b"   \n ", "text/html", "empty"),
        (b"%PDF-1.7\x00\x00\x01", "application/pdf", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "text/html", "binary"),
        (b'{"a": 1}', "application/json", "not_html"),
        (b"plain words, no markup", None, "not_html"),
    ],
)
def test_unreadable_bodies(body: bytes, content_type: str | None, reason: str) -> None:
    with pytest.raises(Unreadable) as caught:
        check_html(body, content_type)
    assert caught.value.reason == reason


def test_html_without_content_type_is_sniffed() -> None:
    check_html(b"<!DOCTYPE html><html><body><p>x</p></body></html>", None)
