"""Run files for corpus, schema and report tests: records made as the pipeline makes them."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from newscrawl.exporters import JsonlWriter
from newscrawl.items import Article
from newscrawl.quality import quality_signals

TEXT = (
    "The port authority said on Tuesday that container traffic rose for a third month.\n"
    "Officials expect the new terminal to open before the end of the year."
)


def record(story: str, **fields: Any) -> dict[str, Any]:
    """The record of story `story` (its id), as the writer writes it; `fields` override."""
    text = fields.pop("text", f"{story}: {TEXT}")
    article = Article(
        id=story,
        url=f"https://wire.example/article/{story}",
        canonical_url=f"https://wire.example/article/{story}",
        source="apnews",
        agency="AP",
        title=f"Story {story}",
        text=text,
        authors=["Jane Doe"],
        published="2026-11-20T08:00:00+00:00",
        published_from="metadata",
        language="en",
        language_score=0.99,
        word_count=len(text.split()),
        quality=quality_signals(text),
        crawled_at="2026-11-20T10:00:00+00:00",
        run_id="apnews-20261120T100000Z-00000000",
        content_hash=f"hash-{story}",
    )
    return asdict(article) | fields


def write_run(path: Path, records: list[dict[str, Any]]) -> Path:
    """A finished run file, written by the run's own writer."""
    writer = JsonlWriter(path)
    for line in records:
        writer.write(line)
    written = writer.close()
    assert written == path
    return path


PARAGRAPHS = (
    "Officials in the harbour district of {place} said on Tuesday that the new {topic} scheme "
    "would open to residents in the spring, after two years of planning and public hearings.",
    "The council expects the {topic} programme to cost about 40 million over five years, paid "
    "for partly by a regional grant and partly by fees, a spokeswoman for {place} said.",
    "Critics of the plan in {place} argue that the money would be better spent on schools, "
    "while supporters say the {topic} project will bring jobs to a town that has lost many.",
    "A final vote on the {topic} budget is due next month, and the mayor of {place} has said "
    "she expects it to pass with the support of at least two of the opposition parties.",
)


def article_html(place: str, topic: str, head: str = "") -> bytes:
    """A realistic article page (trafilatura needs several real paragraphs to find a text)."""
    body = "".join(f"<p>{p.format(place=place, topic=topic)}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{place} approves {topic} plan</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{place} approves {topic} plan</h1>{body}</article>"
        f"<footer>Contact us</footer></body></html>"
    ).encode()


def write_pages_warc(path: Path, pages: list[tuple[str, bytes, dict[str, str]]]) -> Path:
    """A WARC of 200 HTML responses: (url, body, extra response headers)."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body, headers in pages:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), *headers.items()],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-11-20T10:00:00Z"},
            )
            writer.write_record(record)
    return path
