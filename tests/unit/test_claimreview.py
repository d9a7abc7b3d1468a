"""ClaimReview records read in every shape fact-checkers publish, ratings mapped onto our scale."""

import json

import pytest

from schemas.review import RATINGS
from tasks.review.claimreview import claim_review_jsonld, map_rating, read_fact_checks
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("text", "value", "best", "worst", "expected"),
    [
        ("False", 1, 5, 1, ("false", "text")),
        ("Falso", 4, 6, None, ("false", "text")),  # the words win over a scale of its own
        ("Mostly false", None, None, None, ("mostly_false", "text")),
        ("Half True", None, None, None, ("mixed", "text")),
        ("Engañoso", 2, 5, 1, ("mostly_false", "text")),
        ("錯誤", None, 5, 1, ("false", "text")),
        ("Not true", None, None, None, ("false", "text")),
        ("Unproven", -1, -1, -1, ("unverifiable", "text")),
        ("Satire", None, None, None, ("not_checkable", "text")),
        (None, 4, 5, 1, ("mostly_true", "number")),
        (None, 0, 1, 0, ("false", "number")),
        ("Our experts explain the data", None, 5, 1, ("unverifiable", "nothing")),
    ],
)
def test_ratings_are_mapped_from_their_words_then_their_numbers(text, value, best, worst, expected):
    assert map_rating(text, value, best, worst) == expected


@pytest.mark.parametrize("name", ["graph.json", "feed.json", "api_item.json"])
def test_every_shape_is_read(name):
    (found,) = read_fact_checks(json.loads((FIXTURES / "claimreview" / name).read_text()))
    assert found.claim_reviewed and found.url and found.publisher
    assert found.rating in RATINGS and found.mapped_from != "nothing"


def test_what_a_record_says_is_kept():
    (found,) = read_fact_checks(json.loads((FIXTURES / "claimreview" / "graph.json").read_text()))
    assert (found.rating, found.original_rating) == ("false", "Falso")
    assert found.claimant == "Dana Whitfield"
    assert found.appearances == ("https://news.example.com/ferry",)


def test_an_exported_verdict_reads_back_as_the_same_rating():
    for rating in RATINGS:
        record = claim_review_jsonld(
            claim="The Harlow ferry carried 1.2 million passengers last year.",
            rating=rating,
            review_url="https://review.example/items/1",
            publisher="Desk",
            published_at="2026-11-29T10:00:00+00:00",
            note="",
            appearances=["https://news.example.com/ferry"],
            speaker="Dana Whitfield",
            first_appearance="https://news.example.com/ferry",
            first_said_at="2026-11-01",
        )
        (back,) = read_fact_checks(json.loads(json.dumps(record)))
        assert back.rating == rating
        assert {"claimReviewed", "author", "datePublished", "itemReviewed", "reviewRating"} <= set(
            record
        )
        assert {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(
            record["reviewRating"]
        )
        assert record["itemReviewed"]["@type"] == "Claim"
