"""Hostile or unlucky input, pure functions: pages built to make the parser rescan (unclosed
tags, runs of abbreviations), JSON-LD that recurses or overflows, bytes that are not text,
addresses that smuggle an internal IPv4 address, credentials in URLs.

The inputs that used to take quadratic time are sized so that the old code needed minutes to
hours; each runs under an alarm so that a regression fails instead of hanging the suite."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from schemas.records import ClaimDraft, FetchedDocument, MatchDecision
from tasks.budget import Deadline
from tasks.claims.extract import extract_claims, most_checkworthy
from tasks.claims.sentences import split_sentences
from tasks.errors import OverBudget, ParseError
from tasks.fetching import credentials
from tasks.fetching.net import is_public
from tasks.ingest import best_decisions
from tasks.reading.decoding import decode
from tasks.reading.markup import json_ld_blocks, strip_non_content
from tasks.reading.metadata import json_ld_items
from tasks.reading.parse import parse_document, parse_html

T = TypeVar("T")
STORY = "<p>The council said the Kestrel bridge will cost $450 million to build by 2027.</p>"


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: not linear")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def within(seconds: int, work: Callable[[], T]) -> T:
    with alarm(seconds):
        return work()


def page(inside_article: str) -> str:
    return f"<html><body><article>{STORY}{inside_article}</article></body></html>"


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "junk",
    ["<!--", "<script>", "<script ", "<style>", '<script type="application/ld+json">', "<svg>"],
)
def test_unclosed_tags_are_read_in_linear_time(junk):
    html = page(junk * (MEGABYTE // len(junk)))
    article = within(30, lambda: parse_html(html, "https://example.org/a"))
    assert any("$450 million" in p for p in article.paragraphs)


def test_unclosed_element_runs_to_the_end_and_closed_ones_are_cut():
    html = "<p>keep one</p><script>x()</script><p>keep two</p><!-- note --><style>p{}</style>"
    assert strip_non_content(html) == "<p>keep one</p> <p>keep two</p> "
    assert strip_non_content("<p>a</p><!-- open <p>b</p>") == "<p>a</p>"
    assert strip_non_content("tripl<!-- -->e") == "triple"


def test_json_ld_blocks_are_found_without_regex_rescans():
    html = (
        '<script type="application/ld+json">{"a": 1}</script><script>var x;</script>'
        "<SCRIPT TYPE='application/ld+json'>[2]</SCRIPT ><script type=application/ld+json>"
    )
    assert list(json_ld_blocks(html)) == ['{"a": 1}', "[2]"]
    assert within(30, lambda: list(json_ld_blocks("<script " * (MEGABYTE // 8)))) == []


def test_runs_of_abbreviations_split_in_linear_time():
    sentences = within(30, lambda: split_sentences("Dr. " * (MEGABYTE // 4) + "Then it ended."))
    assert len(sentences) == 1


def test_abbreviations_still_do_not_end_sentences():
    text = "Dr. Smith met Gov. Jones in the U.S. on Monday. They agreed. John F. Kennedy agreed."
    assert split_sentences(text) == [
        "Dr. Smith met Gov. Jones in the U.S. on Monday.",
        "They agreed.",
        "John F. Kennedy agreed.",
    ]


def test_deeply_nested_json_ld_is_skipped_not_fatal():
    html = page(f'<script type="application/ld+json">{"[" * 200_000}</script>')
    assert list(json_ld_items(html)) == []
    article = parse_html(html, "https://example.org/a")
    assert article.paragraphs


def test_json_numbers_that_overflow_stay_storable():
    html = page(
        '<script type="application/ld+json">'
        '{"@type": "ClaimReview", "reviewRating": {"ratingValue": 1e400, "worst": -1e400},'
        ' "x": NaN}</script>'
    )
    review = parse_html(html, "https://example.org/a").claim_reviews[0]
    assert review["reviewRating"] == {"ratingValue": "1e400", "worst": "-1e400"}
    assert review["x"] is None
    json.dumps(review, allow_nan=False)  # what PostgreSQL's jsonb accepts


def test_nul_and_control_bytes_are_dropped_from_plain_text_and_html():
    body = b"The council said the bridge will cost \x00$450 million\x07 in total.\n"
    plain = parse_document(FetchedDocument("t.txt", "file:///t.txt", body, "text/plain"))
    html = parse_document(
        FetchedDocument("t.html", "file:///t.html", b"<p>" + body + b"</p>", "text/html")
    )
    for article in (plain, html):
        assert article.paragraphs == (
            "The council said the bridge will cost $450 million in total.",
        )


def test_a_binary_file_is_a_clear_parse_error():
    body = bytes(range(256)) * 64
    with pytest.raises(ParseError):
        parse_document(FetchedDocument("x.bin", "file:///x.bin", body, "text/plain"))


def test_utf8_with_one_bad_byte_stays_utf8():
    body = (
        "<p>Zoë Brontë said the café is closed.</p>".encode()
        + b"\xff"
        + "<p>Zoë again.</p>".encode()
    )
    for declared in (None, "utf-8", "iso-8859-1"):
        text = decode(body, declared)
        assert "Zoë Brontë" in text and "café" in text and "Ã" not in text
        assert "\ufffd" in text  # only the bad byte is replaced


def test_latin1_is_still_read_as_latin1():
    body = "<p>Café owners in Zoë's street.</p>".encode("latin-1")
    for declared in (None, "utf-8", "iso-8859-1"):
        assert "Café owners in Zoë's" in decode(body, declared)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("64:ff9b:1::a00:1", False),  # local-use NAT64
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2002:c0a8:101::1", False),  # 6to4 of 192.168.1.1
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("fec0::1", False),  # deprecated site-local
        ("::ffff:10.0.0.1", False),
        ("2606:4700:4700::1111", True),
        ("1.1.1.1", True),
        ("169.254.169.254", False),
    ],
)
def test_addresses_that_carry_an_internal_ipv4_address_are_refused(address, public):
    assert is_public(address) is public


def test_credentials_are_stripped_masked_and_remembered_per_origin():
    assert credentials.without_credentials("https://ann:s3cret@example.org:8443/a?b=1") == (
        "https://example.org:8443/a?b=1"
    )
    assert credentials.without_credentials("/a/file.html") == "/a/file.html"
    assert credentials.mask_password("postgresql://ann:s3cret@db.example/claims") == (
        "postgresql://ann:***@db.example/claims"
    )
    assert credentials.mask_password("host=db password='s3 cret' user=ann") == (
        "host=db password=*** user=ann"
    )
    stripped = credentials.remember("https://bob:p%40ss@news.example/story")
    assert stripped == "https://news.example/story"
    assert credentials.auth_for("https://news.example/other") == ("bob", "p@ss")
    assert credentials.auth_for("http://news.example/other") is None  # another origin


def draft(text: str, score: float) -> ClaimDraft:
    return ClaimDraft(0, 0, text, None, (), "positive", score, (), text.lower(), "other")


def test_claim_cap_keeps_the_most_checkworthy_in_article_order():
    drafts = [draft(f"claim {i}", score) for i, score in enumerate([0.2, 0.9, 0.5, 0.9, 0.1])]
    kept = most_checkworthy(drafts, 3)
    assert [d.text for d in kept] == ["claim 1", "claim 2", "claim 3"]
    assert most_checkworthy(drafts, 10) == drafts


def test_flag_cap_keeps_flags_first_then_best_scores():
    def decision(kind: str, score: float) -> MatchDecision:
        return MatchDecision(kind, score, "", (), ())  # type: ignore[arg-type]

    found = [
        ("a", decision("related", 0.99)),
        ("b", decision("repeat", 0.8)),
        ("c", decision("contradiction", 0.9)),
        ("d", decision("repeat", 0.75)),
    ]
    kept = best_decisions(found, 2)  # type: ignore[arg-type]
    assert [c for c, _ in kept] == ["c", "b"]


def test_time_budget_stops_claim_extraction_with_a_reason():
    article = parse_html(page(STORY * 50), "https://example.org/a")
    with pytest.raises(OverBudget, match="CLAIMTRACK_TARGET_TIME_BUDGET_S"):
        extract_claims(article, publication="X", deadline=Deadline(0.0, "https://example.org/a"))


def test_sentences_longer_than_any_claim_are_skipped():
    long = "The bridge will cost $450 million and " + "more words and " * 300 + "it ends."
    article = parse_html(page(f"<p>{long}</p>"), "https://example.org/a")
    texts = [d.text for d in extract_claims(article, publication="X")]
    assert texts and all(len(t) < 1500 for t in texts)


def test_a_family_is_flagged_once_against_its_closest_member():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Candidate:
        id: int

    def decision(kind: str, score: float) -> MatchDecision:
        return MatchDecision(kind, score, "", (), ())  # type: ignore[arg-type]

    found = [
        (Candidate(1), decision("repeat", 0.9)),  # family 7
        (Candidate(2), decision("repeat", 0.95)),  # family 7, the closest member
        (Candidate(3), decision("contradiction", 0.8)),  # no family
        (Candidate(4), decision("related", 0.6)),  # family 7, related pairs are all kept
    ]
    kept = best_decisions(found, 10, {1: 7, 2: 7, 4: 7})  # type: ignore[arg-type]
    assert [c.id for c, _ in kept] == [2, 3, 4]
