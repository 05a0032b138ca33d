"""Write a `.warc.gz` of N varied, invented wire-news article pages, for benchmarks.

    python scripts/warcgen.py .bench/pages.warc.gz --pages 10000 --seed 0

Pages use five page templates modeled on the real sites (Reuters, AP, AFP partner pages, UPI and
a generic newspaper with the VOA/RFE-style chrome) with their chrome: skip links, breaking-news
banners, share buttons, text-size pickers, lead photos with captions, related-links boxes,
sign-offs and trailers. Story text comes from a seeded phrase grammar, so pages are distinct
(near-dup detection keeps them) while a few per cent are syndicated copies of an earlier story:
re-headlined on a newspaper site, one paragraph fewer, another dateline dash.

The same seed gives the same bytes. Pages are rendered and written one at a time; only the set
of URLs already issued grows (about 100 bytes a page), so memory stays flat with `--pages`.
The mock wire site's fixture pages (`tests/mocksite/`) were first rendered with these templates,
then edited by hand.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SYNDICATED_SHARE = 0.03  # share of pages that are syndicated copies: "a few per cent"
RECENT_STORIES = 64  # syndicated copies pick from this many recent wire stories (bounded memory)
FIRST_PUBLISHED = datetime(2024, 1, 2, 6, 0, tzinfo=UTC)
MEAN_GAP = timedelta(minutes=11)  # average time between two generated stories


@dataclass(frozen=True)
class Story:
    """Everything a page template shows. `paragraphs` and `trailer` hold inline HTML."""

    template: str  # reuters | apnews | afp | upi | newspaper
    url: str
    canonical: str
    site_name: str
    section: str
    headline: str
    summary: str
    authors: tuple[str, ...]
    author_title: str  # "AP Business Writer", or "" (AP bylines only)
    published: datetime
    modified: datetime
    dateline: str  # raw, with its separator and trailing space: "VIENNA, March 6 (Reuters) - "
    paragraphs: tuple[str, ...]
    caption: str
    image: str
    credits: str = ""  # Reuters sign-off, or a syndicated copy's last line
    trailer: tuple[str, ...] = ()  # AP paragraphs after the lone "___"
    promo: tuple[str, ...] = ()  # AP "What to know about ..." box: title, then bullet links
    promo_after: int = 2  # paragraph index the promo box follows
    related: tuple[tuple[str, str], ...] = ()  # (headline, url) for related-links boxes
    breaking: str = ""  # headline in the "Breaking News" banner


# -- page templates ----------------------------------------------------------------------------

_e = html.escape
# Reuters hides this suffix from sight but not from text extractors (the "opens new tab" leftover).
NEW_TAB = (
    '<span style="border:0;clip:rect(0 0 0 0);clip-path:inset(50%);height:1px;margin:-1px;'
    'overflow:hidden;padding:0;position:absolute;width:1px;white-space:nowrap">'
    ", opens new tab</span>"
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clock(moment: datetime) -> str:
    return f"{(moment.hour % 12) or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def _ap_month(moment: datetime) -> str:
    """AP style: March through July spelled out, other months abbreviated ("Sept.")."""
    if 3 <= moment.month <= 7:
        return f"{moment:%B}"
    return "Sept." if moment.month == 9 else f"{moment:%b}."


def _json_ld(s: Story) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": s.headline,
        "description": s.summary,
        "datePublished": _iso(s.published),
        "dateModified": _iso(s.modified),
        "author": [{"@type": "Person", "name": name} for name in s.authors],
        "publisher": {"@type": "Organization", "name": s.site_name},
        "image": [s.image],
        "articleSection": s.section,
        "mainEntityOfPage": {"@type": "WebPage", "@id": s.canonical},
        "inLanguage": "en",
    }
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")


def _head(s: Story, title: str) -> str:
    authors = "".join(f'<meta name="author" content="{_e(name)}">\n' for name in s.authors)
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<meta name="description" content="{_e(s.summary)}">
{authors}<link rel="canonical" href="{_e(s.canonical)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{_e(s.site_name)}">
<meta property="og:title" content="{_e(s.headline)}">
<meta property="og:description" content="{_e(s.summary)}">
<meta property="og:url" content="{_e(s.canonical)}">
<meta property="og:image" content="{_e(s.image)}">
<meta property="article:section" content="{_e(s.section)}">
<meta property="article:published_time" content="{_iso(s.published)}">
<meta property="article:modified_time" content="{_iso(s.modified)}">
<meta name="twitter:card" content="summary_large_image">
<link rel="stylesheet" href="/static/css/site.css">
<script type="application/ld+json">{_json_ld(s)}</script>
</head>"""


def _lead(s: Story) -> list[str]:
    """Paragraphs with the dateline glued to the first one, as wire copy prints it."""
    return [s.dateline + s.paragraphs[0], *s.paragraphs[1:]]


def _links(related: tuple[tuple[str, str], ...], cls: str) -> str:
    return "\n".join(f'<li class="{cls}"><a href="{_e(u)}">{_e(t)}</a></li>' for t, u in related)


def _reuters(s: Story) -> str:
    paragraphs = "\n".join(
        f'<div data-testid="paragraph-{i}" class="text__text__1FZLe text__regular__2N1Xr '
        f'article-body__paragraph__2-BtD">{p}</div>'
        for i, p in enumerate(_lead(s))
    )
    byline = " and ".join(
        f'<a href="/authors/{_slug(name)}/" class="author-name__link">{_e(name)}</a>'
        for name in s.authors
    )
    section = s.section.lower().replace(" ", "-")
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(s, s.headline + " | Reuters")}
<body>
<div id="fusion-app">
<a class="skip-link__link" href="#main-content">Skip to main content</a>
<header class="site-header__container" data-testid="SiteHeader">
<a class="site-header__logo" href="/" aria-label="Reuters home page">Reuters</a>
<nav class="site-header__nav" aria-label="Main"><ul>
<li><a href="/world/">World</a></li><li><a href="/business/">Business</a></li>
<li><a href="/markets/">Markets</a></li><li><a href="/sustainability/">Sustainability</a></li>
<li><a href="/legal/">Legal</a></li><li><a href="/breakingviews/">Breakingviews</a></li>
<li><a href="/technology/">Technology</a></li><li><a href="/investigates/">Investigations</a></li>
<li><a href="/markets/">More</a></li></ul></nav>
<a class="site-header__button" href="/account/register/sign-up/">Register</a>
<a class="site-header__button" href="/account/sign-in/">Sign In</a>
</header>
<div class="breaking-news-banner" data-testid="BreakingNewsBanner">
<span class="breaking-news-banner__label">Breaking News</span>
<a href="{_e(s.related[0][1])}">{_e(s.breaking)}</a></div>
<main id="main-content" class="regular-article-layout__main">
<article class="article__container__2YHWw">
<header class="article-header__container">
<nav class="article-header__tags" aria-label="Tags"><a href="/{section}/">{_e(s.section)}</a>
</nav>
<h1 data-testid="Heading" class="text__heading_3__1kDhc">{_e(s.headline)}</h1>
<div class="article-header__byline" data-testid="AuthorByline">By {byline}</div>
<div class="article-header__dateline" data-testid="DateLineText">
<time datetime="{_iso(s.published)}"><span>{_long_date(s.published)}</span>
<span>{_clock(s.published)} UTC</span><span>Updated {_long_date(s.modified)}</span></time>
</div>
<div data-testid="toolbar-container" class="article-header__toolbar">
<button data-testid="toolbar-item-parent-share" aria-label="Share">Share</button>
<ul data-testid="toolbar-item-dropdown-share">
<li><a data-testid="twitter" href="#">X</a></li><li><a data-testid="facebook" href="#">Facebook</a>
</li><li><a data-testid="linkedin" href="#">Linkedin</a></li>
<li><a data-testid="email" href="#">Email</a></li><li><a data-testid="link" href="#">Link</a></li>
</ul>
<button data-testid="toolbar-item-parent-text" aria-label="Text size">Text size</button>
<ul data-testid="toolbar-item-dropdown-text">
<li><button data-testid="small-text">Small</button></li>
<li><button data-testid="medium-text">Medium</button></li>
<li><button data-testid="large-text">Large</button></li></ul>
</div>
</header>
<div data-testid="primary-image" class="article-body__primary-asset">
<figure class="primary-image__container">
<img src="{_e(s.image)}" alt="{_e(s.caption)}" width="1920" height="1280">
<figcaption class="collapsible-caption__container">
<span class="collapsible-caption__text" data-testid="Body">{_e(s.caption)}</span>
<a class="collapsible-caption__license" href="https://www.reutersagency.com/en/licensing/">Purchase
 Licensing Rights{NEW_TAB}</a>
</figcaption></figure></div>
<div data-testid="ArticleBody" class="article-body__content__17Yit">
{paragraphs}
<div class="article-body__element"><p data-testid="Body" class="sign-off__text__PU3Aj">\
{_e(s.credits)}</p></div>
<p data-testid="Body" class="article-body__element">Our Standards: <a data-testid="Link"
 href="https://www.thomsonreuters.com/en/about-us/trust-principles.html" target="_blank">The
 Thomson Reuters Trust Principles.{NEW_TAB}</a></p>
</div>
</article>
<aside class="read-next__container" data-testid="read-next-buttons">
<h2 class="read-next__heading">Read Next</h2>
<ul>
{_links(s.related, "read-next__item")}
</ul></aside>
</main>
<footer class="site-footer__container">
<p>Get sponsored content, news and more in our newsletters.</p>
<ul><li><a href="/info-pages/about-us/">About Reuters</a></li>
<li><a href="/info-pages/careers/">Careers</a></li>
<li><a href="/info-pages/terms-of-use/">Terms of Use</a></li>
<li><a href="/info-pages/privacy-policy/">Privacy</a></li>
<li><a href="/info-pages/accessibility/">Accessibility</a></li></ul>
<p>All quotes delayed a minimum of 15 minutes. © {s.published.year} Reuters. All rights
 reserved</p>
</footer>
</div>
</body>
</html>
"""


def _ap(s: Story) -> str:
    parts = [f"<p>{p}</p>" for p in _lead(s)]
    if s.promo:
        items = "\n".join(
            f'<li><a class="Link" href="https://apnews.com/article/{_slug(t)}">{_e(t)}</a></li>'
            for t in s.promo[1:]
        )
        parts.insert(
            s.promo_after + 1,
            f'<div class="Enhancement" data-align-center>\n<div class="Infobox">\n'
            f'<h3 class="Infobox-title">{_e(s.promo[0])}</h3>\n<ul>\n{items}\n</ul>\n'
            f"</div>\n</div>",
        )
    if s.trailer:
        parts += ["<p>___</p>", *(f"<p>{p}</p>" for p in s.trailer)]
    names = " and ".join(f'<span class="Link">{_e(name.upper())}</span>' for name in s.authors)
    role = f", {_e(s.author_title)}" if s.author_title else ""
    stamp = int(s.modified.timestamp() * 1000)
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html class="Page" lang="en">
{_head(s, s.headline + " | AP News")}
<body class="Page-body">
<a class="Page-skipToContent" href="#main">Skip to main content</a>
<bsp-header class="Page-header">
<div class="Page-header-bar">
<a class="Page-header-logo" href="https://apnews.com/" aria-label="AP Logo">AP Logo</a>
<nav class="Page-header-navigation"><ul class="Navigation-items">
<li><a href="https://apnews.com/world-news">World</a></li>
<li><a href="https://apnews.com/us-news">U.S.</a></li>
<li><a href="https://apnews.com/politics">Politics</a></li>
<li><a href="https://apnews.com/sports">Sports</a></li>
<li><a href="https://apnews.com/entertainment">Entertainment</a></li>
<li><a href="https://apnews.com/business">Business</a></li>
<li><a href="https://apnews.com/science">Science</a></li>
<li><a href="https://apnews.com/hub/ap-fact-check">Fact Check</a></li>
<li><a href="https://apnews.com/oddities">Oddities</a></li>
<li><a href="https://apnews.com/newsletters">Newsletters</a></li></ul></nav>
<a class="Page-header-donate" href="https://apnews.com/donate">Donate</a>
</div>
<div class="StickyHeader"><div class="StickyHeader-headline">{_e(s.headline)}</div></div>
</bsp-header>
<div class="BreakingNewsBar"><span class="BreakingNewsBar-label">Breaking News</span>
<a class="Link" href="{_e(s.related[0][1])}">{_e(s.breaking)}</a></div>
<main class="Page-main" id="main">
<bsp-story-page class="StoryPage">
<div class="Page-breadcrumbs"><a class="Link" href="https://apnews.com/{_slug(s.section)}">\
{_e(s.section)}</a></div>
<h1 class="Page-headline">{_e(s.headline)}</h1>
<div class="StoryPage-actions-wrapper">
<div class="Page-byline"><div class="Page-byline-info">
<div class="Page-authors">By&nbsp;{names}{role}</div>
<div class="Page-dateModified"><bsp-timestamp data-timestamp="{stamp}">
<span data-date>Updated {_clock(s.modified)} UTC, {_long_date(s.modified)}</span>
</bsp-timestamp></div></div></div>
<bsp-page-actions class="Page-actions">
<button class="Page-actions-trigger">Share</button>
<ul class="Page-actions-menu">
<li><a class="Page-actions-link" href="#">Facebook</a></li>
<li><button class="Page-actions-copy">Copy Link copied</button></li>
<li><a class="Page-actions-link" href="#">Print</a></li>
<li><a class="Page-actions-link" href="#">Email</a></li>
<li><a class="Page-actions-link" href="#">X</a></li>
<li><a class="Page-actions-link" href="#">LinkedIn</a></li>
<li><a class="Page-actions-link" href="#">Bluesky</a></li>
<li><a class="Page-actions-link" href="#">Reddit</a></li></ul>
</bsp-page-actions>
</div>
<div class="Page-lead"><div class="CarouselSlide">
<figure class="Figure"><picture><img class="Image" alt="{_e(s.caption)}" src="{_e(s.image)}">
</picture><figcaption class="Figure-caption"><div class="CaptionContent"><p>{_e(s.caption)}</p>
</div><span class="Figure-caption-more">Read More</span></figcaption></figure>
</div></div>
<div class="RichTextStoryBody RichTextBody">
{body}
</div>
</bsp-story-page>
<div class="Page-below"><div class="PageList">
<h2 class="PageList-header-title">Most read</h2>
<ul class="PageList-items">
{_links(s.related, "PageList-items-item")}
</ul></div></div>
</main>
<footer class="Page-footer">
<ul class="Page-footer-links">
<li><a href="https://apnews.com/about">About</a></li>
<li><a href="https://apnews.com/contact-us">Contact Us</a></li>
<li><a href="https://apnews.com/accessibility-statement">Accessibility Statement</a></li>
<li><a href="https://apnews.com/terms-of-use">Terms of Use</a></li>
<li><a href="https://apnews.com/privacy-policy">Privacy Policy</a></li>
<li><a href="#">Cookie Settings</a></li>
<li><a href="#">Do Not Sell or Share My Personal Information</a></li></ul>
<p class="Page-footer-disclaimer">Copyright {s.published.year} The Associated Press. All
 Rights Reserved.</p>
</footer>
</body>
</html>
"""


def _afp(s: Story) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in _lead(s))
    words = sum(len(p.split()) for p in s.paragraphs)
    minutes = max(1, round(words / 150))
    byline = " with ".join(f'<span class="author">{_e(name)}</span>' for name in s.authors)
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
{_head(s, s.headline + " | AFP")}
<body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<header class="site-header" role="banner">
<a class="site-logo" href="/en" rel="home">AFP</a>
<nav class="main-menu" aria-label="Main navigation"><ul>
<li><a href="/en/news">News</a></li><li><a href="/en/world">World</a></li>
<li><a href="/en/business">Business</a></li><li><a href="/en/sport">Sport</a></li>
<li><a href="/en/culture">Culture</a></li><li><a href="/en/science">Science</a></li>
<li><a href="https://factcheck.afp.com/">Fact Check</a></li></ul></nav>
<ul class="language-switcher"><li><a href="/en">EN</a></li><li><a href="/fr">FR</a></li>
<li><a href="/es">ES</a></li><li><a href="/de">DE</a></li><li><a href="/pt">PT</a></li>
<li><a href="/ar">AR</a></li></ul>
</header>
<div class="breaking-news" role="region" aria-label="Breaking News">
<span class="breaking-news__label">Breaking News</span>
<a href="{_e(s.related[0][1])}">{_e(s.breaking)}</a></div>
<main id="main-content" role="main">
<article class="node node--type-article node--view-mode-full">
<div class="article-kicker"><a href="/en/{_slug(s.section)}">{_e(s.section)}</a></div>
<h1 class="article-title"><span>{_e(s.headline)}</span></h1>
<div class="article-byline">By {byline}<span class="agency"> - AFP</span></div>
<div class="article-dates">
<span class="published">Published on {_long_date(s.published)} - {s.published:%H:%M}</span>
<span class="updated">Updated {_long_date(s.modified)} - {s.modified:%H:%M}</span>
<span class="reading-time">{minutes} min read</span></div>
<div class="article-tools">
<ul class="share-buttons"><li><a href="#">Facebook</a></li><li><a href="#">X</a></li>
<li><a href="#">WhatsApp</a></li><li><a href="#">Email</a></li><li><a href="#">Copy link</a></li>
</ul>
<div class="text-size" role="group" aria-label="Text size"><button>XS</button>
<button>SM</button><button>MD</button><button>LG</button></div>
</div>
<figure class="article-image">
<img src="{_e(s.image)}" alt="{_e(s.caption)}" loading="eager">
<figcaption><span class="legend">{_e(s.caption)}</span></figcaption>
</figure>
<div class="article-body text-formatted">
{paragraphs}
</div>
<p class="article-copyright">Copyright © AFP {s.published.year}. All rights reserved. This
 material may not be published, broadcast, rewritten or redistributed.</p>
</article>
<aside class="related-content"><h2>Related content</h2>
<ul>
{_links(s.related, "related-content__item")}
</ul></aside>
</main>
<footer class="site-footer" role="contentinfo">
<ul><li><a href="/en/agency/about-afp">About AFP</a></li><li><a href="/en/contact">Contact</a></li>
<li><a href="/en/legal">Legal notice</a></li><li><a href="/en/privacy">Privacy policy</a></li></ul>
<p>© Agence France-Presse {s.published.year}</p>
</footer>
</body>
</html>
"""


def _upi(s: Story) -> str:
    paragraphs = [f"<p>{p}</p>" for p in _lead(s)]
    related_box = (
        '<div class="related-box"><h3>Related</h3>\n<ul>\n'
        + _links(s.related[:2], "related-box__item")
        + "\n</ul></div>"
    )
    paragraphs.insert(min(3, len(paragraphs)), related_box)  # UPI boxes sit between paragraphs
    body = "\n".join(paragraphs)
    author = ", ".join(_e(name) for name in s.authors)
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(s, s.headline + " - UPI.com")}
<body>
<a class="skip-link" href="#article">Skip to main content</a>
<header class="header">
<a class="logo" href="https://www.upi.com/">UPI</a>
<nav class="header-nav"><ul>
<li><a href="/Top_News/">Top News</a></li><li><a href="/Top_News/US/">U.S. News</a></li>
<li><a href="/Top_News/World-News/">World News</a></li><li><a href="/Top_News/Featured/">
Featured</a></li><li><a href="/Odd_News/">Odd News</a></li>
<li><a href="/Entertainment_News/">Entertainment</a></li><li><a href="/Science_News/">Science</a>
</li><li><a href="/Health_News/">Health</a></li><li><a href="/Sports_News/">Sports</a></li>
<li><a href="/News_Photos/">Photos</a></li><li><a href="/Archives/">Archives</a></li></ul></nav>
</header>
<div class="breaking"><b>Breaking News</b> <a href="{_e(s.related[0][1])}">{_e(s.breaking)}</a>
</div>
<main class="container">
<article id="article" class="story" itemscope itemtype="https://schema.org/NewsArticle">
<div class="breadcrumb"><a href="/Top_News/">Top News</a> / <a href="/Top_News/{_e(s.section)}/">\
{_e(s.section.replace("-", " "))}</a></div>
<h1 class="headline" itemprop="headline">{_e(s.headline)}</h1>
<div class="article-info">By <a class="author" href="/Author/{_slug(s.authors[0])}/">{author}</a>
 | <time datetime="{_iso(s.published)}">{_ap_month(s.published)} {s.published.day},
 {s.published.year} / {_clock(s.published)}</time></div>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a>
 <a href="#">Print</a> <span class="font-size">XS SM MD LG</span></div>
<figure class="lead-photo">
<img src="{_e(s.image)}" alt="{_e(s.caption)}" width="1200" height="800">
<figcaption>{_e(s.caption)} | <a href="/News_Photos/">License Photo</a></figcaption>
</figure>
<div class="article-body" itemprop="articleBody">
{body}
</div>
<div class="copyright">Copyright {s.published.year} United Press International, Inc. All Rights
 Reserved.</div>
</article>
<aside class="latest"><h3>Latest Headlines</h3>
<ul>
{_links(s.related, "latest__item")}
</ul></aside>
</main>
<footer class="footer"><a href="/About/">About UPI</a> | <a href="/Contact/">Contact</a> |
 <a href="/Privacy_Policy/">Privacy Policy</a> | <a href="/Terms_of_Use/">Terms of Use</a></footer>
</body>
</html>
"""


def _newspaper(s: Story) -> str:
    first, *rest = s.paragraphs
    dateline = f'<span class="dateline">{_e(s.dateline)}</span>' if s.dateline else ""
    paragraphs = [f"<p>{dateline}{first}</p>", *(f"<p>{p}</p>" for p in rest)]
    if s.credits:
        paragraphs.append(f'<p class="credits">{_e(s.credits)}</p>')
    body = "\n".join(paragraphs)
    author = " and ".join(f'<a href="/author/{_slug(n)}">{_e(n)}</a>' for n in s.authors)
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
{_head(s, s.headline + " | " + s.site_name)}
<body class="pg-article">
<div class="skip-links"><p class="skip-links__title">Accessibility links</p>
<ul><li><a href="#content">Skip to main content</a></li>
<li><a href="#navigation">Skip to main Navigation</a></li>
<li><a href="#search">Skip to Search</a></li></ul></div>
<header class="hdr" id="navigation">
<a class="hdr__logo" href="/">{_e(s.site_name)}</a>
<nav class="hdr__menu"><ul><li><a href="/news/local/">Local</a></li>
<li><a href="/news/nation-world/">Nation &amp; World</a></li><li><a href="/news/business/">Business
</a></li><li><a href="/sports/">Sports</a></li><li><a href="/opinion/">Opinion</a></li>
<li><a href="/obituaries/">Obituaries</a></li><li><a href="/weather/">Weather</a></li></ul></nav>
<form class="hdr__search" id="search" action="/search"><input name="q" placeholder="Search">
<button>Search</button></form>
<a class="hdr__subscribe" href="/subscribe/">Subscribe</a>
</header>
<div class="breaking-news"><span class="breaking-news__label">Breaking News</span></div>
<main id="content">
<article class="article">
<div class="category"><a href="/news/{_slug(s.section)}/">{_e(s.section)}</a></div>
<h1 class="title pg-title">{_e(s.headline)}</h1>
<div class="authors">By {author}</div>
<time class="published" datetime="{_iso(s.published)}">{_long_date(s.published)}
 {_clock(s.published)}</time>
<div class="share-links"><span>Share</span><a href="#">Facebook</a><a href="#">X</a>
<a href="#">Email</a><a href="#">Print</a></div>
<figure class="media-pholder">
<div class="img-wrap"><img src="{_e(s.image)}" alt="{_e(s.caption)}"></div>
<figcaption><span class="caption">{_e(s.caption)}</span></figcaption>
</figure>
<p class="media-caption--expanded">{_e(s.caption)}</p>
<div class="body-container"><div class="wsw" id="article-content">
{body}
</div></div>
<ul class="text-size-picker" aria-label="Text size">
<li><button>XS</button></li><li><button>SM</button></li><li><button>MD</button></li>
<li><button>LG</button></li></ul>
</article>
<section class="related"><h2>Related</h2>
<ul>
{_links(s.related, "related__item")}
</ul></section>
</main>
<footer class="ftr"><ul><li><a href="/about/">About us</a></li>
<li><a href="/contact/">Contact</a></li><li><a href="/terms/">Terms of Service</a></li>
<li><a href="/privacy/">Privacy Policy</a></li></ul>
<p>© {s.published.year} {_e(s.site_name)}. All rights reserved.</p></footer>
</body>
</html>
"""


TEMPLATES: dict[str, Callable[[Story], str]] = {
    "reuters": _reuters,
    "apnews": _ap,
    "afp": _afp,
    "upi": _upi,
    "newspaper": _newspaper,
}


def render(story: Story) -> str:
    """The full HTML page of a story, in its template."""
    return TEMPLATES[story.template](story)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


# -- WARC records -------------------------------------------------------------------------------


def http_date(moment: datetime) -> str:
    """RFC 9110 date for HTTP headers: `Fri, 07 Mar 2025 09:12:44 GMT`."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def write_response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    fetched: datetime,
    record_id: str,
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
) -> None:
    """Write one `response` record: HTTP status line, headers (plus length and date), body."""
    http = StatusAndHeaders(
        status,
        [*(headers or []), ("Content-Length", str(len(body))), ("Date", http_date(fetched))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Record-ID": record_id, "WARC-Date": _iso(fetched)},
    )
    writer.write_record(record)


def write_warcinfo(writer: WARCWriter, filename: str, record_id: str, date: datetime) -> None:
    """Write the leading `warcinfo` record with fixed id and date (reproducible output)."""
    fields = {
        "software": "newscrawl test tooling (warcio)",
        "format": "WARC File Format 1.0",
        "description": "Invented wire stories in page templates modeled on real news sites",
    }
    payload = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode()
    record = writer.create_warc_record(
        "",
        "warcinfo",
        payload=BytesIO(payload),
        length=len(payload),
        warc_headers_dict={
            "WARC-Record-ID": record_id,
            "WARC-Date": _iso(date),
            "WARC-Filename": filename,
        },
    )
    writer.write_record(record)


# -- story generator ------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "David", "Maria", "James", "Li", "Fatima", "Carlos", "Sofia", "Daniel", "Aisha",
    "Tom", "Elena", "Kenji", "Grace", "Omar", "Nina", "Peter", "Priya", "Lucas", "Hannah",
    "Mateo", "Chloe", "Samuel", "Ingrid", "Ravi", "Laura", "Victor", "Mei", "Joseph", "Amara",
    "Felix", "Rosa", "Jonas", "Leila", "Marcus", "Yuki", "Andrea", "Kofi", "Sara", "Ivan",
)  # fmt: skip
LAST_NAMES = (
    "Keller", "Moreno", "Okafor", "Lindqvist", "Chen", "Haddad", "Novak", "Reyes", "Brennan",
    "Takahashi", "Mensah", "Duarte", "Hughes", "Varga", "Petrov", "Nakamura", "Osei", "Ferrari",
    "Kowalski", "Sandoval", "Whitfield", "Abara", "Lund", "Castillo", "Dubois", "Marsh", "Singh",
    "Holloway", "Farouk", "Ortega", "Bauer", "Quinn", "Santos", "Adeyemi", "Kim", "Larsen",
    "Romano", "Patel", "Gallagher", "Ibrahim",
)  # fmt: skip
SUBJECTS = (
    "the central bank", "the transport ministry", "city officials", "the regional government",
    "the company", "the union", "federal regulators", "the state legislature",
    "local health authorities", "the port authority", "the energy regulator",
    "opposition lawmakers", "the school district", "the airline", "the utility",
    "the finance ministry", "emergency officials", "the appeals court", "the county board",
    "the mining company", "the water authority", "the national railway", "the trade ministry",
    "the city council", "farm groups", "the environment agency", "the shipping line",
)  # fmt: skip
VERBS = (
    "approved", "rejected", "delayed", "announced", "proposed", "criticized", "defended",
    "unveiled", "postponed", "expanded", "scaled back", "questioned", "endorsed", "suspended",
    "revived", "challenged", "finalized", "reopened talks on", "set aside", "fast-tracked",
)  # fmt: skip
TOPICS = (
    "public transit", "housing construction", "water supplies", "offshore wind", "grain exports",
    "teacher pay", "airport expansion", "hospital staffing", "coastal flood defenses",
    "electric vehicle chargers", "rural broadband", "steel imports", "wildfire prevention",
    "pension funds", "fishing quotas", "cross-border rail", "data centers", "bridge repairs",
    "food prices", "mining permits", "school meals", "drought relief", "nurse training",
    "freight rail", "battery recycling", "river dredging", "rent controls", "bus routes",
    "solar farms", "child care subsidies", "bird flu testing", "port security",
)  # fmt: skip
OBJECTS = (
    "a plan to overhaul {topic}", "new rules on {topic}", "a {money} package for {topic}",
    "an inquiry into {topic}", "a proposal to cap spending on {topic}",
    "a long-delayed review of {topic}", "emergency funding for {topic}",
    "a pilot program for {topic}", "tighter oversight of {topic}", "a tax credit for {topic}",
    "a {money} contract for {topic}", "a five-year strategy on {topic}",
)  # fmt: skip
TIMES = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "late on Friday",
    "over the weekend", "earlier this week", "last month", "after a closed-door meeting",
    "at a news conference", "in a statement", "after an all-night session", "in a court filing",
)  # fmt: skip
ATTRIBUTIONS = (
    "officials said", "according to people familiar with the matter", "a spokesperson said",
    "according to a statement", "two sources said", "the agency said", "documents showed",
    "according to figures published by the government", "a senior official said",
)  # fmt: skip
REASONS = (
    "citing rising costs", "after weeks of negotiations", "despite objections from {group}",
    "amid concerns about {topic}", "as demand for {topic} grew", "following a review of {topic}",
    "under pressure from {group}", "after a court ruling last year",
    "as inflation squeezed budgets", "ahead of elections due next year",
)  # fmt: skip
GROUPS = (
    "environmental groups", "residents", "business owners", "farmers", "local unions",
    "consumer advocates", "neighboring towns", "industry associations", "parents' groups",
    "small landlords", "commuter groups", "fishing cooperatives",
)  # fmt: skip
ROLES = (
    "an economist at", "a spokesperson for", "the chief executive of", "a senior analyst at",
    "a professor of public policy at", "the director of", "a board member of",
    "a researcher at", "the president of", "a lawyer for",
)  # fmt: skip
ORGS = (
    "Northfield Capital", "the Harbor Institute", "Meridian Analytics", "Summit Power",
    "the Coastal Research Center", "Pinecrest University", "Atlas Logistics",
    "the Greenway Alliance",
    "Redline Transit", "Bluewater Shipping", "the Civic Budget Project", "Granite Ridge Bank",
    "the Open Roads Council", "Lakeview Health", "the Prairie Growers Association",
    "Silverline Data", "the Institute for Fiscal Studies of the Midlands", "Crescent Foods",
)  # fmt: skip
QUOTES = (
    "We cannot afford to wait another year", "This is a step in the right direction",
    "Nobody should pretend this will be cheap", "The numbers simply do not add up",
    "People here have heard big promises before", "We expect the first results by the summer",
    "It is the biggest change in a generation", "We will keep pushing until it is fixed",
    "Families are the ones who pay for these delays", "The market had already priced this in",
    "We were not consulted, and that is the problem", "Frankly, it is overdue",
    "There is still a lot of work to do", "This gives us room to plan for the long term",
    "The risk now is policy, not demand", "We need clear rules, not more studies",
)  # fmt: skip
METRICS = (
    "Exports", "Factory output", "Retail sales", "Home prices", "Passenger numbers",
    "Electricity demand", "Hotel bookings", "Grain shipments", "Jobless claims",
    "Freight volumes", "New car registrations", "Wholesale egg prices", "Rents",
)  # fmt: skip
CAPTIONS = (
    "People walk past a shuttered storefront", "Workers load containers onto a cargo ship",
    "Commuters wait on a crowded train platform", "A farmer inspects a field of wheat",
    "Lawmakers arrive for a vote", "Wind turbines stand on a ridge", "Volunteers fill sandbags",
    "Shoppers browse produce at a market", "A crane lifts steel beams at a construction site",
    "Protesters gather outside the legislature", "Firefighters work near a burned hillside",
    "A ferry leaves the harbor", "Students line up outside a school", "Traffic crawls on a highway",
)  # fmt: skip
HEADLINE_SHAPES = (
    "{Place} {verb_h} {obj_h}", "{Subject} {verb_h} {obj_h} {reason_h}",
    "{Metric} {move_h} {pct}% in {Month} as {topic} {pressure}",
    "{Subject} to {verb_i} {obj_h} after {event}", "{Place} {verb_h} {obj_h}, {orgshort} says",
)  # fmt: skip
VERBS_H = ("approves", "delays", "rejects", "unveils", "expands", "suspends", "revives", "backs")
VERBS_I = ("review", "expand", "cut", "rethink", "fund", "pause", "speed up", "overhaul")
EVENTS = (
    "court ruling", "months of talks", "budget shortfall", "audit", "storm damage",
    "election upset", "strike threat", "price surge",
)  # fmt: skip
PRESSURES = ("weighs", "lifts", "drags", "holds steady", "adds pressure")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
AFFECTED = ("households", "workers", "students", "commuters", "patients", "small businesses")
DEADLINES = ("the end of the year", "next spring", "2027", "the summer of 2026", "late 2028")
RESPONSES = ("challenge the decision in court", "hold protests", "seek talks with officials")
SINCE = ("last year's floods", "the pandemic", "a critical audit in 2022", "the last election")
SITES = {
    "reuters": ("Reuters", "https://www.reuters.com"),
    "apnews": ("AP News", "https://apnews.com"),
    "afp": ("AFP", "https://www.afp.com"),
    "upi": ("UPI", "https://www.upi.com"),
}
NEWSPAPERS = (
    ("The Harbor Ledger", "https://www.harborledger.example"),
    ("Valley Courier", "https://www.valleycourier.example"),
    ("The Northern Star-Gazette", "https://www.northernstargazette.example"),
    ("Lakeside Daily", "https://www.lakesidedaily.example"),
)
CITIES = {
    "reuters": (
        "LONDON", "WASHINGTON", "TOKYO", "FRANKFURT", "SINGAPORE", "JOHANNESBURG", "SAO PAULO",
        "MUMBAI", "PARIS", "BRUSSELS", "HONG KONG", "SYDNEY", "TORONTO", "MEXICO CITY", "SEOUL",
        "DUBAI", "NAIROBI", "BERLIN", "NEW YORK", "HOUSTON", "ISTANBUL", "WARSAW", "OSLO",
    ),
    "apnews": (
        "WASHINGTON", "NEW YORK", "HAYWARD, Calif.", "ST. JOSEPH, Mich.", "PHOENIX", "ATLANTA",
        "BOISE, Idaho", "DES MOINES, Iowa", "TULSA, Okla.", "SPOKANE, Wash.", "BANGOR, Maine",
        "SAVANNAH, Ga.", "FLAGSTAFF, Ariz.", "DULUTH, Minn.", "BILLINGS, Mont.",
        "TAIPEI, Taiwan", "MEXICO CITY", "LONDON", "CHICAGO", "DENVER",
    ),
    "afp": (
        "Paris", "Geneva", "Jakarta", "Nairobi", "Rio de Janeiro", "Manila", "Dakar", "Bangkok",
        "Lima", "Hanoi", "Athens", "Lagos", "Tallinn", "Montreal", "Abidjan",
    ),
    "upi": (
        "NEW YORK", "LOS ANGELES", "WASHINGTON", "SEOUL", "MIAMI", "CHICAGO", "LONDON",
        "HOUSTON", "ATLANTA", "TOKYO", "BOSTON", "DALLAS",
    ),
}  # fmt: skip
SECTIONS = {
    "reuters": ("World", "Business", "Markets", "Sustainability", "Technology", "Legal"),
    "apnews": ("U.S. News", "World News", "Business", "Politics", "Science", "Climate"),
    "afp": ("World", "Business", "Science", "Environment", "Culture"),
    "upi": ("US", "World-News", "Science_News", "Health_News", "Business_News"),
    "newspaper": ("Local", "Business", "Nation & World", "Environment"),
}


class StoryGenerator:
    """Seeded, streaming generator of distinct stories in the five templates."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.recent: deque[Story] = deque(maxlen=RECENT_STORIES)
        self.urls: set[str] = set()  # URLs only, to keep them unique; a few MB for 10^5 pages
        self.clock = FIRST_PUBLISHED

    def _pick(self, items: tuple[str, ...]) -> str:
        return self.rng.choice(items)

    def _person(self) -> str:
        return f"{self._pick(FIRST_NAMES)} {self._pick(LAST_NAMES)}"

    def _fill(self, text: str) -> str:
        money = f"${self.rng.randint(2, 900)} {self._pick(('million', 'billion'))}"
        return text.format(topic=self._pick(TOPICS), group=self._pick(GROUPS), money=money)

    def _sentence(self, quote_marks: tuple[str, str]) -> str:
        r = self.rng
        shape = r.randrange(8)
        subject = self._pick(SUBJECTS)
        obj = self._fill(self._pick(OBJECTS))
        if shape == 0:
            return (
                f"{subject[0].upper()}{subject[1:]} {self._pick(VERBS)} {obj} "
                f"{self._pick(TIMES)}, {self._pick(ATTRIBUTIONS)}."
            )
        if shape == 1:
            q1, q2 = quote_marks
            return (
                f"{q1}{self._pick(QUOTES)},{q2} said {self._person()}, {self._pick(ROLES)} "
                f"{self._pick(ORGS)}."
            )
        if shape == 2:
            move = self._pick(("rose", "fell", "climbed", "slipped", "jumped", "dropped"))
            return (
                f"{self._pick(METRICS)} {move} {r.randint(1, 39)}.{r.randint(0, 9)}% in "
                f"{self._pick(MONTHS)} from a year earlier, according to {self._pick(ORGS)}."
            )
        if shape == 3:
            when = self._pick(TIMES)
            return (
                f"{when[0].upper()}{when[1:]}, {subject} {self._pick(VERBS)} {obj} "
                f"{self._fill(self._pick(REASONS))}."
            )
        if shape == 4:
            return (
                f"{self._person()}, {self._pick(ROLES)} {self._pick(ORGS)}, said the decision "
                f"would affect about {r.randint(2, 950) * 100:,} {self._pick(AFFECTED)}."
            )
        if shape == 5:
            return (
                f"The project, which covers {self._pick(TOPICS)} and {self._pick(TOPICS)}, is "
                f"expected to be completed by {self._pick(DEADLINES)}, {self._pick(ATTRIBUTIONS)}."
            )
        if shape == 6:
            group = self._pick(GROUPS)
            return (
                f"{group[0].upper()}{group[1:]} said they would {self._pick(RESPONSES)} "
                f"{self._fill(self._pick(REASONS))}."
            )
        return (
            f"{subject[0].upper()}{subject[1:]} has faced pressure to act on "
            f"{self._pick(TOPICS)} since {self._pick(SINCE)}, and {self._pick(SUBJECTS)} "
            f"{self._pick(VERBS)} {self._fill(self._pick(OBJECTS))} {self._pick(TIMES)}."
        )

    def _paragraphs(self, count: int, quote_marks: tuple[str, str]) -> tuple[str, ...]:
        return tuple(
            html.escape(
                " ".join(self._sentence(quote_marks) for _ in range(self.rng.randint(1, 3))),
                quote=False,
            )
            for _ in range(count)
        )

    def _headline(self) -> str:
        place = self._pick(CITIES["afp"] + CITIES["upi"]).title()
        subject = self._pick(SUBJECTS).removeprefix("the ")
        text = self._pick(HEADLINE_SHAPES).format(
            Place=place,
            Subject=subject[0].upper() + subject[1:],
            verb_h=self._pick(VERBS_H),
            verb_i=self._pick(VERBS_I),
            obj_h=self._fill(self._pick(OBJECTS)),
            reason_h=self._fill(self._pick(REASONS)),
            Metric=self._pick(METRICS),
            move_h=self._pick(("rise", "fall", "jump", "slip")),
            pct=self.rng.randint(2, 40),
            Month=self._pick(MONTHS),
            topic=self._pick(TOPICS),
            pressure=self._pick(PRESSURES),
            event=self._pick(EVENTS),
            orgshort=self._pick(ORGS).removeprefix("the "),
        )
        return text[0].upper() + text[1:]

    def _dateline(self, template: str, moment: datetime) -> str:
        r = self.rng
        if template == "reuters":
            month = self._pick((f"{moment:%B}", f"{moment:%b}"))
            city = self._pick(CITIES["reuters"])
            if r.random() < 0.1:
                city += "/" + self._pick(CITIES["reuters"])
            return f"{city}, {month} {moment.day} (Reuters) - "
        if template == "apnews":
            return f"{self._pick(CITIES['apnews'])} (AP) — "
        if template == "afp":
            city = self._pick(CITIES["afp"])
            if r.random() < 0.3:
                return f"{city}, {moment:%B} {moment.day}, {moment.year} (AFP) - "
            return f"{city.upper()} (AFP) {self._pick(('-', '–'))} "
        if template == "upi":
            date = f"{_ap_month(moment)} {moment.day}"
            if r.random() < 0.5:
                return f"{date} (UPI) -- "
            return f"{self._pick(CITIES['upi'])}, {date} (UPI) -- "
        return self._pick(("", "", f"{self._pick(CITIES['upi'])} — "))

    def _url(self, template: str, origin: str, headline: str, moment: datetime) -> str:
        words = _slug(headline).split("-")[:9]
        slug = "-".join(words)
        section = self._pick(SECTIONS[template])
        if template == "upi":
            title_slug = "-".join(w.capitalize() for w in words[:6])
            number = self.rng.randint(10**12, 10**13 - 1)
            return f"{origin}/Top_News/{section}/{moment:%Y/%m/%d}/{title_slug}/{number}/"
        section = _slug(section)
        if template == "reuters":
            return f"{origin}/{section}/{slug}-{moment:%Y-%m-%d}/"
        if template == "apnews":
            return f"{origin}/article/{slug}-{self.rng.getrandbits(128):032x}"
        if template == "afp":
            return f"{origin}/en/news/{self.rng.randint(10, 99)}/{slug}"
        return f"{origin}/news/{section}/{moment:%Y/%m/%d}/{slug}/"

    def _caption(self, template: str, moment: datetime) -> str:
        what = self._pick(CAPTIONS)
        city = self._pick(CITIES["upi"]).title()
        photographer = self._person()
        if template == "reuters":
            return f"{what} in {city}, {_long_date(moment)}. REUTERS/{photographer}"
        if template == "apnews":
            date = f"{_ap_month(moment)} {moment.day}, {moment.year}"
            return f"{what} in {city}, {date}. (AP Photo/{photographer})"
        if template == "afp":
            return f"{what} in {city} on {_long_date(moment)}. (Photo by {photographer} / AFP)"
        if template == "upi":
            return f"{what} in {city}. Photo by {photographer}/UPI"
        return f"{what} in {city}. (Photo: {photographer})"

    def _related(self, template: str, origin: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (h, self._url(template, origin, h, self.clock))
            for h in (self._headline() for _ in range(3))
        )

    def story(self) -> Story:
        """The next story: usually a fresh wire or newspaper story, sometimes a syndicated copy."""
        self.clock += timedelta(seconds=self.rng.expovariate(1 / MEAN_GAP.total_seconds()))
        if self.recent and self.rng.random() < SYNDICATED_SHARE:
            return self._syndicated(self.rng.choice(self.recent))
        story = self._fresh(self._pick(tuple(TEMPLATES)))
        if story.template != "newspaper":
            self.recent.append(story)  # wire copy is what newspapers syndicate
        return story

    def _unique_url(self, template: str, origin: str) -> tuple[str, str]:
        while True:
            headline = self._headline()
            url = self._url(template, origin, headline, self.clock)
            if url not in self.urls:
                self.urls.add(url)
                return headline, url

    def _fresh(self, template: str) -> Story:
        r = self.rng
        site_name, origin = SITES.get(template) or self._pick_newspaper()
        headline, url = self._unique_url(template, origin)
        published = self.clock
        quotes = ("“", "”") if template in ("apnews", "newspaper") else ('"', '"')
        authors = tuple(self._person() for _ in range(r.choice((1, 1, 1, 2))))
        credits = ""
        trailer: tuple[str, ...] = ()
        promo: tuple[str, ...] = ()
        if template == "reuters":
            credits = f"Reporting by {' and '.join(authors)}"
            if r.random() < 0.3:
                credits += f"; Additional reporting by {self._person()}"
            credits += f"; Editing by {self._person()}"
        elif template == "apnews":
            trailer = (
                f"Associated Press writer {self._person()} in "
                f"{self._pick(CITIES['apnews']).title()} contributed to this report.",
            )
            if r.random() < 0.3:
                topic = self._pick(TOPICS)
                promo = (f"What to know about {topic}:", *(self._headline() for _ in range(3)))
        return Story(
            template=template,
            url=url,
            canonical=url,
            site_name=site_name,
            section=self._pick(SECTIONS[template]).replace("_", " "),
            headline=headline,
            summary=self._sentence(quotes),
            authors=authors,
            author_title=self._pick(("AP Business Writer", "Associated Press", ""))
            if template == "apnews"
            else "",
            published=published,
            modified=published + timedelta(minutes=r.randint(5, 600)),
            dateline=self._dateline(template, published),
            paragraphs=self._paragraphs(r.randint(5, 15), quotes),
            caption=self._caption(template, published),
            image=f"{origin}/resizer/v2/{r.getrandbits(80):020X}.jpg",
            credits=credits,
            trailer=trailer,
            promo=promo,
            promo_after=r.randint(1, 3),
            related=self._related(template, origin),
            breaking=self._headline(),
        )

    def _pick_newspaper(self) -> tuple[str, str]:
        return self.rng.choice(NEWSPAPERS)

    def _syndicated(self, original: Story) -> Story:
        """The original story on a newspaper site: new headline, one paragraph fewer."""
        site_name, origin = self._pick_newspaper()
        headline, url = self._unique_url("newspaper", origin)
        paragraphs = list(original.paragraphs)
        if len(paragraphs) > 2:
            del paragraphs[self.rng.randrange(1, len(paragraphs))]
        dateline = original.dateline.replace(" — ", " - ").replace(" -- ", " - ")
        return replace(
            original,
            template="newspaper",
            url=url,
            canonical=url,
            site_name=site_name,
            headline=headline,
            published=self.clock,
            modified=self.clock + timedelta(minutes=self.rng.randint(1, 90)),
            dateline=dateline,
            paragraphs=tuple(paragraphs),
            credits=original.credits,
            trailer=(),
            promo=(),
            related=self._related("newspaper", origin),
        )


# Real article pages weigh 100-400 kB (the eval sets' medians), mostly site furniture around the
# story: menus, rails of other headlines, footers, inline configuration scripts, icon sprites.
# Pages without it would make extraction look several times cheaper than it is on the web.
NAV_SECTIONS = (
    "World", "U.S.", "Politics", "Business", "Markets", "Technology", "Science", "Health",
    "Sports", "Entertainment", "Lifestyle", "Climate", "Opinion", "Video", "Photography",
)  # fmt: skip
NAV_TOPICS = (
    "Africa", "Americas", "Asia Pacific", "Europe", "Middle East", "Elections", "Congress",
    "Economy", "Energy", "Autos", "Finance", "Media", "Retail", "Space", "Medicine", "Soccer",
    "Tennis", "Golf", "Movies", "Music", "Television", "Travel", "Food", "Weather", "Oceans",
)  # fmt: skip
FURNITURE_WORDS = (
    "live updates", "analysis", "explainer", "what to know", "markets wrap", "breakingviews",
    "exclusive", "fact check", "photos", "the big picture", "inside", "week ahead", "podcast",
)  # fmt: skip


def _nav(rng: random.Random, origin: str) -> str:
    items = []
    for section in NAV_SECTIONS:
        topics = rng.sample(NAV_TOPICS, rng.randint(6, 14))
        links = "".join(
            f'<li class="nav-menu__item"><a class="nav-menu__link" data-testid="nav-link" '
            f'href="{origin}/{_slug(section)}/{_slug(t)}/">{t}</a></li>'
            for t in topics
        )
        items.append(
            f'<li class="nav-bar__section"><button class="nav-bar__toggle" '
            f'aria-expanded="false">{section}</button><ul class="nav-menu">{links}</ul></li>'
        )
    return (
        f'<header class="site-header"><nav class="nav-bar"><ul>{"".join(items)}</ul></nav></header>'
    )


def _rail(origin: str, generator: StoryGenerator) -> str:
    rng = generator.rng
    teasers = []
    for rank in range(1, rng.randint(8, 16)):
        words = " ".join(rng.sample(FURNITURE_WORDS, 2)).capitalize()
        teasers.append(
            f'<li class="story-card" data-rank="{rank}"><a href="{origin}/{_slug(words)}-{rank}/">'
            f'<img src="{origin}/img/{rng.getrandbits(48):012x}.jpg" alt="" loading="lazy">'
            f'<span class="story-card__kicker">{words}</span>'
            f'<span class="story-card__title">{_e(generator._sentence(("", "")))}</span></a>'
            f'<time class="story-card__time">{rng.randint(2, 59)} min ago</time></li>'
        )
    return f'<aside class="most-read"><h2>Most read</h2><ol>{"".join(teasers)}</ol></aside>'


def _footer(rng: random.Random, origin: str) -> str:
    columns = []
    for section in rng.sample(NAV_SECTIONS, 8):
        links = "".join(
            f'<li><a href="{origin}/{_slug(section)}/{_slug(t)}/">{t}</a></li>'
            for t in rng.sample(NAV_TOPICS, 10)
        )
        columns.append(f'<div class="footer__column"><h3>{section}</h3><ul>{links}</ul></div>')
    return (
        f'<footer class="site-footer">{"".join(columns)}<p class="footer__legal">All quotes '
        "delayed a minimum of 15 minutes. Cookie settings, privacy statement, terms of use, "
        "accessibility, corrections, advertise with us and careers.</p></footer>"
    )


def _scripts(rng: random.Random) -> str:
    slots = [
        {
            "id": f"ad-slot-{n}",
            "sizes": [[300, 250], [728, 90]],
            "targeting": {"pos": n, "kw": rng.sample(NAV_TOPICS, 3), "seg": rng.getrandbits(64)},
        }
        for n in range(rng.randint(20, 120))
    ]
    flags = {f"feature_{rng.getrandbits(24):06x}": rng.random() < 0.5 for _ in range(200)}
    config = json.dumps({"slots": slots, "flags": flags, "build": f"{rng.getrandbits(64):016x}"})
    icons = "".join(
        f'<symbol id="icon-{n}" viewBox="0 0 24 24"><path d="'
        + " ".join(
            f"M{rng.randint(0, 24)} {rng.randint(0, 24)}l{rng.randint(-9, 9)}" for _ in range(30)
        )
        + '"/></symbol>'
        for n in range(rng.randint(20, 60))
    )
    return (
        f'<svg style="display:none" xmlns="http://www.w3.org/2000/svg">{icons}</svg>'
        f"<script>window.__SITE_CONFIG__ = {config};</script>"
        '<script src="/static/js/vendor.js" defer></script>'
        '<script src="/static/js/app.js" defer></script>'
    )


def furnish(page: str, story: Story, generator: StoryGenerator) -> str:
    """Wrap a story page in the site furniture real pages carry (see NAV_SECTIONS)."""
    rng = generator.rng
    origin = "/".join(story.url.split("/")[:3])
    top = _nav(rng, origin)
    bottom = _rail(origin, generator) + _footer(rng, origin) + _scripts(rng)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + top, page, count=1)
    return page.replace("</body>", bottom + "</body>", 1)


def build_warc(path: Path, pages: int, seed: int = 0) -> None:
    """Write `pages` generated article pages as `response` records (plus a warcinfo) to `path`.

    Gzipped per record, like Common Crawl's files; the same seed gives the same bytes.
    """
    generator = StoryGenerator(seed)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        write_warcinfo(writer, path.name, _record_id(generator.rng), FIRST_PUBLISHED)
        for _ in range(pages):
            story = generator.story()
            fetched = story.modified + timedelta(minutes=generator.rng.randint(1, 240))
            write_response(
                writer,
                story.url,
                furnish(render(story), story, generator).encode("utf-8"),
                fetched=fetched,
                record_id=_record_id(generator.rng),
                headers=[
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Last-Modified", http_date(story.modified)),
                ],
            )


def _record_id(rng: random.Random) -> str:
    return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .warc.gz file to write")
    parser.add_argument("--pages", type=int, default=1000, help="article pages (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    build_warc(args.output, args.pages, args.seed)
    print(f"{args.output}: {args.pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
