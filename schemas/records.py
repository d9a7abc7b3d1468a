"""Records that cross module boundaries. Rows become these at the store's edge."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Polarity = Literal["positive", "negative"]
MatchKind = Literal["repeat", "contradiction", "update", "related"]
QuantityKind = Literal[
    "length",
    "area",
    "mass",
    "volume",
    "speed",
    "temperature",
    "duration",
    "energy",
    "money",
    "percent",
    "count",
    "number",
    "year",
    "date",
]


@dataclass(frozen=True)
class FetchedDocument:
    """Bytes of one article as fetched, before parsing."""

    target: str  # what the user asked for: a path or URL
    url: str  # where it came from after redirects (file:// for local files)
    body: bytes
    content_type: str  # "text/html", "text/plain", or a feed's XML type
    charset: str | None = None
    status: int = 200  # 304 when a conditional request found it unchanged (body empty)
    etag: str | None = None
    last_modified: str | None = None
    conditional: bool = False  # sent with If-None-Match / If-Modified-Since
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class ArticleText:
    """The article's story text and metadata, with boilerplate removed."""

    url: str
    canonical_url: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    language: str | None
    paragraphs: tuple[str, ...]
    modified_at: datetime | None = None
    claim_reviews: tuple[dict[str, Any], ...] = ()  # schema.org ClaimReview items on the page
    # where the story was found: "marked" (<article>, articleBody, <main>), "densest block"
    # (no marked story: the element holding most paragraph text), "json-ld", "whole page",
    # "plain text" (not HTML)
    story_source: str = "marked"

    @property
    def identity_url(self) -> str:
        return self.canonical_url or self.url


@dataclass(frozen=True)
class Quantity:
    """A number found in a claim, normalised so that equal amounts compare equal.

    `value` is in `unit`, the base unit of its kind (metres, square metres, kilograms, seconds,
    a currency code, "%", or the counted noun); `surface` is the text it came from.
    """

    kind: QuantityKind
    value: float
    unit: str
    surface: str
    written_unit: str = ""  # the unit as written ("km", "miles"), when it differs from `unit`
    # how the amount was qualified: "about" (about, nearly, roughly...), "over" (more than, at
    # least...), "under" (less than, up to...), "range" (`value` to `upper`: "3 to 4 percent"),
    # or "" for an amount stated as exact
    bound: str = ""
    upper: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Quantity:
        return cls(**data)


@dataclass(frozen=True)
class ClaimDraft:
    """A check-worthy sentence pulled from an article, before it is stored."""

    paragraph_index: int
    sentence_index: int
    text: str
    speaker: str | None
    quantities: tuple[Quantity, ...]
    polarity: Polarity
    checkworthiness: float
    reasons: tuple[str, ...]
    frame: str  # the claim's content words with numbers, negation and attribution taken out
    claim_type: str = "other"


@dataclass(frozen=True)
class StoredClaim:
    """A claim as the store keeps it."""

    id: int
    article_id: int
    revision_id: int
    text: str
    speaker: str | None
    quantities: tuple[Quantity, ...]
    polarity: Polarity
    frame: str
    created_at: datetime
    published_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredClaim:
        return cls(
            id=row["id"],
            article_id=row["article_id"],
            revision_id=row["revision_id"],
            text=row["text"],
            speaker=row["speaker"],
            quantities=tuple(Quantity.from_json(q) for q in row["quantities"]),
            polarity=row["polarity"],
            frame=row["frame"],
            created_at=row["created_at"],
            published_at=row.get("published_at"),
        )


@dataclass(frozen=True)
class MatchDecision:
    """What the matcher concluded about a new claim and an earlier one, and why."""

    kind: MatchKind
    score: float
    reason: str
    matched_parts: tuple[str, ...] = ()
    differing_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimListing:
    """One claim with its article, for `claimtrack claims`."""

    id: int
    article_id: int
    article_url: str
    source: str | None
    published_at: datetime | None
    text: str
    speaker: str | None
    quantities: tuple[Quantity, ...]
    polarity: Polarity
    checkworthiness: float
    claim_type: str
    reasons: tuple[str, ...]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ClaimListing:
        return cls(
            id=row["id"],
            article_id=row["article_id"],
            article_url=row["article_url"],
            source=row["source"],
            published_at=row["published_at"],
            text=row["text"],
            speaker=row["speaker"],
            quantities=tuple(Quantity.from_json(q) for q in row["quantities"]),
            polarity=row["polarity"],
            checkworthiness=row["checkworthiness"],
            claim_type=row["claim_type"],
            reasons=tuple(row["reasons"]),
        )


@dataclass(frozen=True)
class FlagListing:
    """One repeat or contradiction flag, for `claimtrack flags`."""

    id: int
    kind: MatchKind
    claim_id: int
    claim_text: str
    matched_claim_id: int
    matched_claim_text: str
    score: float
    reason: str
    status: str
    matched_parts: tuple[str, ...]
    differing_parts: tuple[str, ...]
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FlagListing:
        details = row["details"] or {}
        return cls(
            id=row["id"],
            kind=row["kind"],
            claim_id=row["claim_id"],
            claim_text=row["claim_text"],
            matched_claim_id=row["matched_claim_id"],
            matched_claim_text=row["matched_claim_text"],
            score=row["score"],
            reason=row["reason"],
            status=row["status"],
            matched_parts=tuple(details.get("matched_parts", ())),
            differing_parts=tuple(details.get("differing_parts", ())),
            created_at=row["created_at"],
        )


@dataclass(frozen=True)
class Family:
    """A claim and its repeats: what dashboards and reviewers see."""

    id: int
    claim_count: int
    first_seen_at: datetime
    last_seen_at: datetime
    canonical_claim_id: int
    canonical_text: str
    speakers: tuple[str, ...]
    sources: tuple[str, ...]
    contradictions: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Family:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        values["speakers"] = tuple(sorted(row["speakers"] or ()))
        values["sources"] = tuple(sorted(row["sources"] or ()))
        return cls(**values)


SourceKind = Literal["feed", "sitemap", "url"]


@dataclass(frozen=True)
class Source:
    """A feed, sitemap or single URL that scheduled runs fetch."""

    id: int
    name: str
    kind: SourceKind
    url: str
    schedule_minutes: int
    max_articles: int
    enabled: bool
    created_at: datetime
    last_checked_at: datetime | None
    next_due_at: datetime | None
    last_status: str | None
    last_error: str | None
    listing_etag: str | None = None
    listing_last_modified: str | None = None
    consecutive_failures: int = 0
    claimed_until: datetime | None = None
    being_fetched: bool = False  # a live session holds the source's claim (list_sources only)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Source:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__ if name in row})


@dataclass(frozen=True)
class TargetOutcome:
    """What happened to one path or URL in an ingest run."""

    target: str
    status: Literal["ingested", "unchanged", "failed"]
    reason: str = ""
    article_id: int | None = None
    claims_added: int = 0
    flags_added: int = 0
    url: str | None = None
    http_status: int | None = None
    attempts: int = 1
    conditional: bool = False


@dataclass(frozen=True)
class IngestReport:
    """The outcome of one ingest run, target by target."""

    run_id: int
    outcomes: tuple[TargetOutcome, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> tuple[TargetOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def claims_added(self) -> int:
        return sum(o.claims_added for o in self.outcomes)

    @property
    def flags_added(self) -> int:
        return sum(o.flags_added for o in self.outcomes)
