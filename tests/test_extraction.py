"""Golden-file tests of `newscrawl.extraction.extract` on pages written for this project.

Each fixture page in tests/fixtures/extraction/ imitates one kind of wire page (markup shaped like
the real sites', stories invented); the JSON next to it is the reviewed record `extract()` must
return. The leak tests check the same pages for each kind of leak independently of the goldens.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
from pathlib import Path

import pytest
import trafilatura
from lxml import html as lxml_html

from newscrawl.extraction import extract
from newscrawl.reading import Extracted
from newscrawl.sources import SOURCES

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
# (fixture name, URL the page was fetched from, source whose rules apply or None for generic)
PAGES = (
    (
        "reuters",
        "https://www.reuters.com/world/europe/"
        "harbour-authority-halts-night-shipping-after-crane-collapse-2024-05-14/",
        "reuters",
    ),
    (
        "apnews",
        "https://apnews.com/article/drought-egg-farms-solar-barns-4f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c",
        "apnews",
    ),
    (
        "afp",
        "https://www.afp.com/en/news/3954/"
        "mangrove-nurseries-take-root-jakartas-sinking-coast-202403220512",
        "afp",
    ),
    (
        "upi",
        "https://www.upi.com/Top_News/US/2024/08/10/wildfire-ranchers-cattle-highway/4171723300000/",
        "upi",
    ),
    (
        "syndicated",
        "https://www.valley-broadcast.example/a/"
        "flooded-mine-forces-evacuation-of-valley-villages/7712345.html",
        None,
    ),
)
MIN_CAPTION_WORDS = 4  # shorter alt texts could match body words by chance
# Lines that are chrome or trailers wherever they appear (the wire services' page furniture).
CHROME_LINE_RE = re.compile(
    r"accessibility links|skip to main content|breaking news|xs|sm|md|lg|xs sm md lg"
    r"|our standards:.*|.*opens new tab.*|___|follow ap's .*|what to know about .*"
    r"|copyright .*|published on .*|\d+ min read|share this article|purchase licensing rights"
    r"|by [A-Z ]+, ap .*|reporting by .*|.*contributed to this report\.",
    re.IGNORECASE,
)


def _extract(name: str, url: str, source: str | None) -> Extracted:
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    record = extract(html, url, SOURCES[source].rules if source else None)
    assert record is not None
    return record


@pytest.mark.parametrize(("name", "url", "source"), PAGES, ids=[page[0] for page in PAGES])
def test_golden_record(name: str, url: str, source: str | None) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert dataclasses.asdict(_extract(name, url, source)) == expected


@pytest.mark.parametrize(("name", "url", "source"), PAGES, ids=[page[0] for page in PAGES])
def test_no_caption_leaks(name: str, url: str, source: str | None) -> None:
    tree = lxml_html.fromstring((FIXTURES / f"{name}.html").read_bytes())
    captions = tree.xpath("//figcaption | //*[contains(@class, 'caption')] | //img/@alt")
    texts = [c if isinstance(c, str) else c.text_content() for c in captions]
    text = " ".join(_extract(name, url, source).text.split())
    for caption in texts:
        caption = " ".join(caption.split())
        if len(caption.split()) >= MIN_CAPTION_WORDS:
            assert caption not in text


@pytest.mark.parametrize(("name", "url", "source"), PAGES, ids=[page[0] for page in PAGES])
def test_no_chrome_or_trailer_lines(name: str, url: str, source: str | None) -> None:
    lines = _extract(name, url, source).text.splitlines()
    assert [line for line in lines if CHROME_LINE_RE.fullmatch(line.strip())] == []


@pytest.mark.parametrize(("name", "url", "source"), PAGES, ids=[page[0] for page in PAGES])
def test_headline_not_repeated(name: str, url: str, source: str | None) -> None:
    record = _extract(name, url, source)
    assert record.title
    assert not record.text.lower().startswith(record.title.lower())


def test_wire_body_paragraphs_mentioning_reuters_or_editing_are_kept() -> None:
    record = _extract(*PAGES[0])
    assert (
        "A spokesperson for the authority told Reuters that footage of the collapse was still "
        "being reviewed, and that editing of the official incident report would take several "
        "weeks." in record.text.splitlines()
    )


def test_dateline_stays_at_the_start_of_the_text() -> None:
    assert _extract(*PAGES[1]).text.startswith("FRESNO, Calif. (AP) — ")
    assert _extract(*PAGES[4]).text.startswith("KELLERTAL, Oct 3 (Reuters) -\n")


def test_generic_rules_alone_clean_a_wire_page() -> None:
    """A Reuters page seen by the generic warc spider (no source rules) still loses its chrome."""
    name, url, _ = PAGES[0]
    record = _extract(name, url, None)
    assert record.credits == (
        "Reporting by Lena Varga in Rostova and Tomas Berg in Gdansk; Editing by Mark Ellison"
    )
    assert "opens new tab" not in record.text
    assert all(rule.startswith("generic:") for rule in record.rules_fired)


def test_page_without_main_text_gives_none() -> None:
    html = (
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/world'>World</a></nav><footer>© 2024 Example</footer></body></html>"
    )
    assert extract(html, "https://example.com/") is None
    assert extract("", "https://example.com/") is None


def test_short_story_without_spaces_is_kept() -> None:
    """Chinese and Japanese text has no spaces between words: its length is not a word count."""
    paragraphs = (
        "気象台は十三日午後、沿岸の町に強風と高波の注意報を出した。",
        "漁協によると、港の漁船はすべて岸壁に固定され、出漁は見合わせた。",
        "町役場は海岸沿いの遊歩道を閉鎖し、住民に不要な外出を控えるよう呼びかけた。",
        "注意報は十四日朝まで続く見込みで、気象台は最新の情報に注意するよう求めている。",
        "観光協会は週末に予定していた花火大会を一週間延期すると発表した。",
    )
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    html = (
        "<html lang='ja'><head><title>沿岸に強風注意報</title></head><body>"
        f"<nav><a href='/'>トップ</a></nav><article><h1>沿岸に強風注意報</h1>{body}</article>"
        "</body></html>"
    )
    record = extract(html, "https://news.example.jp/article/123")
    assert record is not None
    assert record.text == "\n".join(paragraphs)


def test_extract_and_its_result_travel_to_a_process_pool() -> None:
    name, url, source = PAGES[3]
    html = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    arguments = pickle.loads(pickle.dumps((html, url, SOURCES[source].rules)))
    function = pickle.loads(pickle.dumps(extract))
    record = function(*arguments)
    assert pickle.loads(pickle.dumps(record)) == record


def test_furniture_is_dropped_before_trafilatura_without_losing_text_or_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Menus, footers and inline code never reach trafilatura; text after them and JSON-LD do."""
    seen: list[str] = []
    bare_extraction = trafilatura.bare_extraction

    def spy(tree: lxml_html.HtmlElement, **kwargs: object) -> object:
        seen.append(lxml_html.tostring(tree, encoding="unicode"))
        return bare_extraction(tree, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    paragraphs = "".join(
        f"<p>Paragraph {n} of the council story says the bridge repairs will last a year.</p>"
        for n in range(4)
    )
    html = (
        "<html><head><title>Bridge shut</title><style>p { color: red }</style>"
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "NewsArticle", "headline": "Bridge shut",'
        ' "author": [{"@type": "Person", "name": "Ada Quill"}]}</script></head><body>'
        "<nav><a href='/world'>World</a><a href='/sport'>Sport</a></nav><article>"
        "<h1>Bridge shut</h1><p>The council closed the old bridge on Monday<script>track()"
        f"</script> after inspectors found cracks in two of its piers.</p>{paragraphs}</article>"
        "<footer>Contact us, careers and terms of use.</footer><script>boot()</script>"
        "</body></html>"
    )
    record = extract(html, "https://news.example/bridge")
    assert record is not None
    assert (
        "The council closed the old bridge on Monday after inspectors found cracks in two of its "
        "piers." in record.text.splitlines()
    )
    assert record.authors == ["Ada Quill"]
    (tree,) = seen
    for furniture in ("<nav", "<footer", "<style", "track()", "boot()"):
        assert furniture not in tree
    assert "application/ld+json" in tree
