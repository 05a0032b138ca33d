"""Who a dateline credits: the agencies known by name, and the test for any other credit.

A known agency is reported under its canonical name ("(Reuters Life!)" -> "Reuters"); a credit
of another wire (a sports, entertainment or broadcaster wire: "(Sports Network)", "(BANG)")
is reported as printed, but only when it looks like a name (see `is_credit`), because any
parenthesised word can follow a place in ordinary prose.

Pure module: no Scrapy import.

>>> canonical_agency("Reuters Life!"), canonical_agency("PRNewswire-FirstCall")
('Reuters', 'PR Newswire')
>>> is_credit("Sports  Network"), is_credit("Update2"), is_credit("RNC said")
(True, False, False)
"""

from __future__ import annotations

import re

# Printed agency name -> canonical name. Only these, in parentheses, count wherever a dateline
# may stand; any other parenthesised credit must pass `is_credit` and the stricter shape the
# parser asks of it.
AGENCIES: dict[str, str] = {
    "AP": "AP",
    "Reuters": "Reuters",
    "REUTERS": "Reuters",
    "Reuters Health": "Reuters",
    "Reuters Breakingviews": "Reuters",
    "Reuters Life!": "Reuters",
    "AFP": "AFP",
    "UPI": "UPI",
    "Bloomberg": "Bloomberg",
    "dpa": "dpa",
    "DPA": "dpa",
    "dpa-AFX": "dpa",
    "Xinhua": "Xinhua",
    "XINHUA": "Xinhua",
    "PTI": "PTI",
    "IANS": "IANS",
    "ANI": "ANI",
    "Yonhap": "Yonhap",
    "Kyodo": "Kyodo",
    "TASS": "TASS",
    "ITAR-TASS": "TASS",
    "Itar-Tass": "TASS",
    "EFE": "EFE",
    "AA": "Anadolu",
    "Anadolu": "Anadolu",
    # Press-release wires, printed in capitals in parentheses ("SAN JOSE, Calif.--(BUSINESS
    # WIRE)--", "NEW YORK, Jan. 9, 2020 (GLOBE NEWSWIRE) --").
    "BUSINESS WIRE": "Business Wire",
    "Business Wire": "Business Wire",
    "GLOBE NEWSWIRE": "GlobeNewswire",
    "GlobeNewswire": "GlobeNewswire",
    "Marketwire": "Marketwire",
    "MARKETWIRE": "Marketwire",
    "Marketwired": "Marketwire",
    "ACCESSWIRE": "Accesswire",
    "EMAILWIRE.COM": "EmailWire",
    "PRWEB": "PRWeb",
    "PRWeb": "PRWeb",
}
# Wires printed between slashes, as TASS does ("MOSCOW, January 21. /TASS/."): PR Newswire and its
# regional feeds ("/PRNewswire-FirstCall/", "/PRNewswire-Asia/"), Canada NewsWire ("/CNW/").
SLASH_AGENCIES: dict[str, str] = {
    "TASS": "TASS",
    "PRNewswire": "PR Newswire",
    "CNW": "Canada NewsWire",
}
# The slash forms as a pattern: a wire, optionally with a feed suffix ("-FirstCall", "-HISPANIC").
SLASH_AGENCY_PATTERN = r"(?:TASS|PRNewswire(?:-[A-Za-z]+)*|CNW)"
# Agencies whose datelines may run straight into the text with no separator at all.
NO_SEPARATOR_AGENCIES = frozenset({"PTI", "IANS", "ANI"})
ANADOLU = "Anadolu"

# A credit of another wire: one to four words ("BANG", "Sports Network", "Hollywood Reporter",
# "CBS News"), each with a capital letter ("eCanadaNow" too), letters and inner "&'-!" only.
MAX_CREDIT_WORDS = 4
MIN_CREDIT_LETTERS = 3  # "(AKI)"; two letters are as often a state or a party ("(NY)", "(R)")
_CREDIT_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|[&'’!-])*")
# Words that make a parenthesis an editor's tag, a caption credit or a company/party label,
# not a wire's credit: "(Update)", "(Photo)", "(Recasts)", "(Inc)", "(Republican)".
_NOT_CREDIT_WORDS_TEXT = (
    "update updated updates corrected correction correcting recasts adds repeats refiled refile "
    "wrap advance embargoed photo photos picture pictures video audio graphic graphics file "
    "watch live opinion analysis commentary editorial exclusive breaking sponsored advertisement "
    "inc corp co ltd llc plc ag sa nv holdings group republican democrat democratic independent "
    "ret retired file pictured left right center centre above below top bottom front back "
    "see also note editor editors translated"
)
_NOT_CREDIT_WORDS = frozenset(_NOT_CREDIT_WORDS_TEXT.split())


def canonical_agency(printed: str) -> str:
    """The canonical name of a known agency as printed; another credit as printed (spaces
    collapsed)."""
    name = " ".join(printed.split())
    if name in AGENCIES:
        return AGENCIES[name]
    if name.startswith("PRNewswire"):
        return SLASH_AGENCIES["PRNewswire"]
    return SLASH_AGENCIES.get(name, name)


def is_known(printed: str) -> bool:
    return " ".join(printed.split()) in AGENCIES


def is_credit(printed: str) -> bool:
    """A parenthesised text that reads as a wire's name ("Sports Network", "BANG")."""
    words = printed.split()
    if not 0 < len(words) <= MAX_CREDIT_WORDS:
        return False
    if sum(c.isalpha() for c in printed) < MIN_CREDIT_LETTERS:
        return False
    for word in words:
        if not _CREDIT_WORD_RE.fullmatch(word) or not any(c.isupper() for c in word):
            return False
        if word.lower().strip("!'’") in _NOT_CREDIT_WORDS:
            return False
    return True
