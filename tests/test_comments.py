"""Reader comments removed from the page tree before trafilatura: containers, threads, signatures.

Pages written for this project; each test also checks what must stay.
"""

from __future__ import annotations

from newscrawl.extraction import extract

URL = "https://news.example.com/story/2"
STORY = (
    "<h1>Council approves budget</h1>"
    "<p>The council approved the budget on Tuesday after a four-hour debate, with nine members "
    "voting in favour and two abstaining.</p>"
    "<p>Opposition members said the plan relied on optimistic revenue forecasts and promised to "
    "revisit it in the autumn.</p>"
    "<p>The budget takes effect in April, and the first payments under it are due in May.</p>"
)
COMMENT = "What a waste of money, they never listen to the people who pay for all of this"
REPLY = "I agree with the council for once, the roads badly needed the repairs they are getting"


def text_of(body: str) -> tuple[str, list[str]]:
    record = extract(f"<html><body><div class='story'>{STORY}{body}</div></body></html>", url=URL)
    assert record is not None
    assert record.text.startswith("The council approved the budget")
    assert "due in May." in record.text
    return record.text, record.rules_fired


def test_container_named_for_comments_is_removed() -> None:
    text, fired = text_of(
        f"<div id='story-comments'><h4>Latest comments</h4><blockquote><p>{COMMENT}</p>"
        f"<cite>Jo of Hillton</cite></blockquote><blockquote><p>{REPLY}</p></blockquote></div>"
    )
    assert COMMENT not in text and REPLY not in text
    assert "generic:comments" in fired


def test_thread_after_the_comments_anchor_is_removed() -> None:
    text, fired = text_of(
        f"<div><a name='comments'></a><div class='hd'>Comments</div><p>{COMMENT}</p>"
        f"<p>{REPLY}</p></div>"
    )
    assert COMMENT not in text and REPLY not in text
    assert "generic:comment-thread" in fired


def test_signed_comments_are_removed() -> None:
    text, fired = text_of(
        f"<div><p>{COMMENT}<br><b>Posted by Jo on January 10, 2008 4:39 PM</b></p>"
        f"<p>{REPLY}<br><b>Posted by Sam on January 10, 2008 4:52 PM</b></p></div>"
    )
    assert COMMENT not in text and REPLY not in text
    assert "generic:comment-signature" in fired


def test_one_signature_is_a_byline_and_its_block_stays() -> None:
    record = extract(
        "<html><body><div class='post'><p><b>Posted by Jo Hart on January 10, 2008</b></p>"
        f"{STORY}</div></body></html>",
        url=URL,
    )
    assert record is not None
    assert "generic:comment-signature" not in record.rules_fired
    assert "The council approved the budget" in record.text


def test_a_link_to_the_comments_is_no_thread() -> None:
    record = extract(
        f"<html><body><div class='story'><a id='comments' href='#c'>12 comments</a>{STORY}</div>"
        "</body></html>",
        url=URL,
    )
    assert record is not None
    assert "generic:comment-thread" not in record.rules_fired
    assert "due in May." in record.text
