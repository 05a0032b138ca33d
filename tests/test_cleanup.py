"""Unit tests of the cleanup rules: one test per rule, each with what it must keep as well."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from newscrawl.cleanup import (
    CleanedText,
    CleanupRules,
    clean_text,
    headline_keys,
    is_byline,
    is_signoff,
    prune_tree,
)
from newscrawl.sources import SOURCES

BODY = (
    "The council approved the budget on Tuesday after a four-hour debate, with nine members "
    "voting in favour and two abstaining."
)
SECOND = (
    "Opposition members said the plan relied on optimistic revenue forecasts and promised "
    "to revisit it in the autumn."
)


def clean(text: str, title: str | None = None, rules: CleanupRules | None = None) -> CleanedText:
    return clean_text(text, headline_keys([title]), rules or CleanupRules(), [])


def fired(text: str, title: str | None = None, rules: CleanupRules | None = None) -> list[str]:
    names: list[str] = []
    clean_text(text, headline_keys([title]), rules or CleanupRules(), names)
    return names


# --- credits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Lena Varga; Editing by Mark Ellison",
        "(Reporting by Lena Varga in Rostova and Tomas Berg in Gdansk; Editing by Mark Ellison)",
        "Additional reporting by Ana Pereira in Lisbon",
        "Writing by Tom Hale; Editing by Sonia Park and Ed Marsh",
        "Compiled by Rostova newsroom",
        "(Reporting by Ana Pereira, editing by Tom Hale)",
        "Reporting by Rui Costa; additional reporting by Ines Sousa; Editing by Tom Hale.",
    ],
)
def test_signoffs_are_recognised(line: str) -> None:
    assert is_signoff(line)


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by the Times found that the company had misled investors for years.",
        "The film's editing by Jane Roe was praised by critics at the festival.",
        "Editing by hand took the team three weeks, she said.",
        "Two people familiar with the matter told Reuters the talks had stalled.",
    ],
)
def test_sentences_about_reporting_or_editing_are_not_signoffs(line: str) -> None:
    assert not is_signoff(line)
    assert clean(f"{BODY}\n{line}").text == f"{BODY}\n{line}"


def test_signoff_moves_to_credits() -> None:
    result = clean(f"{BODY}\n{SECOND}\nReporting by Lena Varga; Editing by Mark Ellison")
    assert result == CleanedText(
        f"{BODY}\n{SECOND}", "Reporting by Lena Varga; Editing by Mark Ellison"
    )


def test_signoff_glued_to_the_last_paragraph_moves_to_credits() -> None:
    result = clean(f"{BODY}\n{SECOND} (Reporting by Lena Varga; Editing by Mark Ellison)")
    assert result == CleanedText(
        f"{BODY}\n{SECOND}", "(Reporting by Lena Varga; Editing by Mark Ellison)"
    )


@pytest.mark.parametrize(
    "line",
    [
        "Associated Press writer Jorge Salas in Sacramento contributed to this report.",
        "Associated Press writers Ana Lee and Tom Hale contributed.",
        "Keith Ward contributed reporting from Hong Kong.",
        "With files from The Canadian Press",
        "To contact the reporter on this story: Jane Doe in London at jdoe@example.net",
    ],
)
def test_contributor_lines_move_to_credits(line: str) -> None:
    assert clean(f"{BODY}\n{line}") == CleanedText(BODY, line)


def test_sentence_ending_in_contributed_stays() -> None:
    line = "Every household in the village contributed."
    assert clean(f"{BODY}\n{line}").text == f"{BODY}\n{line}"


def test_several_credit_lines_are_joined_with_newlines() -> None:
    text = f"{BODY}\nReporting by Ana Lee\nKeith Ward contributed reporting from Hong Kong."
    assert (
        clean(text).credits
        == "Reporting by Ana Lee\nKeith Ward contributed reporting from Hong Kong."
    )


# --- trailers and boilerplate -------------------------------------------------------------------


def test_ap_trailer_after_separator_is_removed() -> None:
    text = (
        f"{BODY}\n___\nAssociated Press writer Ana Lee contributed to this report.\n"
        "Follow AP's coverage of elections at https://apnews.com/hub/elections.\n"
        "More AP NBA: https://apnews.com/NBA\n"
        "Copyright 2008 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed."
    )
    result = clean(text)
    assert result == CleanedText(
        BODY, "Associated Press writer Ana Lee contributed to this report."
    )


def test_separator_between_updates_stays() -> None:
    text = f"{BODY}\n___\n4:14 p.m.\n{SECOND}"
    assert clean(text).text == text


@pytest.mark.parametrize(
    "line",
    [
        "Accessibility links",
        "Skip to main content",
        "Breaking News",
        "XS SM MD LG",
        "LG",
        "Tweet this",
        "Reprints",
        "Full Article",
        "REUTERS SHOWCASE",
        "3 min read",
        "Published on 22/03/2024 - 05:12",
        "Most Read from Bloomberg",
        "Share this article",
        "Copyright © AFP 2024. All rights reserved.",
        "Read more: Ferry strike ends after pay deal",
        "Subscribe to our morning newsletter to get the day's headlines.",
        "Follow Valley News on Facebook, Twitter and Instagram.",
        "Got a story? Email us at news@example.com",
        "By JANE DOE, AP Business Writer",
    ],
)
def test_chrome_lines_are_removed(line: str) -> None:
    assert clean(f"{line}\n{BODY}\n{line}") == CleanedText(BODY, None)


def test_opens_new_tab_suffix_is_removed_from_links() -> None:
    text = "The report, opens new tab by the institute found a fault in the crane's brakes."
    assert clean(text).text == "The report by the institute found a fault in the crane's brakes."


def test_related_header_and_its_links_are_removed() -> None:
    text = f"{BODY}\nRelated:\n- Ferry strike ends\n- Rates climb for third week\n{SECOND}"
    assert clean(text).text == f"{BODY}\n{SECOND}"


def test_subheading_after_a_read_more_line_stays() -> None:
    text = f"{BODY}\nRead more: Ferry strike ends\nWhat comes next\n{SECOND}"
    assert clean(text).text == f"{BODY}\nWhat comes next\n{SECOND}"


def test_source_line_moves_to_credits() -> None:
    assert clean(f"{BODY}\nSOURCE: News agencies") == CleanedText(BODY, "SOURCE: News agencies")


def test_site_trailer_pattern_names_its_rule() -> None:
    rules = CleanupRules(
        name="example",
        trailer_patterns=(r"(?P<promo_box>try our app today\.?)", r"sponsored content"),
    )
    text = f"{BODY}\nTry our app today.\nSponsored content"
    assert clean(text, rules=rules).text == BODY
    assert fired(text, rules=rules) == ["example:promo-box", "example:trailer"]


def test_reuters_trust_line_and_slideshow_captions_are_reuters_rules() -> None:
    text = (
        f"[1/5]Workers inspect the quay in Rostova, May 13, 2024. REUTERS/Piotr Nowak\n{BODY}\n"
        "1 of 4. A crane lies across the quay.\n"
        "Our Standards: The Thomson Reuters Trust Principles."
    )
    rules = SOURCES["reuters"].rules
    assert clean(text, rules=rules).text == BODY
    assert fired(text, rules=rules) == [
        "reuters:slideshow-caption",
        "reuters:slideshow-caption",
        "reuters:trust-line",
    ]


# --- headline -----------------------------------------------------------------------------------


def test_repeated_headline_and_its_kicker_are_removed() -> None:
    title = "Council approves budget after long debate"
    text = f"LOCAL POLITICS\n{title}\n{title}\n{BODY}"
    assert clean(text, title).text == BODY
    assert fired(text, title) == ["generic:headline", "generic:kicker"]


def test_headline_with_site_name_matches_the_repeat() -> None:
    text = f"Council approves budget after long debate\n{BODY}"
    assert clean(text, "Council approves budget after long debate | Valley News").text == BODY


def test_headline_quoted_later_in_the_body_stays() -> None:
    title = "Council approves budget"
    text = f"{BODY}\n{SECOND}\n{SECOND}\nCouncil approves budget"
    assert clean(text, title).text == text


# --- other languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "Von Montag an gilt das neue Ticket für 49 Euro im Monat in allen Regionalzügen.",
        "Por la mañana, los vecinos de Carabanchel salieron a la calle para protestar.",
        "Par ailleurs, le gouvernement a annoncé de nouvelles mesures pour les agriculteurs.",
        "Türkiye'de elektrikli araç şarj istasyonu sayısı 11 bini aştı.",
        "気象庁は13日、日向灘で震度5弱の地震があったと発表した。",
        "Ankara",
    ],
)
def test_paragraphs_in_other_languages_pass_unchanged(paragraph: str) -> None:
    text = f"{paragraph}\n{BODY}"
    assert clean(text) == CleanedText(text, None)


def test_bylines_are_recognised_but_not_sentences() -> None:
    assert is_byline("By Jane Doe and John Roe, Associated Press writers")
    assert is_byline("Von Anna Muster, Frankfurt")
    assert not is_byline("By Monday, the river had risen above the flood wall.")
    assert not is_byline("Von Montag an gilt das neue Ticket.")


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By: Jan Holm, THE NORTHERN PRESS", True),
        ("JAN HOLM, Northwire News Service", True),
        ("Jan Holm, The Harbour Times", True),
        ("Jan Holm and Kari Lund , Northwire News Service", True),
        ("Jan Holm, Ferrynews.com", True),
        ("SAN JOSE, California", False),
        ("Jan Holm, Harbour Now", False),
        ("Jan Holm, chairman of the Harbour Times", False),
        ("Oslo Harbour, The Sun rose early.", False),
    ],
)
def test_a_name_and_its_outlet_is_a_byline(line: str, byline: bool) -> None:
    assert is_byline(line) is byline


# --- page tree ----------------------------------------------------------------------------------


def prune(body: str, rules: CleanupRules | None = None) -> tuple[str, list[str]]:
    tree = lxml_html.fromstring(f"<html><body>{body}</body></html>")
    names: list[str] = []
    prune_tree(tree, rules or CleanupRules(), names)
    return " ".join(tree.text_content().split()), names


def test_figcaption_and_caption_classes_are_pruned() -> None:
    text, names = prune(
        "<figure><img alt='x'><figcaption>Crane on the quay. REUTERS/Piotr Nowak</figcaption>"
        "</figure><div class='wp-caption-text'>Dock workers at dawn.</div><p>Body text.</p>"
    )
    assert text == "Body text."
    assert names == ["generic:caption"]


def test_container_that_merely_has_a_caption_is_kept() -> None:
    text, _ = prune(
        "<div class='articleHeader hasCaption'><h1>Headline</h1><h2>Standfirst.</h2>"
        "<figure><figcaption>Photo caption.</figcaption></figure></div><p>Body text.</p>"
    )
    assert "Standfirst." in text
    assert "Photo caption." not in text


def test_unmarked_caption_repeating_the_alt_text_is_pruned() -> None:
    text, names = prune(
        "<div class='photo'><img alt='Firefighters hose down a burning barn'>"
        "<div class='credit'>Firefighters hose down a burning barn. Photo by Rick Alder/UPI</div>"
        "</div><p>Body text.</p>"
    )
    assert text == "Body text."
    assert names == ["generic:alt-caption"]


def test_teaser_card_linking_image_and_headline_is_pruned_but_plain_links_are_not() -> None:
    text, _ = prune(
        "<article><a href='/other'><img alt='Ferry strike ends after pay deal'>"
        "<h3>Ferry strike ends after pay deal</h3></a></article>"
        "<div><img alt='Rates climb for a third week'>"
        "<a href='/rates'>Rates climb for a third week</a></div>"
    )
    assert text == "Rates climb for a third week"


def test_body_paragraph_equal_to_a_distant_alt_text_is_kept() -> None:
    paragraph = "Only nine of these pairs have been matched so far."
    filler = "<p>" + "Context paragraph with enough words to make a long article body. " * 30
    text, _ = prune(f"<div><div><img alt='{paragraph}'></div>{filler}</p><p>{paragraph}</p></div>")
    assert paragraph in text


def test_source_prune_xpaths_are_applied_and_named() -> None:
    text, names = prune(
        "<div class='Infobox'>What to know about the vote</div><p>Body text.</p>",
        SOURCES["apnews"].rules,
    )
    assert text == "Body text."
    assert names == ["apnews:prune"]


# --- timestamps, story navigation, comment prompts, link rows, table rows ----------------------


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Wednesday, January 09, 2008", "generic:timestamp"),
        ("Thu, 10 Jan 2008 03:47:03 GMT", "generic:timestamp"),
        ("2:55am GMT 29/12/2007", "generic:timestamp"),
        ("Valley Wire - January 2, 2008 7:33 AM ET", "generic:timestamp"),
        ("3:56 a.m. January 8, 2008", "generic:timestamp"),
        ("Next story: Ferry strike ends after pay deal", "generic:story-nav"),
        ("<< Previous article", "generic:story-nav"),
        ("Have your say", "generic:comment-prompt"),
        ("Discuss this story on the Valley message board", "generic:comment-prompt"),
        ("5 comments posted | Post a new comment", "generic:comment-prompt"),
        ("E-mail this article | Printable version", "generic:link-row"),
        ("Home | News | Sport | Contact us", "generic:link-row"),
    ],
)
def test_timestamps_navigation_and_comment_prompts_are_removed(line: str, rule: str) -> None:
    assert clean(f"{BODY}\n{line}\n{SECOND}") == CleanedText(f"{BODY}\n{SECOND}", None)
    assert rule in fired(f"{BODY}\n{line}\n{SECOND}")


@pytest.mark.parametrize(
    "line",
    [
        "The game is on January 12.",
        "Voting closes on March 3, 2008, the council said.",
        "NEW YORK, Jan. 8, 2008 (Valley Wire)",  # a dateline printed alone: the datelines stage's
        "HILLTON, March 3 -",
        "Bowling\tMason 8-2-21-2",  # a data table's row
        "The next story he told was about the war.",
        "Have you ever seen a council vote this fast?",
        "The vote was close | and bitter, members said afterwards.",
    ],
)
def test_sentences_datelines_and_data_rows_stay(line: str) -> None:
    assert clean(f"{BODY}\n{line}\n{SECOND}").text == f"{BODY}\n{line}\n{SECOND}"


def test_table_rows_become_plain_lines() -> None:
    text = f"|  |  |\n| {BODY} |\n| Crew | Time |\n| © 2008 Valley Courier. All rights reserved."
    result = clean(text)
    assert result.text == f"{BODY}\nCrew\tTime"
    assert "generic:table-row" in fired(text)


def test_image_description_and_credit_classes_are_pruned() -> None:
    text, names = prune(
        "<div class='story-Intro'><p class='story-ImageDescription'>Trams at the depot.</p>"
        "<span id='photo_credit'>Jan Holm</span><p>Body text.</p>"
        "<p class='description'>A description is not a caption.</p></div>"
    )
    assert "Trams" not in text and "Jan Holm" not in text
    assert "Body text." in text and "A description is not a caption." in text
    assert names == ["generic:caption"]


@pytest.mark.parametrize(
    "line",
    [
        "The Associated Press",
        "THE ASSOCIATED PRESS",
        "Agence France-Presse",
        "United Press International",
        "(c) Indo-Asian News Service",
        "- Reuters",
    ],
)
def test_an_agency_name_alone_on_a_line_moves_to_credits(line: str) -> None:
    cleaned = clean(f"{line}\nThe council met on Monday.")
    assert (cleaned.text, cleaned.credits) == ("The council met on Monday.", line)


@pytest.mark.parametrize(
    "line",
    [
        "The Associated Press contributed to this report on Monday evening.",
        "Reuters said the talks would resume.",
        "Press Association members voted.",
    ],
)
def test_sentences_naming_an_agency_stay(line: str) -> None:
    assert clean(f"The council met.\n{line}").text == f"The council met.\n{line}"


@pytest.mark.parametrize(
    "line",
    [
        "Jan Holm © Northfoto",
        "Photo Copyright Northfoto Images",
        "Photograph by : Jan Holm/Northfoto",
        "Photo: Jan Holm",
    ],
)
def test_photo_credit_lines_are_removed(line: str) -> None:
    text = f"The council met.\n{line}\nIt voted."
    assert clean(text).text == "The council met.\nIt voted."
    assert fired(text) == ["generic:photo-credit"]


def test_pictures_in_a_sentence_stay() -> None:
    text = "The council met.\nPictures of the flood were shown."
    assert clean(text).text == text


def test_a_copyright_notice_glued_to_the_last_paragraph_is_removed() -> None:
    text = "The council met.\nIt voted. Copyright (c) Northwire Ltd. 2008, All Rights Reserved."
    assert clean(text).text == "The council met.\nIt voted."
    assert fired(text) == ["generic:copyright"]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Last Update: 1/16 3:36 pm", "generic:timestamp"),
        ("[Posted: Monday Feb 4, 2008 8:02 PM]", "generic:chrome"),
        ("AP White House Correspondent", "generic:byline"),
        ("Reuters Staff Writer", "generic:byline"),
    ],
)
def test_timestamps_in_brackets_or_without_a_year_and_agency_titles_are_removed(
    line: str, rule: str
) -> None:
    text = f"The council met.\n{line}"
    assert clean(text).text == "The council met."
    assert fired(text) == [rule]


@pytest.mark.parametrize(
    "line", ["AP reporters found the list.", "[1] See the footnote.", "He left at 1/16 of the way."]
)
def test_lines_like_them_stay(line: str) -> None:
    assert clean(f"The council met.\n{line}").text == f"The council met.\n{line}"


ESSAY = (
    "Ferry fares rose by a third last year, the council says (1).\n"
    "The operator blames fuel, though its own accounts tell another story [2] and (2)."
)


def test_endnotes_the_prose_cites_are_removed_with_their_heading() -> None:
    text = ESSAY + "\nSources:\n(1) Fares review, Harbour Council, 2024\n(2) Annual report, 2023"
    assert clean(text).text == ESSAY
    assert fired(text) == ["generic:endnotes"]


@pytest.mark.parametrize(
    "ending",
    [
        "(1) Lower the fares\n(2) Buy a second boat",  # a list nobody cites: the article's own
        "(1) Fares review, Harbour Council\n(3) Annual report",  # a gap: not one list
        "(2) Annual report, 2023",  # one note alone
    ],
)
def test_numbered_lines_that_are_not_cited_endnotes_stay(ending: str) -> None:
    prose = "Ferry fares rose by a third last year.\nThe operator blames fuel."
    text = (ESSAY if ending.startswith("(1) Fares") else prose) + "\n" + ending
    assert clean(text).text == text
