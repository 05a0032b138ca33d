"""Write a `.warc.gz` of N varied, invented wire-news article pages, for benchmarks.

    python -m devtools.warcgen .bench/pages.warc.gz --pages 10000 --seed 0

Each page is one of the mock sites' article pages (`devtools/mocksite/sites/`: Reuters, AP, AFP
partner pages, UPI and a generic newspaper), so site markup has one source of truth: the page's
headline, URL and story paragraphs are replaced by a generated story, and site furniture (menus,
rails, footers, configuration scripts) is added around it. Story text comes from a seeded phrase
grammar, so pages are distinct (near-dup detection keeps them) while a few per cent are
syndicated copies of an earlier story: re-headlined on a newspaper site, one paragraph fewer,
another dateline dash.

The same seed gives the same bytes. Pages are rendered and written one at a time; only the set
of URLs already issued grows (about 100 bytes a page), so memory stays flat with `--pages`.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import random
import re
import sys
import uuid
from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.warcwriter import WARCWriter

from devtools.mocksite.site import SERVICES, Site
from devtools.warc import http_date, iso, write_response, write_warcinfo

SYNDICATED_SHARE = 0.03  # share of pages that are syndicated copies: "a few per cent"
RECENT_STORIES = 64  # syndicated copies pick from this many recent wire stories (bounded memory)
FIRST_PUBLISHED = datetime(2024, 1, 2, 6, 0, tzinfo=UTC)
MEAN_GAP = timedelta(minutes=11)  # average time between two generated stories


@dataclass(frozen=True)
class Story:
    """What a generated page says. `paragraphs` hold inline HTML."""

    template: str  # the mock site whose article markup shows it: one of SERVICES
    url: str
    headline: str
    published: datetime
    modified: datetime
    dateline: str  # raw, with its separator and trailing space: "VIENNA, March 6 (Reuters) - "
    paragraphs: tuple[str, ...]


# -- pages: a mock site's article page, with another story in it ------------------------------


@dataclass(frozen=True)
class _Markup:
    """One mock-site article page cut around its story: `before` + paragraphs + `after`."""

    before: str
    after: str
    paragraph: str  # the site's paragraph markup, with `{text}`
    url: str  # the fixture page's URL and headline, replaced by the story's
    headline: str


@functools.cache
def _markup(service: str) -> _Markup:
    site = Site(service)
    path = site.article_paths()[0]
    page = site.pages[path]
    lines = (site.folder / page.file).read_text("utf-8").split("\n")
    end = lines.index("@@UPDATE@@")  # the story's paragraphs are the lines right above it
    opening = site.update_markup.split("{text}")[0].split("update")[0]
    start = end
    while lines[start - 1].startswith(opening):
        start -= 1
    if start == end:
        raise ValueError(f"{service}: no story paragraphs above @@UPDATE@@ in {page.file}")
    return _Markup(
        before="\n".join(lines[:start]) + "\n",
        after="\n" + "\n".join(lines[end + 1 :]),
        paragraph=site.update_markup,
        url=site.origin + path,
        headline=page.title,
    )


def render(story: Story) -> str:
    """The full HTML page of a story, in its mock site's article markup."""
    markup = _markup(story.template)
    texts = [story.dateline + story.paragraphs[0], *story.paragraphs[1:]]
    body = "\n".join(markup.paragraph.format(text=text) for text in texts)
    page = markup.before + body + markup.after
    page = page.replace(markup.url, story.url).replace("@@MODIFIED@@", iso(story.modified))
    return page.replace(markup.headline, html.escape(story.headline, quote=False))


def _ap_month(moment: datetime) -> str:
    """AP style: March through July spelled out, other months abbreviated ("Sept.")."""
    if 3 <= moment.month <= 7:
        return f"{moment:%B}"
    return "Sept." if moment.month == 9 else f"{moment:%b}."


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


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
ORIGINS = {
    "reuters": "https://www.reuters.com",
    "apnews": "https://apnews.com",
    "afp": "https://www.afp.com",
    "upi": "https://www.upi.com",
}
NEWSPAPERS = (
    "https://www.harborledger.example",
    "https://www.valleycourier.example",
    "https://www.northernstargazette.example",
    "https://www.lakesidedaily.example",
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
    """Seeded, streaming generator of distinct stories for the five mock sites."""

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

    def story(self) -> Story:
        """The next story: usually a fresh wire or newspaper story, sometimes a syndicated copy."""
        self.clock += timedelta(seconds=self.rng.expovariate(1 / MEAN_GAP.total_seconds()))
        if self.recent and self.rng.random() < SYNDICATED_SHARE:
            return self._syndicated(self.rng.choice(self.recent))
        story = self._fresh(self._pick(SERVICES))
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
        origin = ORIGINS.get(template) or self._pick_newspaper()
        headline, url = self._unique_url(template, origin)
        published = self.clock
        quotes = ("“", "”") if template in ("apnews", "newspaper") else ('"', '"')
        return Story(
            template=template,
            url=url,
            headline=headline,
            published=published,
            modified=published + timedelta(minutes=r.randint(5, 600)),
            dateline=self._dateline(template, published),
            paragraphs=self._paragraphs(r.randint(5, 15), quotes),
        )

    def _pick_newspaper(self) -> str:
        return self.rng.choice(NEWSPAPERS)

    def _syndicated(self, original: Story) -> Story:
        """The original story on a newspaper site: new headline, one paragraph fewer."""
        headline, url = self._unique_url("newspaper", self._pick_newspaper())
        paragraphs = list(original.paragraphs)
        if len(paragraphs) > 2:
            del paragraphs[self.rng.randrange(1, len(paragraphs))]
        dateline = original.dateline.replace(" — ", " - ").replace(" -- ", " - ")
        return replace(
            original,
            template="newspaper",
            url=url,
            headline=headline,
            published=self.clock,
            modified=self.clock + timedelta(minutes=self.rng.randint(1, 90)),
            dateline=dateline,
            paragraphs=tuple(paragraphs),
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
        title = html.escape(generator._sentence(("", "")))
        teasers.append(
            f'<li class="story-card" data-rank="{rank}"><a href="{origin}/{_slug(words)}-{rank}/">'
            f'<img src="{origin}/img/{rng.getrandbits(48):012x}.jpg" alt="" loading="lazy">'
            f'<span class="story-card__kicker">{words}</span>'
            f'<span class="story-card__title">{title}</span></a>'
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
