"""Tables used for page layout, unwrapped into ordinary blocks before trafilatura reads the page.

Many sites lay a whole page out in nested `<table>`s: the article is one cell, navigation,
sidebars and share links are others. trafilatura renders every table as `| … |` rows, so such a
page's text starts with rows of empty cells and carries the navigation cells inside it, and its
extractor scores the page as one table instead of finding the article's paragraphs. Unwrapped
(table, rows and cells become `<div>`s; a cell holding only inline content becomes a `<p>`), the
article cell is paragraphs again, and the other cells are blocks trafilatura judges on their own
(link density, length) as it judges any sidebar.

A data table (a few columns of short cells: scores, prices, schedules) is left as it is, so its
content stays in the text; `table_row_text` then turns trafilatura's `| a | b |` rendering of its
rows into plain lines, so no line of the text is table markup.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

# A cell holding more text than this is a page region (an article column), not a datum.
MAX_DATA_CELL_CHARS = 300
# Block content no data cell holds: a cell with one of these lays out a region of the page.
BLOCK_XPATH = XPath(
    ".//table | .//div | .//ul | .//ol | .//dl | .//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6"
    " | .//form | .//blockquote | .//iframe"
)
# Elements that are blocks of their own inside an unwrapped cell.
BLOCK_TAGS = frozenset(
    {"p", "table", "div", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "form"}
    | {"blockquote", "center", "hr", "pre", "address", "section", "article", "aside", "header"}
    | {"figure"}
)
# What makes an unwrapped cell a <div> rather than a <p>: paragraphs or blocks anywhere in it.
CELL_BLOCK_XPATH = XPath(
    ".//p | .//table | .//div | .//ul | .//ol | .//dl | .//h1 | .//h2 | .//h3 | .//h4 | .//h5"
    " | .//h6 | .//form | .//blockquote | .//center"
)
ROW_XPATH = XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
CELL_XPATH = XPath("./td | ./th")
# trafilatura's rendering of a table row: "| a | b |" (cells separated by " | "), and the
# debris of one, a line that starts or ends with a cell border ("| © 2008 ...").
TABLE_ROW_RE = re.compile(r"\|.*|.*\|")
CELL_SEPARATOR_RE = re.compile(r"\s*\\?\|\s*")  # trafilatura escapes a "|" inside a cell


def unwrap_layout_tables(tree: HtmlElement) -> bool:
    """Turn every layout table of `tree` into blocks, in place; True when there was one.

    Every table is judged on the page as it came (an outer table is layout because it nests
    another, whatever the inner one turns out to be), then the layout ones are unwrapped.
    """
    layout = [table for table in tree.iter("table") if is_layout_table(table)]
    for table in layout:
        _unwrap(table)
    return bool(layout)


def is_layout_table(table: HtmlElement) -> bool:
    """A table that arranges page regions rather than holding data.

    Layout: it says so (`role="presentation"`), has one column, or a cell holds block content
    (nested tables, divisions, lists, headings, forms) or more text than a datum.
    """
    if table.get("role") in ("presentation", "none"):
        return True
    rows = ROW_XPATH(table)
    cells = [cell for row in rows for cell in CELL_XPATH(row)]
    if not cells or max(len(CELL_XPATH(row)) for row in rows) <= 1:
        return True
    return any(
        BLOCK_XPATH(cell) or len(cell.text_content()) > MAX_DATA_CELL_CHARS for cell in cells
    )


def _unwrap(table: HtmlElement) -> None:
    for section in table.findall("thead") + table.findall("tbody") + table.findall("tfoot"):
        section.drop_tag()
    for child in table:
        if child.tag == "caption":
            child.tag = "p"
        elif child.tag == "tr":
            child.tag = "div"
            for cell in child:
                if cell.tag in ("td", "th"):
                    _to_blocks(cell)
                    cell.attrib.pop("colspan", None)
                    cell.attrib.pop("rowspan", None)
    table.tag = "div"


def _to_blocks(element: HtmlElement) -> None:
    """A cell (or an inline element around blocks) as blocks: a <p> when it holds inline content
    only, else a <div> whose runs of inline content between blocks become <p>s of their own.

    trafilatura reads text inside paragraphs; text left loose in a <div> beside blocks (an old
    layout's article cell: "PLACE - First sentence.<p>Second ...") is what it drops.
    """
    if not CELL_BLOCK_XPATH(element):
        element.tag = "p"
        return
    element.tag = "div"
    children = list(element)
    parts: list[HtmlElement] = []
    run: HtmlElement | None = None

    def add(node: HtmlElement | None, text: str | None) -> None:
        nonlocal run
        if node is None and not (text and text.strip()):
            return
        if run is None:
            run = HtmlElement()
            run.tag = "p"
            parts.append(run)
        if node is not None:
            run.append(node)
        elif len(run):
            run[-1].tail = (run[-1].tail or "") + text
        else:
            run.text = (run.text or "") + text

    text, element.text = element.text, None
    add(None, text)
    for child in children:
        element.remove(child)
        tail, child.tail = child.tail, None
        if isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or CELL_BLOCK_XPATH(child)):
            if child.tag not in BLOCK_TAGS:  # an inline element around blocks
                _to_blocks(child)
            run = None
            parts.append(child)
        else:
            add(child, None)
        add(None, tail)
    element.extend(parts)


def table_row_text(line: str) -> str | None:
    """A line as trafilatura renders a table row, made plain: its non-empty cells, tab-separated.

    None when the line is no table row; "" when every cell is empty.
    """
    if not TABLE_ROW_RE.fullmatch(line):
        return None
    cells = [cell.strip() for cell in CELL_SEPARATOR_RE.split(line.strip().strip("|"))]
    cells = [cell for cell in cells if cell and set(cell) != {"-"}]
    return "\t".join(cells)
