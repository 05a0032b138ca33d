"""Layout tables unwrapped before trafilatura, data tables kept, no table markup left in text.

The pages are fixtures written for this project (tests/fixtures/extraction/): an old-style page
laid out in nested tables, an article with a data table, and a layout table around a data table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from newscrawl.extraction import extract
from newscrawl.layout_tables import is_layout_table, table_row_text, unwrap_layout_tables

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
URL = "https://news.example.com/story/1"


def page(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text("utf-8")


def lines(text: str) -> list[str]:
    return text.splitlines()


def is_table_markup(line: str) -> bool:
    return line.startswith("|") or line.endswith("|") or " | " in line


def test_nested_layout_tables_become_paragraphs() -> None:
    record = extract(page("layout_nested"), url=URL)
    assert record is not None
    assert "generic:layout-table" in record.rules_fired
    text = lines(record.text)
    assert text[0].startswith("MILLBRIDGE - The harbour board voted on Tuesday")
    assert text[-1].startswith("Residents of the east quay had objected")
    assert len(text) == 4  # one line per paragraph, nothing of the navigation cells
    assert not any(is_table_markup(line) for line in text)
    assert "LOCAL NEWS" not in record.text and "Printable version" not in record.text
    assert "©" not in record.text  # the "| © 2008 ..." row is a copyright line once unwrapped


def test_data_table_keeps_its_content_without_markup() -> None:
    record = extract(page("data_table"), url=URL)
    assert record is not None
    assert "generic:layout-table" not in record.rules_fired
    text = lines(record.text)
    assert "Millbridge Rowing Club\t5:41.2\tWinner" in text
    assert "Harbour Oarsmen\t5:47.5\t6.3 seconds" in text
    assert not any(is_table_markup(line) for line in text)


def test_layout_table_around_a_data_table() -> None:
    record = extract(page("layout_and_data"), url=URL)
    assert record is not None
    assert "generic:layout-table" in record.rules_fired
    text = lines(record.text)
    assert text[0].startswith("HILLTON - The county's quarry levy")
    assert text[1].startswith("The levy is charged on every tonne")
    assert "North Ridge\t410,000\t82,000" in text
    assert text[-1].startswith("No jobs were lost in the first year")
    assert "Front page" not in record.text
    assert not any(is_table_markup(line) for line in text)


@pytest.mark.parametrize(
    ("markup", "layout"),
    [
        (
            "<table><tr><td>Crew</td><td>Time</td></tr><tr><td>A</td><td>5:41</td></tr></table>",
            False,
        ),
        ("<table role='presentation'><tr><td>a</td><td>b</td></tr></table>", True),
        ("<table><tr><td>one column</td></tr><tr><td>of blocks</td></tr></table>", True),
        ("<table><tr><td><div>a block</div></td><td>b</td></tr></table>", True),
        (f"<table><tr><td>{'long text ' * 40}</td><td>b</td></tr></table>", True),
    ],
)
def test_layout_or_data(markup: str, layout: bool) -> None:
    table = lxml_html.fromstring(markup)
    assert is_layout_table(table) is layout


def test_unwrapped_cell_text_beside_blocks_becomes_paragraphs() -> None:
    tree = lxml_html.fromstring(
        "<div><table role='presentation'><tr><td>nav</td><td>First sentence."
        "<p>Second paragraph.</p>Loose tail.</td></tr></table></div>"
    )
    assert unwrap_layout_tables(tree)
    assert tree.xpath("//table") == []
    assert [p.text_content() for p in tree.iter("p")] == [
        "nav",
        "First sentence.",
        "Second paragraph.",
        "Loose tail.",
    ]


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ("| North Ridge | 410,000 | 82,000 |", "North Ridge\t410,000\t82,000"),
        ("|  |  |  |", ""),
        ("| --- | --- |", ""),
        ("| © 2008 Valley Courier", "© 2008 Valley Courier"),
        ("E-mail this article \\| Printable version |", "E-mail this article\tPrintable version"),
        ("The vote was 9 to 2.", None),
    ],
)
def test_table_row_text(line: str, plain: str | None) -> None:
    assert table_row_text(line) == plain
