"""schema.org ClaimReview in and out.

In: ClaimReview records in any shape fact-checkers publish them (a lone object, an array, a JSON-LD
`@graph`, a DataCommons `DataFeed`/`DataFeedItem`, or an item of Google Fact Check Tools'
`claims:search` answer), each with its rating mapped onto our scale and the original kept. Out:
our published verdicts as ClaimReview JSON-LD (what Google Fact Check Tools reads) or CSV."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Words of textual ratings, in the languages fact-checkers publish in, by our rating. Longer
# phrases are tried first, so "mostly false" is not read as "false".
_RATING_WORDS: dict[str, tuple[str, ...]] = {
    "mostly_true": ("mostly true", "mostly correct", "largely true", "mayormente verdadero",
                    "en gran parte cierto", "majoritairement vrai", "überwiegend richtig",
                    "verdadeiro, mas", "quase verdadeiro", "mostly accurate"),
    "mostly_false": ("mostly false", "mostly incorrect", "largely false", "misleading", "engañoso",
                     "enganoso", "trompeur", "irreführend", "mayormente falso", "missing context",
                     "distorted", "distorsionado", "exaggerated", "exagerado", "fuori contesto",
                     "sesgado", "impreciso", "inexact", "partly false", "partially false",
                     "parcialmente falso", "teilweise falsch", "en partie faux"),
    "mixed": ("half true", "half-true", "mixture", "mixed", "medio verdadero", "verdad a medias",
              "meia verdade", "contraditório", "discutível", "mitad verdadero", "plutôt vrai",
              "partly true", "partially true", "parcialmente verdadero", "teilweise richtig"),
    "false": ("pants on fire", "false", "falso", "faux", "falsch", "fake", "incorrect",
              "incorrecto", "incorreto", "wrong", "fabricated", "hoax", "bulo", "scam", "錯誤",
              "错误", "虚假", "假", "غلط", "झूठ", "गलत", "फर्जी", "nie gesagt", "never said",
              "not true", "no es cierto", "não é verdade", "untrue", "baseless", "debunked"),
    "true": ("true", "correct", "verdadero", "verdadeiro", "vrai", "richtig", "wahr", "accurate",
             "cierto", "正確", "正确", "真实", "सच", "صحیح"),
    "unverifiable": ("unproven", "unverified", "unverifiable", "no evidence", "sin evidencia",
                     "sem evidências", "insustentável", "unsupported", "research in progress",
                     "inconclusive", "unbelegt", "non prouvé", "sin pruebas", "not proven"),
    "not_checkable": ("not checkable", "uncheckable", "satire", "satira", "sátira", "opinion",
                      "opinión", "opinião",
                      "not a claim", "legend", "joke"),
}  # fmt: skip
_PHRASES = sorted(
    ((phrase, rating) for rating, phrases in _RATING_WORDS.items() for phrase in phrases),
    key=lambda pair: -len(pair[0]),
)
# where a number falls between worst and best: the first bin it does not exceed
_NUMERIC_BINS = ((0.2, "false"), (0.4, "mostly_false"), (0.6, "mixed"), (0.8, "mostly_true"))
# our scale as a ClaimReview rating: 1 (worst) to 5 (best); unverifiable ones carry no number
RATING_VALUE = {"false": 1, "mostly_false": 2, "mixed": 3, "mostly_true": 4, "true": 5}
RATING_NAME = {
    "true": "True",
    "mostly_true": "Mostly true",
    "mixed": "Mixed",
    "mostly_false": "Mostly false",
    "false": "False",
    "unverifiable": "Unverifiable",
    "not_checkable": "Not checkable",
}


@dataclass(frozen=True)
class FactCheck:
    """One imported ClaimReview, its rating mapped onto our scale and the original kept."""

    claim_reviewed: str
    url: str | None
    publisher: str | None
    date_published: str | None
    rating: str  # one of schemas.review.RATINGS
    mapped_from: str  # "text", "number" or "nothing" (no usable rating: unverifiable)
    original_rating: str | None
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    claimant: str | None
    appearances: tuple[str, ...]
    language: str | None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("site"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _number(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # not NaN


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", node.get("type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k) for k in kinds if k}


def claim_review_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object in a JSON document of any of the shapes above (a node without a
    @type that has claimReviewed and reviewRating counts too)."""
    if isinstance(data, list):
        for element in data:
            yield from claim_review_nodes(element)
        return
    if not isinstance(data, dict):
        return
    kinds = _types(data)
    if "ClaimReview" in kinds or (not kinds and "claimReviewed" in data and "reviewRating" in data):
        yield data
        return
    if "claimReview" in data and "text" in data:  # Google Fact Check Tools API item
        for review in data["claimReview"] or []:
            yield _from_google_api(data, review)
        return
    for key in ("@graph", "item", "dataFeedElement", "itemListElement", "claims", "mainEntity"):
        if key in data:
            yield from claim_review_nodes(data[key])


def _from_google_api(claim: dict[str, Any], review: dict[str, Any]) -> dict[str, Any]:
    """A Fact Check Tools API review as the ClaimReview it stands for."""
    return {
        "@type": "ClaimReview",
        "claimReviewed": claim.get("text"),
        "url": review.get("url"),
        "author": review.get("publisher"),
        "datePublished": review.get("reviewDate"),
        "reviewRating": {"alternateName": review.get("textualRating")},
        "itemReviewed": {"@type": "Claim", "author": {"name": claim.get("claimant")}},
        "inLanguage": review.get("languageCode"),
    }


def map_rating(
    text: str | None, value: float | None, best: float | None, worst: float | None
) -> tuple[str, str]:
    """Our rating and what it was read from: the wording first (publishers' numbers follow
    scales of their own: Lupa's "Falso" is 4 of 6), then the number's place between worst and
    best, else unverifiable."""
    if text:
        folded = unicodedata.normalize("NFKC", text).casefold()
        for phrase, rating in _PHRASES:
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded) or (
                not phrase.isascii() and phrase in folded
            ):
                return rating, "text"
    if value is not None and best is not None and worst is not None and best != worst:
        share = (value - worst) / (best - worst)
        if 0.0 <= share <= 1.0:
            return next((r for limit, r in _NUMERIC_BINS if share <= limit), "true"), "number"
    return "unverifiable", "nothing"


def read_fact_check(node: dict[str, Any]) -> FactCheck | None:
    """The fact-check a ClaimReview node records; None without the claim it reviews."""
    claim = _text(node.get("claimReviewed"))
    item = _object(node.get("itemReviewed"))
    if not claim:
        return None
    rating = _object(node.get("reviewRating"))
    original = _text(rating.get("alternateName")) or _text(rating.get("name"))
    value, best, worst = (
        _number(rating.get(key)) for key in ("ratingValue", "bestRating", "worstRating")
    )
    ours, source = map_rating(original, value, best, worst)
    appearances = item.get("appearance") or item.get("firstAppearance") or []
    if isinstance(appearances, dict):
        appearances = [appearances]
    urls = tuple(
        a["url"] for a in appearances if isinstance(a, dict) and isinstance(a.get("url"), str)
    )
    return FactCheck(
        claim_reviewed=claim,
        url=node.get("url") if isinstance(node.get("url"), str) else None,
        publisher=_text(node.get("author")) or _text(node.get("publisher")),
        date_published=_text(node.get("datePublished")),
        rating=ours,
        mapped_from=source,
        original_rating=original,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        claimant=_text(item.get("author")),
        appearances=urls,
        language=_text(node.get("inLanguage")),
    )


def read_fact_checks(data: Any) -> list[FactCheck]:
    found = (read_fact_check(node) for node in claim_review_nodes(data))
    return [fact_check for fact_check in found if fact_check is not None]


def claim_review_jsonld(
    *,
    claim: str,
    rating: str,
    review_url: str,
    publisher: str,
    published_at: str,
    note: str,
    appearances: list[str],
    speaker: str | None,
    first_appearance: str | None,
    first_said_at: str | None,
) -> dict[str, Any]:
    """One of our published verdicts as a schema.org ClaimReview."""
    item: dict[str, Any] = {
        "@type": "Claim",
        "appearance": [{"@type": "CreativeWork", "url": url} for url in appearances],
    }
    if speaker:
        item["author"] = {"@type": "Person", "name": speaker}
    if first_appearance:
        item["firstAppearance"] = {"@type": "CreativeWork", "url": first_appearance}
    if first_said_at:
        item["datePublished"] = first_said_at
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": RATING_NAME[rating]}
    if rating in RATING_VALUE:
        review_rating.update(ratingValue=RATING_VALUE[rating], bestRating=5, worstRating=1)
    else:  # schema.org's convention for a rating off the scale
        review_rating.update(ratingValue=-1, bestRating=-1, worstRating=-1)
    record: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url,
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": publisher},
        "datePublished": published_at,
        "itemReviewed": item,
        "reviewRating": review_rating,
    }
    if note:
        record["reviewBody"] = note
    return record
