"""What a page says about its own use: paywall (JSON-LD) and text-and-data-mining rights.

- `free_access`: schema.org `isAccessibleForFree` from the page's JSON-LD, or None when the page
  does not say.
- `tdm_reserved`: W3C TDMRep (https://www.w3.org/community/reports/tdmrep/CG-FINAL-tdmrep-20240510/):
  a `TDM-Reservation: 1` response header, or `<meta name="tdm-reservation" content="1">`. The
  header wins when both are present, as the protocol says.

Both are read with regular expressions over the decoded page rather than a parse tree: the
extractor builds its own tree, and a second full parse of every page only to find two tags
would cost more than the rest of this record's signals together.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_LD_JSON = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


def _truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower().removeprefix("https://schema.org/")
        word = word.removeprefix("http://schema.org/")
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def _accessible_for_free(node: Any) -> bool | None:
    """The first `isAccessibleForFree` found walking a JSON-LD value (objects, lists, @graph)."""
    if isinstance(node, list):
        for child in node:
            found = _accessible_for_free(child)
            if found is not None:
                return found
        return None
    if not isinstance(node, dict):
        return None
    if "isAccessibleForFree" in node:
        found = _truth(node["isAccessibleForFree"])
        if found is not None:
            return found
    return _accessible_for_free(
        [value for value in node.values() if isinstance(value, dict | list)]
    )


def free_access(page_html: str) -> bool | None:
    """`isAccessibleForFree` of the page's JSON-LD, or None when it is not declared.

    >>> free_access('<script type="application/ld+json">{"@type": "NewsArticle",'
    ...             ' "isAccessibleForFree": "False"}</script>')
    False
    >>> free_access("<p>No structured data</p>") is None
    True
    """
    for match in _LD_JSON.finditer(page_html):
        try:
            data = json.loads(match.group(1).strip())
        except ValueError:
            continue  # broken JSON-LD is common; another block may still say it
        found = _accessible_for_free(data)
        if found is not None:
            return found
    return None


def _attributes(tag: str) -> dict[str, str]:
    return {
        # One of the three value groups matched (double, single or no quotes); the others are "".
        name.lower(): html.unescape("".join(values))
        for name, *values in _ATTRIBUTE.findall(tag)
    }


def tdm_meta(page_html: str) -> bool | None:
    """The page's `tdm-reservation` meta tag: True for 1, False for 0, None when absent.

    >>> tdm_meta('<meta name="tdm-reservation" content="1">')
    True
    """
    for tag in _META.findall(page_html):
        attributes = _attributes(tag)
        if attributes.get("name", "").lower() == "tdm-reservation":
            return _truth(attributes.get("content", ""))
    return None


def tdm_reserved(header: str | None, meta: bool | None) -> bool:
    """Whether TDM rights are reserved: the `TDM-Reservation` header, else the meta tag.

    >>> tdm_reserved("1", None), tdm_reserved(None, True), tdm_reserved("0", True)
    (True, True, False)
    """
    if header is not None:
        declared = _truth(header)
        if declared is not None:
            return declared
    return bool(meta)
