"""Cleanup rules around trafilatura: captions and chrome pruned from the page tree before it,
headline repeats, chrome lines, credits and trailers taken out of its text after it.

Generic rules apply to every page, whatever site it comes from (wire copy is syndicated on
hundreds of outlets, and the generic sitemap/feed/WARC spiders know nothing of the site). A
source adds its own rules as data: a `CleanupRules` entry in `newscrawl/sources.py`. Every rule
that changes something records its name ("generic:caption", "reuters:trust-line") in the list
passed as `fired`, which the extraction pipeline counts in the crawl stats.

Line rules match whole lines (trafilatura puts one paragraph per line). They are written for
English wording or for language-neutral forms (©, e-mail addresses, separators, names), with a
few widespread foreign forms of the same chrome (reading time, "read also"), so that pages in
other languages pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.agencies import AGENCIES
from newscrawl.endnotes import split_endnotes
from newscrawl.layout_tables import table_row_text

GENERIC = "generic"
MAX_CAPTION_CHARS = 1000  # a "caption" element holding more text than this is a page container
MAX_CAPTION_PARAGRAPHS = 2  # same: real captions hold one or two <p> at most
MIN_IMAGE_TEXT_WORDS = 3  # shorter alt texts ("Photo", "Ankara") match unrelated short lines
MAX_CAPTION_DEPTH = 4  # how many levels above an image its visible caption may sit
MAX_FIGURE_CHARS = 1500  # an image's container with more text than this is the article body
MAX_PHOTO_CREDIT_WORDS = 6  # "<alt text> Photo: Jane Doe/Reuters" is still the caption
MAX_CAPTION_WORDS = 40  # a short element near an image that starts with its alt text expands it
MAX_CREDIT_WORDS = 80  # contributor lines and sign-offs are short; longer lines are body text
MAX_CONTACT_WORDS = 40  # "Email Jane Doe at jd@example.com or follow her @jd" and no more
MAX_BYLINE_WORDS = 15  # "By Jane Doe, AP Business Writer 47 minutes ago"
MAX_SOURCE_WORDS = 10  # "SOURCE: News agencies", "Quelle: ntv.de"
MAX_PROMO_WORDS = 30  # "Read more: <headline>" lines; a longer line is a paragraph
MAX_LINK_WORDS = 20  # a linked headline listed under "Related:" or "DON'T MISS"
MAX_SITE_TRAILER_WORDS = 80  # site trailer patterns match short lines, never paragraphs
MAX_TIMESTAMP_WORDS = 14  # "Associated Press - January 2, 2008 7:33 AM ET"; longer is a sentence
MAX_TIMESTAMP_NAMES = 4  # capitalised words a timestamp may carry besides the date ("Tucson")
MAX_NAV_WORDS = 25  # "Next story: <headline>", "Discuss this story on the ... message board"
MAX_LINK_ROW_CELL_WORDS = 4  # cells of a row of links: "E-mail this article", "Printable version"
HEADLINE_WINDOW = 3  # the headline repeat sits in the first lines (AP pages show it twice)
MAX_KICKER_WORDS = 5  # a short line above the repeated headline is its kicker ("WORLD NEWS")

# Captions never belong in the text: <figcaption>, and any element whose class or id names a
# caption ("collapsible-caption", "primary-gallery__caption", "wp-caption-text", "photo-caption")
# or an image's description or credit ("atc-ImageDescription", "photo-credit", "img_desc").
# ("aption" finds "caption" and "Caption" in one cheap pass, and so on; `_is_caption` checks
# the tokens.)
CAPTION_XPATH = XPath(
    "//figcaption"
    " | //@class[contains(., 'aption') or contains(., 'esc') or contains(., 'redit')]/.."
    " | //@id[contains(., 'aption') or contains(., 'esc') or contains(., 'redit')]/.."
)
# A class or id token that names a caption: "caption" anywhere, or an image word followed by a
# description, credit or legend word.
CAPTION_TOKEN_RE = re.compile(
    r".*caption.*|.*(?:image|img|photo|picture|pic|bild|foto)[-_]?(?:desc|credit|legend).*",
    re.I,
)
# Class tokens that only say a container holds a caption somewhere ("hasCaption", "no-caption").
CAPTION_OWNER_RE = re.compile(r"(?:has|with|no|without)[-_]?caption", re.I)
# A "caption" element with headings or several paragraphs in it is an article container.
CONTAINER_XPATH = XPath(f"count(.//p) > {MAX_CAPTION_PARAGRAPHS} or boolean(.//h1 | .//h2 | .//h3)")
# Images whose alt or title text may be repeated as a visible caption next to them.
DESCRIBED_IMAGE_XPATH = XPath("//img[@alt or @title]")
# Where a page title ends and the site name starts: "Headline | Site", "見出し：朝日新聞デジタル".
SITE_SUFFIX_RE = re.compile(r"\s+[|–—-]\s+|\s*[：|]\s*")


class Action(Enum):
    DROP = "drop"  # boilerplate with no value: removed
    CREDIT = "credit"  # sign-offs, contributor and source lines: moved to `credits`


@dataclass(frozen=True)
class CleanupRules:
    """Site-specific cleanup rules, carried by each source entry (see `sources.py`).

    `prune_xpaths` remove elements (and their text, not the text that follows them) before
    trafilatura runs. `trailer_patterns` are regular expressions matched, case-insensitively,
    against whole lines of the extracted text; a matching line is dropped. A pattern's first
    named group names the rule in `rules_fired` (`(?P<trust_line>...)` fires
    "<name>:trust-line"); unnamed patterns fire "<name>:trailer".
    """

    prune_xpaths: tuple[str, ...] = ()
    trailer_patterns: tuple[str, ...] = ()
    name: str = "site"  # prefix of this entry's rule names in `rules_fired`


@dataclass(frozen=True)
class LineRule:
    """A rule over one line of text; lines longer than `max_words` are body text, never tested."""

    name: str
    matches: Callable[[str], object]  # truthy when the rule applies to the line
    action: Action
    max_words: int


@dataclass
class CleanedText:
    text: str
    credits: str | None


# --- before trafilatura: the page tree ----------------------------------------------------------


def prune_tree(tree: HtmlElement, rules: CleanupRules, fired: list[str]) -> None:
    """Remove captions and the source's prune XPaths from `tree`, in place."""
    if _drop_all([element for element in CAPTION_XPATH(tree) if _is_caption(element)]):
        fired.append(f"{GENERIC}:caption")
    if _drop_all(_alt_text_captions(tree)):
        fired.append(f"{GENERIC}:alt-caption")
    for expression in rules.prune_xpaths:
        if _drop_all(_xpath(expression)(tree)):
            fired.append(f"{rules.name}:prune")


def _is_caption(element: HtmlElement) -> bool:
    """A <figcaption>, or an element a class or id token names a caption, that is small."""
    if element.tag in ("html", "body", "article", "main"):
        return False
    if element.tag != "figcaption":
        tokens = f"{element.get('class', '')} {element.get('id', '')}".split()
        if not any(
            CAPTION_TOKEN_RE.fullmatch(token)
            for token in tokens
            if not CAPTION_OWNER_RE.match(token)
        ):
            return False
    return len(element.text_content()) <= MAX_CAPTION_CHARS and not CONTAINER_XPATH(element)


def _alt_text_captions(tree: HtmlElement) -> list[HtmlElement]:
    """Visible captions without caption markup: elements near an image that repeat its alt text."""
    found = []
    for image in DESCRIBED_IMAGE_XPATH(tree):
        texts = {text_key(image.get(name) or "") for name in ("alt", "title")}
        texts = {text for text in texts if len(text.split()) >= MIN_IMAGE_TEXT_WORDS}
        if texts:
            found += _captions_near(image, texts)
    return found


def _captions_near(image: HtmlElement, texts: set[str]) -> list[HtmlElement]:
    """Elements repeating `texts` in the image's closest container that holds such a repeat."""
    container = image.getparent()
    for _ in range(MAX_CAPTION_DEPTH):
        if container is None:
            return []
        content = container.text_content()
        if len(content) > MAX_FIGURE_CHARS:
            return []
        if any(text in text_key(content) for text in texts):  # cheap test before the walk
            repeats = [element for element in container.iter() if _repeats(element, texts)]
            captions = [
                caption
                for caption in map(_caption_or_teaser(image), repeats)
                if caption is not None
            ]
            if captions:
                return captions
        container = container.getparent()
    return []


def _caption_or_teaser(image: HtmlElement) -> Callable[[HtmlElement], HtmlElement | None]:
    """What to remove for a repeat of the image's alt text: the repeat itself when no link is
    involved (a caption); the whole link when the image and the repeat share it (a teaser card
    for another story); nothing when only the repeat is linked, since taking a link's text away
    would defeat trafilatura's link-density checks on the block around it.
    """
    image_link = next(image.iterancestors("a"), None)

    def remove(repeat: HtmlElement) -> HtmlElement | None:
        link = repeat if repeat.tag == "a" else next(repeat.iterancestors("a"), None)
        if link is None:
            return None if repeat.find(".//a") is not None else repeat
        return link if link is image_link else None

    return remove


def _repeats(element: HtmlElement, texts: set[str]) -> bool:
    """True when the element's text is one of `texts`, maybe followed by a photo credit."""
    if not isinstance(element.tag, str) or element.tag == "img":
        return False
    key = text_key(element.text_content())
    return any(_is_caption_of(key, text, element.tag) for text in texts)


def _is_caption_of(key: str, text: str, tag: str) -> bool:
    """The alt text itself, with a photo credit, or expanded outside a paragraph of its own."""
    if key == text:
        return True
    if not key.startswith(f"{text} "):
        return False
    words = len(key.split())
    return words - len(text.split()) <= MAX_PHOTO_CREDIT_WORDS or (
        tag != "p" and words <= MAX_CAPTION_WORDS
    )


def _drop_all(elements: Iterable[HtmlElement]) -> bool:
    """Remove the elements still in the tree; True when any was."""
    dropped = False
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the element's tail text, which is not part of it
            dropped = True
    return dropped


@lru_cache(maxsize=256)
def _xpath(expression: str) -> XPath:
    return XPath(expression)


# --- after trafilatura: credits -----------------------------------------------------------------

# Words that open a Reuters-style sign-off clause: "Reporting by", "Additional reporting by",
# "Writing by", "Editing by", "Compiled by", "with reporting by", "Reporting and writing by".
_ROLE = (
    r"(?:with |additional |further )?"
    r"(?:reporting|writing|editing|compiled|research|graphics|production|produced|edited|written"
    r"|fact-checking|translation|video|photos?)"
)
# One clause of a sign-off: "<role>[ and <role>] by <names>".
SIGNOFF_CLAUSE_RE = re.compile(rf"(?:{_ROLE})(?: and (?:{_ROLE}))? by (?P<names>.+)", re.I)
# Where a sign-off splits into clauses: ";" always, "," only before the next "<role> by".
SIGNOFF_SPLIT_RE = re.compile(rf"\s*;\s*|,\s*(?=(?:{_ROLE})(?: and (?:{_ROLE}))? by )", re.I)
# How a sign-off starts: a cheap test before splitting a line into clauses.
SIGNOFF_START_RE = re.compile(rf"\(?{_ROLE}\b", re.I)
# A sign-off glued to the end of the last paragraph: "... he said. (Reporting by X)".
GLUED_SIGNOFF_RE = re.compile(rf"\s+(\((?:{_ROLE}) by [^()]+\))$", re.I)
# A byline line: "By Jane Doe, AP Business Writer", "Von Nina Magoley", "Par Les Echos".
BYLINE_RE = re.compile(r"(?:by|von|par|por|door|av|af):? (?P<names>[A-ZÀ-Þ].*)", re.I)
# A byline without "By": a name, a comma and the outlet ("KEN ROE, CanWest News Service",
# "Jane Roe, The Province", "Jo Roe, Goal.com"). The outlet must name itself as one (a press
# word or a domain), so "SAN JOSE, California" or "Smith, Jones" never pass.
_NAME = r"[A-ZÀ-Þ][\w'’.-]+(?: [A-ZÀ-Þ][\w'’.-]+){1,3}"
_OUTLET_WORDS = (
    r"news|press|service|wire|times|post|province|herald|journal|tribune|gazette|star|sun"
    r"|chronicle|daily|telegraph|guardian|observer|independent|examiner|reporter|correspondent"
    r"|writer|editor|staff"
)
NAME_OUTLET_RE = re.compile(
    rf"{_NAME}(?: and {_NAME})? ?, ?(?:the )?[A-ZÀ-Þ][\w'’.&-]*(?: [\w'’.&-]+){{0,4}}",
    re.I,
)
_OUTLET_WORD_RE = re.compile(rf"\b(?:{_OUTLET_WORDS})\b|\.(?:com|net|org|co\.uk)\b", re.I)
# Lower-case words allowed among names ("Maya Gebeily in Beirut and David Clarke in London");
# any other lower-case word means a sentence ("Reporting by the Times found that ...").
NAME_CONNECTOR_RE = re.compile(
    r"and|in|at|from|the|of|with|for|on|de|da|del|der|den|van|von|al|el|bin|la|le|du|dos|y|und"
    r"|et|staff|bureaus?|newsroom|desk|team"
)
# Also allowed in bylines, which carry a role and a time stamp after the names.
BYLINE_WORD_RE = re.compile(
    rf"{NAME_CONNECTOR_RE.pattern}|writers?|reporters?|correspondents?|editors?|ago|minutes?"
    r"|hours?|updated|published|[ap]\.?m"
)
# What separates words inside names: anything but letters, digits, apostrophes, dots, hyphens.
NAME_SPLIT_RE = re.compile(r"[^\w'’.-]+")
# Contributor lines: AP "... contributed to this report.", NYT "X contributed reporting from
# Hong Kong.", Canadian Press "With files from ...", Bloomberg "To contact the reporter on this
# story: ...".
CONTRIBUTOR_RE = re.compile(
    r".+\bcontributed (?:to (?:this|the) (?:report|story|article)|reporting\b.*)\.?"
    r"|.*\b(?:associated press|ap) (?:writers?|reporters?|correspondents?)\b.+\bcontributed\.?"
    r"|(?:—\s*)?(?:with files from|with reporting by) .+"
    r"|to contact the (?:reporters?|editors?|authors?) (?:on|of|for|responsible for) this story:.*",
    re.I,
)
# Contact and tip lines: an e-mail address, or "follow him/her" with a handle or network ("Email
# Jane Doe at jd@example.com", "Got a story? Email webnews@example.com"): not the story's credits.
CONTACT_RE = re.compile(
    r"[\w.+-]+@[\w-]+\.\w[\w.]*|\bfollow (?:him|her|them|me|us)\b[^.]*(?:@\w|twitter|facebook)",
    re.I,
)
# Source lines: "SOURCE: Al Jazeera News", "(Quelle: APA/sda/dpa)", "Fuente: EFE".
SOURCE_RE = re.compile(r"\(?(?:sources?|quellen?|fuentes?|fontes?|источник)\s?:\s?\S.*", re.I)


def is_signoff(line: str) -> bool:
    """True for a Reuters-style sign-off: "(Reporting by X in Y; Editing by Z)".

    Every clause must be "<role> by <names>" where the names hold no lower-case words but
    connectors, so a sentence that starts "Reporting by the Times showed ..." stays in the text.
    """
    if not SIGNOFF_START_RE.match(line):
        return False
    body = line.strip().rstrip(".").strip()
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1].rstrip(".").strip()
    if len(body.split()) > MAX_CREDIT_WORDS:
        return False
    clauses = [clause for clause in SIGNOFF_SPLIT_RE.split(body) if clause]
    return bool(clauses) and all(_is_signoff_clause(clause) for clause in clauses)


def _is_signoff_clause(clause: str) -> bool:
    match = SIGNOFF_CLAUSE_RE.fullmatch(clause.strip())
    return match is not None and _are_names(match["names"], NAME_CONNECTOR_RE)


def _are_names(text: str, allowed: re.Pattern[str]) -> bool:
    """True when every lower-case word of `text` is an `allowed` one (names are capitalised)."""
    words = [word.strip(".") for word in NAME_SPLIT_RE.split(text)]
    return all(not word or not word[0].islower() or allowed.fullmatch(word) for word in words)


def is_timestamp(line: str) -> bool:
    """True for a line that only says when (and perhaps by which wire) a story was published."""
    if (
        "(" in line
        or "\t" in line
        or line.rstrip().endswith(("-", "—", "–", ":"))
        or not TIMESTAMP_DATE_RE.search(line)
    ):
        return False
    rest = [
        word
        for word in TIMESTAMP_SPLIT_RE.split(line)
        if word and not TIMESTAMP_WORD_RE.fullmatch(word)
    ]
    return len(rest) <= MAX_TIMESTAMP_NAMES and all(word[0].isupper() for word in rest)


def is_link_row(line: str) -> bool:
    """True for a row of short link cells separated by "|", none a sentence."""
    cells = [cell for cell in LINK_ROW_SPLIT_RE.split(line) if cell]
    return (
        " |" in f" {line} "
        and len(cells) >= 2
        and all(
            len(cell.split()) <= MAX_LINK_ROW_CELL_WORDS and not cell.endswith((".", "!", "?"))
            for cell in cells
        )
    )


def is_byline(line: str) -> bool:
    """True for a byline: "By Jane Doe and John Roe, AP Writers", but not "By Monday, the ...";
    also a name and its outlet without "By" ("Jane Roe, The Province")."""
    match = BYLINE_RE.fullmatch(line)
    if match is not None:
        return _are_names(match["names"], BYLINE_WORD_RE)
    if NAME_OUTLET_RE.fullmatch(line) is None or SENTENCE_END_RE.search(line):
        return False
    outlet = line.rsplit(",", 1)[1]
    return _OUTLET_WORD_RE.search(outlet) is not None and _are_names(line, BYLINE_WORD_RE)


# --- after trafilatura: boilerplate -------------------------------------------------------------

# AP trailers after the story: "Follow AP's coverage of ...", "More AP NBA: https://...",
# "The Associated Press receives support from ... AP is solely responsible for all content."
AP_TRAILER_RE = re.compile(
    r"follow ap['’]s .+|more ap [\w ]+:.+|.*\bap is solely responsible for all content\.?", re.I
)
# Copyright and licence notices, in any language: "Copyright 2008 The Associated Press. All
# rights reserved. This material may not be published ...", "© dpa-infocom ...".
COPYRIGHT_RE = re.compile(r"(?:copyright\b|©|\(c\) \d{4}).*|.*\ball rights reserved\b.*", re.I)
# A copyright notice glued to the end of the last paragraph ("... the crew. Copyright (c) Press
# Association Ltd. 2008, All Rights Reserved."): the paragraph is too long for the line rule.
GLUED_COPYRIGHT_RE = re.compile(
    r"(?<=[.!?\"”’])\s+(?:copyright\b|©|\(c\))[^\n]{0,120}?\ball rights reserved\.?$", re.I
)
# Agencies' full names, as credit lines print them alone ("The Associated Press", "(c)
# Indo-Asian News Service"); the short names are the dateline parser's (newscrawl.agencies).
_AGENCY_FULL_NAMES = (
    "associated press",
    "agence france[- ]presse",
    "united press international",
    "press association",
    "canadian press",
    "australian associated press",
    "indo[- ]asian news service",
    "press trust of india",
    "deutsche presse[- ]agentur",
    "xinhua news agency",
    "kyodo news",
    "anadolu agency",
    "agencia efe",
)
_AGENCY_NAME = "|".join(
    [*_AGENCY_FULL_NAMES, *(re.escape(name) for name in AGENCIES if len(name) >= 3)]
)
# A line that is nothing but an agency's name: who supplied the story, a credit.
AGENCY_CREDIT_RE = re.compile(
    rf"[-—–]?\s*(?:(?:by|©|\(c\)|copyright)\s*)?(?:the\s+)?(?:{_AGENCY_NAME})"
    r"(?:,?\s+(?:ltd|\d{4}))*\.?",
    re.I,
)
# An agency writer's title on its own line: "AP White House Correspondent", "Reuters Staff Writer".
AGENCY_TITLE_RE = re.compile(
    rf"(?:AP|{_AGENCY_NAME})(?: [\w-]+){{0,3}} (?:writers?|correspondents?|reporters?|editors?)",
    re.I,
)
# A photo credit left in the text: "Photo Copyright Getty Images", "Photograph by : Jane Roe",
# "Benni Roe © Action Images" (the pictured name, then the credit).
PHOTO_CREDIT_RE = re.compile(
    r"(?:photo(?:graph)?|picture|image|foto)s?\s*(?:by|credit|copyright)\b\s*:?\s*\S.*"
    r"|(?:photo(?:graph)?|foto)s?\s*:\s*\S.*"
    r"|[^©\n]{1,60}\s©\s*\S.*",
    re.I,
)
# UI chrome that trafilatura keeps as lines of its own: skip links, banners, the text-size
# picker, share lists, comment counters, tags, reading-time and "Published on" stamps, old
# Reuters page furniture.
CHROME_RE = re.compile(
    r"accessibility links|skip to (?:main )?(?:content|navigation)|breaking news"
    r"|(?:xs|sm|md|lg)(?:\s+(?:xs|sm|md|lg))*"
    r"|(?:tweet|link|share|digg|email|print) this(?: article| story)?|reprints|full article"
    r"|reuters showcase|advertisement|story continues below advertisement|\d* ?comments"
    r"|most read from bloomberg|tags?(?::.*)?|filed under:.*"
    r"|\d+ ?min(?:ute)?s?\.? read"
    r"|(?:reading time|tempo de leitura|lesedauer|lesezeit|temps de lecture|tiempo de lectura"
    r"|tempo di lettura)\s?:?\s?\d.{0,20}"
    r"|(?:published|updated|last updated|posted)(?: on| at)?:? .{0,50}\d.{0,30}",
    re.I,
)
# Social-network prompts: "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube."
SOCIAL_RE = re.compile(
    r"follow (?:\S+ ){0,8}on (?:twitter|facebook|instagram|youtube|tiktok|linkedin|x)\b.*", re.I
)
# Words announcing links to other stories: "Related", "Read more", "DON'T MISS", "More".
_PROMO = (
    r"\[?(?:related(?: \w+){0,2}|read more|read also|also read|see also|see more|more"
    r"|don['’]t miss|you may also like|recommended(?: \w+)?|most read(?: in [\w ]+)?"
    r"|lesen sie auch|lies auch|auch interessant|mehr zum thema|à lire aussi|lire aussi"
    r"|leia também|lee también|leggi anche)"
)
# A line that only announces a list of links: "Related:", "DON'T MISS", "You may also like...".
PROMO_HEADER_RE = re.compile(rf"{_PROMO}\s*(?::|\.{{3}}|…)?", re.I)
# A link on the announcing line: "Read more: <headline>", "[Related: <headline>]".
PROMO_LINK_RE = re.compile(rf"{_PROMO}\s*:\s*\S.*", re.I)
# Newsletter prompts: "Sign up for our newsletter", "Subscribe to NJ.com's newsletters."
NEWSLETTER_RE = re.compile(r".*\b(?:sign up|subscribe|subscribing)\b.*\bnewsletters?\b.*", re.I)
# An item of a list of links: "- 15 Amazing Images of Stars".
LIST_ITEM_RE = re.compile(r"[-•*]\s+\S.*")
# A line that ends like a sentence; linked headlines in a list of links do not.
SENTENCE_END_RE = re.compile(r"[.!?:;\"”’)]$")
# Suffixes of link texts: Reuters screen-reader "opens new tab" ("the report, opens new tab by"
# reads "the report by"), blog share widgets "Click To Tweet".
LINK_SUFFIX_RE = re.compile(r",? opens new tab\b|\s*click to tweet$", re.I)
# A lone separator line: "___" before AP trailers (and between "The Latest" updates, where it
# stays: it separates the updates).
SEPARATOR_RE = re.compile(r"[_*=~-]{3,}|[*•·](?: ?[*•·]){2,}")
# Timestamps printed above or below a story: "Wednesday, January 09, 2008", "Posted : Thu, 10
# Jan 2008 03:47:03 GMT", "Last Updated: 2:55am GMT 29/12/2007", "3:56 a.m. January 8, 2008".
# A line is one when, its date, time and label words taken out, at most a few capitalised words
# are left (a wire or a place: "Associated Press - January 2, 2008 7:33 AM ET"), never a
# lower-case word of a sentence. Lines with a parenthesis or ending in a dash are left alone:
# they may be a dateline printed on its own ("NEW YORK, Jan. 8, 2008 (AP)"), for the datelines
# stage to read.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
TIMESTAMP_DATE_RE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s|,|$)"
    r"|(?<![\d./-])\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?![\d./-])"
    r"|(?<![\d./-])\d{1,2}/\d{1,2}(?=\s+\d{1,2}:\d{2})",  # "1/16 3:36 pm": month/day, a time
    re.I,
)
TIMESTAMP_WORD_RE = re.compile(
    rf"{_MONTH}|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
    r"|\d[\d:./-]*(?:st|nd|rd|th|am|pm|a\.m|p\.m|hrs)?\.?|[ap]\.?m\.?|hrs|gmt|utc|bst|cet|ist"
    r"|[ecmp][sd]t|et|us/eastern|posted|published|updated?|last|modified|created|edited|article"
    r"|date|time|on|at|of|the|by|am|pm",
    re.I,
)
TIMESTAMP_SPLIT_RE = re.compile(r"[\s,|:;()\[\]–—-]+")
# Story navigation and comment prompts: "Next story: <headline>", "Have your say", "Discuss this
# story on the message board", "Post a comment", "5 comments posted".
STORY_NAV_RE = re.compile(
    r"(?:[<«‹]+\s*)?(?:previous|prev|next|older|newer) (?:story|article|post|entry|item)\b.*", re.I
)
COMMENT_PROMPT_RE = re.compile(
    r"\W*(?:have your say|discuss this (?:story|article)|post (?:a|your) comments?"
    r"|add (?:a |your )?comments?|leave a (?:comment|reply)|write a comment|comment on this"
    r"|\d+ comments? posted|talkbacks? for this article|reader comments|read comments"
    r"|view comments|send us your comments|report this (?:post|comment)|quote \| report)\b.*",
    re.I,
)
# A row of short link cells: "E-mail this article | Printable version", "Quote | Report this".
LINK_ROW_SPLIT_RE = re.compile(r"\s+\|\s+|\s*\|\s*$|^\s*\|\s*")
# What comparing a line with a headline or an alt text ignores: case, punctuation, spacing.
NON_WORD_RE = re.compile(r"\W+")


PROMO_RULE = f"{GENERIC}:promo"
PROMO_HEADER_RULE = f"{GENERIC}:promo-header"
# Tried in order on every line short enough for them; the first that matches applies.
GENERIC_LINE_RULES = (
    LineRule(f"{GENERIC}:signoff", is_signoff, Action.CREDIT, MAX_CREDIT_WORDS),
    LineRule(f"{GENERIC}:contributors", CONTRIBUTOR_RE.fullmatch, Action.CREDIT, MAX_CREDIT_WORDS),
    LineRule(f"{GENERIC}:ap-trailer", AP_TRAILER_RE.fullmatch, Action.DROP, MAX_CREDIT_WORDS),
    LineRule(f"{GENERIC}:social", SOCIAL_RE.fullmatch, Action.DROP, MAX_CONTACT_WORDS),
    LineRule(f"{GENERIC}:contact", CONTACT_RE.search, Action.DROP, MAX_CONTACT_WORDS),
    LineRule(f"{GENERIC}:source", SOURCE_RE.fullmatch, Action.CREDIT, MAX_SOURCE_WORDS),
    LineRule(f"{GENERIC}:copyright", COPYRIGHT_RE.fullmatch, Action.DROP, MAX_CREDIT_WORDS),
    LineRule(
        f"{GENERIC}:agency-credit", AGENCY_CREDIT_RE.fullmatch, Action.CREDIT, MAX_SOURCE_WORDS
    ),
    LineRule(
        f"{GENERIC}:photo-credit",
        PHOTO_CREDIT_RE.fullmatch,
        Action.DROP,
        MAX_PHOTO_CREDIT_WORDS + 4,
    ),
    LineRule(f"{GENERIC}:chrome", CHROME_RE.fullmatch, Action.DROP, MAX_PROMO_WORDS),
    LineRule(f"{GENERIC}:byline", is_byline, Action.DROP, MAX_BYLINE_WORDS),
    LineRule(f"{GENERIC}:byline", AGENCY_TITLE_RE.fullmatch, Action.DROP, MAX_BYLINE_WORDS),
    LineRule(f"{GENERIC}:timestamp", is_timestamp, Action.DROP, MAX_TIMESTAMP_WORDS),
    LineRule(f"{GENERIC}:story-nav", STORY_NAV_RE.fullmatch, Action.DROP, MAX_NAV_WORDS),
    LineRule(f"{GENERIC}:comment-prompt", COMMENT_PROMPT_RE.fullmatch, Action.DROP, MAX_NAV_WORDS),
    LineRule(f"{GENERIC}:link-row", is_link_row, Action.DROP, MAX_PROMO_WORDS),
    LineRule(PROMO_HEADER_RULE, PROMO_HEADER_RE.fullmatch, Action.DROP, MAX_PROMO_WORDS),
    LineRule(PROMO_RULE, PROMO_LINK_RE.fullmatch, Action.DROP, MAX_PROMO_WORDS),
    LineRule(f"{GENERIC}:newsletter", NEWSLETTER_RE.fullmatch, Action.DROP, MAX_PROMO_WORDS),
)


# --- after trafilatura: the text ----------------------------------------------------------------


def clean_text(
    text: str, headlines: frozenset[str], rules: CleanupRules, fired: list[str]
) -> CleanedText:
    """Split trafilatura's text into clean body lines and credits, recording the rules fired."""
    lines = _plain_table_rows([line.strip() for line in text.splitlines()], fired)
    lines = _strip_link_suffixes(_unglue_signoffs([line for line in lines if line], fired), fired)
    lines = _drop_glued_copyright(lines, fired)
    body: list[str] = []
    credits: list[str] = []
    line_rules = GENERIC_LINE_RULES + _site_line_rules(rules)
    link_list: str | None = None  # the promo rule whose list of links the next line may continue
    for line in lines:
        if link_list and _continues_link_list(line, link_list):
            fired.append(link_list)
            continue
        words = len(line.split())
        # A line set in brackets ("[Published: 8-Jan-2008]") is judged by what it holds too.
        inner = line[1:-1].strip() if line[:1] == "[" and line[-1:] == "]" else None
        rule = next(
            (
                rule
                for rule in line_rules
                if words <= rule.max_words
                and (rule.matches(line) or (inner and rule.matches(inner)))
            ),
            None,
        )
        link_list = rule.name if rule and rule.name in (PROMO_RULE, PROMO_HEADER_RULE) else None
        if rule is None:
            body.append(line)
            continue
        fired.append(rule.name)
        if rule.action is Action.CREDIT:
            credits.append(line)
    body = _drop_trailing_separators(_drop_headlines(body, headlines, fired), fired)
    body, notes = split_endnotes(body)
    if notes:
        fired.append(f"{GENERIC}:endnotes")
    return CleanedText("\n".join(body), "\n".join(credits) or None)


def headline_keys(headlines: Iterable[str | None]) -> frozenset[str]:
    """Comparison keys of the page's headlines, with and without a trailing site name."""
    texts = [headline for headline in headlines if headline]
    texts += [SITE_SUFFIX_RE.split(text)[0] for text in texts]
    return frozenset(map(text_key, texts)) - {""}


def _continues_link_list(line: str, promo_rule: str) -> bool:
    """A list item goes on any list of links; a bare linked headline only goes under a header."""
    if len(line.split()) > MAX_LINK_WORDS:
        return False
    if LIST_ITEM_RE.fullmatch(line):
        return True
    return promo_rule == PROMO_HEADER_RULE and SENTENCE_END_RE.search(line) is None


def _plain_table_rows(lines: list[str], fired: list[str]) -> list[str]:
    """Table rows as plain lines of their non-empty cells; rows of empty cells dropped."""
    result = []
    for line in lines:
        plain = table_row_text(line)
        if plain is None:
            result.append(line)
            continue
        fired.append(f"{GENERIC}:table-row")
        if plain:
            result.append(plain)
    return result


def _unglue_signoffs(lines: list[str], fired: list[str]) -> list[str]:
    """Put a sign-off glued to the end of a paragraph on a line of its own."""
    result = []
    for line in lines:
        match = GLUED_SIGNOFF_RE.search(line)
        if match and is_signoff(match[1]):
            result += [line[: match.start()], match[1]]
            fired.append(f"{GENERIC}:glued-signoff")
        else:
            result.append(line)
    return result


def _strip_link_suffixes(lines: list[str], fired: list[str]) -> list[str]:
    """Take screen-reader and share-widget suffixes out of link texts."""
    stripped = [LINK_SUFFIX_RE.sub("", line) for line in lines]
    if stripped != lines:
        fired.append(f"{GENERIC}:link-suffix")
    return [line for line in stripped if line]


def _drop_glued_copyright(lines: list[str], fired: list[str]) -> list[str]:
    """The last paragraph without a copyright notice glued to its end (the line rules would
    drop the whole paragraph with it, or none of it when it is long)."""
    if not lines:
        return lines
    last = GLUED_COPYRIGHT_RE.sub("", lines[-1])
    if last == lines[-1]:
        return lines
    fired.append(f"{GENERIC}:copyright")
    return [*lines[:-1], last]


def _drop_trailing_separators(body: list[str], fired: list[str]) -> list[str]:
    """A separator left last, its trailer gone, separates nothing."""
    end = len(body)
    while end and SEPARATOR_RE.fullmatch(body[end - 1]):
        end -= 1
    if end < len(body):
        fired.append(f"{GENERIC}:separator")
    return body[:end]


def _drop_headlines(body: list[str], headlines: frozenset[str], fired: list[str]) -> list[str]:
    """Drop repeats of the headline among the first lines of the body, and kickers above them."""
    is_headline = [text_key(line) in headlines for line in body[:HEADLINE_WINDOW]]
    if not any(is_headline):
        return body
    fired.append(f"{GENERIC}:headline")
    last = max(i for i, repeat in enumerate(is_headline) if repeat)
    above = [line for line, repeat in zip(body[:last], is_headline, strict=False) if not repeat]
    kept = [line for line in above if len(line.split()) > MAX_KICKER_WORDS]
    if len(kept) < len(above):
        fired.append(f"{GENERIC}:kicker")
    return kept + body[last + 1 :]


def text_key(text: str) -> str:
    """Comparison key of a line: case, punctuation and spacing ignored."""
    return NON_WORD_RE.sub(" ", text.casefold()).strip()


def _site_line_rules(rules: CleanupRules) -> tuple[LineRule, ...]:
    """The source's trailer patterns as line rules, compiled once per pattern."""
    return tuple(_site_line_rule(rules.name, pattern) for pattern in rules.trailer_patterns)


@lru_cache(maxsize=256)
def _site_line_rule(source: str, pattern: str) -> LineRule:
    regex = re.compile(pattern, re.I)
    label = next(iter(regex.groupindex), "trailer").replace("_", "-")
    return LineRule(f"{source}:{label}", regex.fullmatch, Action.DROP, MAX_SITE_TRAILER_WORDS)
