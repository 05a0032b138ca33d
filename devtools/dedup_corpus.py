"""The dedup accuracy set: syndicated copies of our own base stories, plus hard negatives.

Positives are copies of a base story with the edits syndication makes (`syndicate`): the headline
pasted above the text or swapped, datelines with other dashes, trimmed, reordered or merged
paragraphs, added update paragraphs, copy edits (spelling, numbers, style), curly quotes, site
furniture leaking into the text, and agency trailers. Negatives are the other base stories,
including different stories about the same event (`event` in devtools/dedup_stories.txt: shared
names, quotes and figures), and template-heavy briefs (weather, markets, sports results) that
share boilerplate sentences and differ in their figures.

`evaluate` streams a shuffled set through a `Deduplicator` the way the pipeline does in drop mode
and scores it: a true duplicate is a document whose cluster was already seen; a verdict is
correct when `duplicate_of` names a record of the same cluster.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newscrawl.dedup.fingerprints import normalize_bytes, shingle_hashes
from newscrawl.urls import url_id

if TYPE_CHECKING:
    from newscrawl.dedup import Deduplicator, Verdict

STORIES_PATH = Path(__file__).with_name("dedup_stories.txt")
WHEN = "2024-05-01T12:00:00+00:00"  # when the test records are written

SITES = (
    "wire.example",
    "dailycourier.example",
    "metroherald.example",
    "newsnow.example",
    "thepost.example",
    "regionaltimes.example",
    "aggregator.example",
    "valleygazette.example",
)
CITIES = ("LIMA", "OSLO", "LISBON", "NAIROBI", "JAKARTA", "ATHENS", "LONDON", "SYDNEY", "DELHI")
MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct")
AGENCIES = ("Reuters", "AP", "AFP", "UPI")
DASHES = ("-", "—", "–", "--", " -")
PEOPLE = ("Ana Ruiz", "Tom Baker", "Lena Fischer", "Omar Haddad", "Mei Lin", "Jon Eriksson")
TRAILERS = (
    "Reporting by {a}; Editing by {b}",
    "(Reporting by {a} in {city}; Additional reporting by {b}; Editing by {c})",
    "The Associated Press contributed to this report.",
    "Copyright 2024 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed without permission.",
    "© Agence France-Presse",
    "{a} reported from {city}. {b} contributed reporting.",
    "Follow our live coverage for the latest updates on this story.",
)
FURNITURE = (
    "Advertisement",
    "Read more: {headline}",
    "RELATED: {headline}",
    "Sign up for our morning newsletter to get the day's top stories in your inbox.",
    "Story continues below advertisement",
)
UPDATES = (
    "Officials said more details would be released at a news conference later in the day.",
    "The figures could change as more information becomes available, a spokesperson said.",
    "This story has been updated with additional details and comments from officials.",
    "A government spokesperson did not immediately respond to a request for comment.",
    "Local media reported that further meetings were planned for the coming days.",
    "Authorities urged the public to follow official channels for accurate information.",
    "An earlier version of this story gave an incorrect date for the announcement.",
    "Several lawmakers called for an independent inquiry into what had happened.",
)
# Copy edits: (pattern, replacement) applied to a random subset, each at one random occurrence.
COPY_EDITS = (
    (r"\bpercent\b", "per cent"),
    (r"(\d) percent\b", r"\1%"),
    (r"\bneighbours\b", "neighbors"),
    (r"\bneighbouring\b", "neighboring"),
    (r"\bprogramme\b", "program"),
    (r"\bcentre\b", "center"),
    (r"\bkilometres\b", "kilometers"),
    (r"\bmetres\b", "meters"),
    (r"\bfavour\b", "favor"),
    (r"\borganised\b", "organized"),
    (r"\bthe United States\b", "the U.S."),
    (r"\bsaid\b", "told reporters"),
    (r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", r"\1"),
    (r"\btwo\b", "2"),
    (r"\bthree\b", "3"),
    (r"\bmore than\b", "over"),
    (r"\bdid not\b", "didn't"),
    (r"\bis not\b", "isn't"),
    (r", and\b", " and"),
    (r"\bhowever\b", "but"),
)


@dataclass(frozen=True)
class Story:
    slug: str
    event: str
    headline: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The story as a record's text: one paragraph per line."""
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Doc:
    url: str
    text: str
    cluster: str  # documents of one cluster are copies of one text


def load_stories(path: Path = STORIES_PATH) -> list[Story]:
    """Parse devtools/dedup_stories.txt."""
    stories = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    for block in re.split(r"^=== ", "\n".join(lines), flags=re.M)[1:]:
        header, headline, *rest = block.split("\n")
        slug, event = (part.strip() for part in header.split("|"))
        paragraphs = tuple(p.strip() for p in "\n".join(rest).split("\n\n") if p.strip())
        stories.append(Story(slug, event, headline.strip(), paragraphs))
    return stories


def _dateline(rng: random.Random) -> str:
    city, agency, dash = rng.choice(CITIES), rng.choice(AGENCIES), rng.choice(DASHES)
    if rng.random() < 0.5:
        return f"{city}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({agency}){dash} "
    return f"{city} ({agency}){dash} "


def _fill(template: str, rng: random.Random, headline: str) -> str:
    a, b, c = rng.sample(PEOPLE, 3)
    return template.format(a=a, b=b, c=c, city=rng.choice(CITIES).title(), headline=headline)


def _copy_edit(text: str, rng: random.Random) -> str:
    for pattern, replacement in rng.sample(COPY_EDITS, rng.randint(2, 6)):
        matches = list(re.finditer(pattern, text))
        if matches:
            m = rng.choice(matches)
            text = text[: m.start()] + m.expand(replacement) + text[m.end() :]
    return text


def _curly_quotes(text: str) -> str:
    text = re.sub(r'"(\S)', "“\\1", text)
    return text.replace('"', "”").replace("'", "’")


def syndicate(story: Story, rng: random.Random, other_headline: str) -> str:
    """Return one syndicated copy of `story` with a random mix of realistic edits."""
    paragraphs = list(story.paragraphs)
    if rng.random() < 0.12:  # a straight copy: only formatting differs
        return "\n\n".join(paragraphs) if rng.random() < 0.5 else " ".join(paragraphs)
    roll = rng.random()
    if roll < 0.12:  # cut to a short version: the first half or so
        keep = max(3, round(len(paragraphs) * rng.uniform(0.45, 0.6)))
        paragraphs = paragraphs[:keep]
    elif roll < 0.5:  # the bottom paragraphs trimmed to fit
        paragraphs = paragraphs[: len(paragraphs) - rng.randint(1, 3)]
    if rng.random() < 0.25 and len(paragraphs) > 4:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if rng.random() < 0.3:
        update = " ".join(rng.sample(UPDATES, rng.randint(1, 2)))
        paragraphs.insert(rng.choice((0, 1, len(paragraphs))), update)
    if rng.random() < 0.6:
        paragraphs = [_copy_edit(p, rng) if rng.random() < 0.4 else p for p in paragraphs]
    if rng.random() < 0.2 and len(paragraphs) > 3:
        i = rng.randrange(len(paragraphs) - 1)
        paragraphs[i : i + 2] = [paragraphs[i] + " " + paragraphs[i + 1]]
    if rng.random() < 0.15:
        furniture = _fill(rng.choice(FURNITURE), rng, other_headline)
        paragraphs.insert(rng.randrange(1, len(paragraphs)), furniture)
    if rng.random() < 0.5:
        paragraphs[0] = _dateline(rng) + paragraphs[0]
    if rng.random() < 0.25:
        headline = story.headline if rng.random() < 0.5 else other_headline.split(",")[0]
        paragraphs.insert(0, headline)
    if rng.random() < 0.5:
        paragraphs.append(_fill(rng.choice(TRAILERS), rng, other_headline))
    text = "\n\n".join(paragraphs)
    return _curly_quotes(text) if rng.random() < 0.3 else text


WEATHER = (
    "{city} forecast for {day}: {sky} with a high of {hi} degrees and a low of {lo}. "
    "Winds from the {wind} at {w1} to {w2} kilometres per hour. Chance of rain {rain} percent.",
    "Tonight: {sky2}, low around {lo2}. Sunrise at 6:{m1:02d}, sunset at 19:{m2:02d}. "
    "UV index {uv}. Air quality is expected to be {air}.",
)
WEATHER_BOILERPLATE = (
    "Forecasts are provided by the national weather service and updated every three hours.",
    "Residents are advised to check local warnings before travelling.",
)
MARKETS = (
    "The {index} {moved} {points} points, or {pct} percent, to {level} on {day}, "
    "as investors weighed {theme}.",
    "{stock} led the {dir} with a {spct} percent move after {reason}, while {stock2} "
    "{moved2} {s2pct} percent.",
    "The dollar {fx} to {rate} against the euro, and Brent crude {oil} {opct} percent to "
    "{price} dollars a barrel.",
)
MARKETS_BOILERPLATE = (
    "Trading volumes were lighter than usual ahead of the holiday weekend.",
    "All figures are provisional and may be revised.",
    "Market data is delayed by at least 15 minutes.",
)
TEAMS = (
    "Riverside",
    "Harbour City",
    "Northgate",
    "Ashford United",
    "Kingsbridge",
    "Westvale",
    "Lakeshore",
    "Milltown",
    "Eastport Athletic",
    "Redcliffe",
    "Stonebridge",
    "Fairhaven",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weather(rng: random.Random) -> str:
    hi = rng.randint(8, 36)
    values = {
        "city": rng.choice(CITIES).title(),
        "day": rng.choice(DAYS),
        "sky": rng.choice(("Sunny", "Partly cloudy", "Overcast", "Showers", "Thunderstorms")),
        "sky2": rng.choice(("Clear", "Cloudy", "Light rain", "Fog patches", "Mostly clear")),
        "hi": hi,
        "lo": hi - rng.randint(4, 12),
        "lo2": hi - rng.randint(5, 14),
        "wind": rng.choice(("north", "south", "east", "west", "northwest", "southeast")),
        "w1": (w1 := rng.randint(5, 25)),
        "w2": w1 + rng.randint(5, 20),
        "rain": rng.randrange(0, 100, 10),
        "m1": rng.randint(0, 59),
        "m2": rng.randint(0, 59),
        "uv": rng.randint(1, 11),
        "air": rng.choice(("good", "moderate", "poor")),
    }
    parts = [t.format(**values) for t in WEATHER]
    return "\n\n".join(parts + rng.sample(WEATHER_BOILERPLATE, rng.randint(1, 2)))


def _markets(rng: random.Random) -> str:
    def pct() -> str:
        return f"{rng.uniform(0.1, 6):.1f}"

    values = {
        "index": rng.choice(("Dow Jones Industrial Average", "FTSE 100", "Nikkei 225", "DAX")),
        "moved": rng.choice(("rose", "fell", "gained", "slipped")),
        "points": f"{rng.uniform(5, 400):.2f}",
        "pct": pct(),
        "level": f"{rng.uniform(7000, 40000):,.2f}",
        "day": rng.choice(DAYS),
        "theme": rng.choice(
            (
                "fresh inflation data",
                "comments from central bank officials",
                "a batch of company earnings",
                "rising bond yields",
            )
        ),
        "stock": rng.choice(("Veltrix", "Stellan", "Kestrel", "Aeroboreal", "Helixa")),
        "stock2": rng.choice(("Moraine", "Atlantic Metals", "Neptune Tankers", "Bostad")),
        "dir": rng.choice(("gainers", "decliners")),
        "spct": pct(),
        "moved2": rng.choice(("rose", "fell")),
        "s2pct": pct(),
        "reason": rng.choice(
            (
                "quarterly results beat forecasts",
                "a broker upgrade",
                "a profit warning",
                "news of a takeover approach",
            )
        ),
        "fx": rng.choice(("rose", "fell", "was steady")),
        "rate": f"{rng.uniform(0.85, 1.15):.4f}",
        "oil": rng.choice(("rose", "fell")),
        "opct": pct(),
        "price": f"{rng.uniform(60, 95):.2f}",
    }
    parts = [t.format(**values) for t in MARKETS]
    return "\n\n".join(parts + rng.sample(MARKETS_BOILERPLATE, rng.randint(1, 3)))


def _results(rng: random.Random) -> str:
    teams = rng.sample(TEAMS, 10)
    lines = [
        f"{teams[i]} {rng.randint(0, 4)}, {teams[i + 1]} {rng.randint(0, 4)}"
        for i in range(0, 10, 2)
    ]
    scorer = rng.choice(PEOPLE)
    return "\n\n".join(
        (
            f"Results of Premier Division matches played on {rng.choice(DAYS)}:",
            "\n".join(lines),
            f"Leading scorer: {scorer}, {rng.randint(5, 25)} goals.",
            f"Attendance at the five matches totalled {rng.randint(40000, 120000):,}.",
        )
    )


def brief(rng: random.Random) -> str:
    """Return one template-heavy short brief (weather, markets or sports results)."""
    return rng.choice((_weather, _markets, _results))(rng)


def _brief_copy(text: str, rng: random.Random) -> str:
    """A syndicated brief: dateline, trailer or formatting added, text kept."""
    if rng.random() < 0.5:
        text = _dateline(rng) + text
    if rng.random() < 0.5:
        text += "\n\n" + _fill(rng.choice(TRAILERS), rng, "")
    return text.replace("\n\n", " ") if rng.random() < 0.3 else text


def build(
    *, copies_per_story: int = 8, briefs: int = 150, brief_copies: int = 40, seed: int = 0
) -> list[Doc]:
    """Return the shuffled accuracy set.

    Every base story appears once as written plus `copies_per_story` syndicated copies;
    `briefs` distinct template briefs, of which `brief_copies` are syndicated once more.
    """
    rng = random.Random(seed)
    stories = load_stories()
    labelled: list[tuple[str, str]] = []  # (text, cluster)
    for story in stories:
        labelled.append((story.text, story.slug))
        for _ in range(copies_per_story):
            other = rng.choice([s for s in stories if s is not story]).headline
            labelled.append((syndicate(story, rng, other), story.slug))
    texts = [brief(rng) for _ in range(briefs)]
    labelled += [(text, f"brief-{i}") for i, text in enumerate(texts)]
    labelled += [
        (_brief_copy(texts[i], rng), f"brief-{i}") for i in rng.sample(range(briefs), brief_copies)
    ]
    docs = [
        Doc(f"https://{rng.choice(SITES)}/{n}", text, cluster)
        for n, (text, cluster) in enumerate(labelled)
    ]
    rng.shuffle(docs)
    return docs


@dataclass
class Scores:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    # ("false positive" | "missed", document, the written document it was (or should be) matched to)
    errors: list[tuple[str, Doc, Doc | None]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0


def evaluate(docs: list[Doc], deduplicator: Deduplicator, *, flush_every: int = 50) -> Scores:
    """Stream `docs` through `deduplicator` in drop mode and score its exact/near verdicts."""
    scores = Scores()
    written: dict[str, Doc] = {}  # record id -> document
    first_written: dict[str, Doc] = {}  # cluster -> its first written document
    for n, doc in enumerate(docs, 1):
        record_id = url_id(doc.url)
        verdict = deduplicator.check(id=record_id, canonical_url=doc.url, text=doc.text)
        scores.kinds[verdict.kind] = scores.kinds.get(verdict.kind, 0) + 1
        original = first_written.get(doc.cluster)
        if verdict.kind in ("exact", "near"):
            matched = written[verdict.duplicate_of]
            if matched.cluster == doc.cluster:
                scores.true_positives += 1
                continue
            scores.false_positives += 1
            scores.errors.append(("false positive", doc, matched))
        if original is not None:
            scores.false_negatives += 1
            scores.errors.append(("missed", doc, original))
        if verdict.kind == "new":
            deduplicator.add(
                id=record_id,
                canonical_url=doc.url,
                text=doc.text,
                verdict=verdict,
                lastmod=None,
                written_at=WHEN,
            )
            written[record_id] = doc
            first_written.setdefault(doc.cluster, doc)
        if n % flush_every == 0:
            deduplicator.flush()
    deduplicator.flush()
    return scores


def exact_containment(a: str, b: str, shingle_size: int = 5) -> float:
    """Containment of two texts from their full shingle sets (for diagnostics)."""
    sa = set(shingle_hashes(normalize_bytes(a), shingle_size).tolist())
    sb = set(shingle_hashes(normalize_bytes(b), shingle_size).tolist())
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def see(
    d: Deduplicator,
    url: str,
    text: str,
    *,
    written: bool = True,
    lastmod: str | None = None,
    when: str = WHEN,
) -> Verdict:
    """check(), then add() what the pipeline writes in drop mode (and unchanged re-crawls)."""
    verdict = d.check(id=url_id(url), canonical_url=url, text=text)
    if written and verdict.kind in ("new", "revision", "unchanged"):
        d.add(
            id=url_id(url),
            canonical_url=url,
            text=text,
            verdict=verdict,
            lastmod=lastmod,
            written_at=when,
        )
    return verdict
