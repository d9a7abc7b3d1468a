"""The reviewers' queue as records: accounts, work items with their leases, audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Role = Literal["reviewer", "editor"]
ItemKind = Literal["match", "check"]
ItemStatus = Literal["waiting", "leased", "decided"]
# one normalised scale for every verdict (ClaimReview's alternateName keeps the wording)
RATINGS = (
    "true",
    "mostly_true",
    "mixed",
    "mostly_false",
    "false",
    "unverifiable",
    "not_checkable",
)
MATCH_DECISIONS = ("confirm", "dismiss")


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: Role
    disabled: bool
    created_at: datetime

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Account:
        return cls(row["id"], row["name"], row["role"], row["disabled"], row["created_at"])


@dataclass(frozen=True)
class ClaimSide:
    """One claim of an item as a reviewer sees it, with where and when it was said."""

    id: int
    text: str
    speaker: str | None
    said_at: datetime | None
    url: str
    source: str | None
    title: str | None


@dataclass(frozen=True)
class ReviewItem:
    id: int
    kind: ItemKind
    status: ItemStatus
    priority: float
    reasons: tuple[str, ...]
    claim: ClaimSide
    family_id: int | None
    leased_by: str | None
    lease_expires_at: datetime | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    match_id: int | None = None
    match_kind: str | None = None
    match_score: float | None = None
    match_reason: str | None = None
    matched: ClaimSide | None = None
    differences: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReviewItem:
        claim = ClaimSide(
            row["claim_id"],
            row["claim_text"],
            row["claim_speaker"],
            row["claim_date"],
            row["claim_url"],
            row["claim_source"],
            row["claim_title"],
        )
        matched = None
        if row["matched_claim_id"] is not None:
            matched = ClaimSide(
                row["matched_claim_id"],
                row["matched_text"],
                row["matched_speaker"],
                row["matched_date"],
                row["matched_url"],
                row["matched_source"],
                row["matched_title"],
            )
        details = row["match_details"] or {}
        return cls(
            id=row["id"],
            kind=row["kind"],
            status=row["status"],
            priority=float(row["priority"]),
            reasons=tuple(row["reasons"] or ()),
            claim=claim,
            family_id=row["family_id"],
            leased_by=row["leased_by"],
            lease_expires_at=row["lease_expires_at"],
            decision=row["decision"],
            decided_by=row["decided_by"],
            decided_at=row["decided_at"],
            match_id=row["match_id"],
            match_kind=row["match_kind"],
            match_score=float(row["match_score"]) if row["match_score"] is not None else None,
            match_reason=row["match_reason"],
            matched=matched,
            differences=tuple(details.get("differing_parts", ())),
            shared=tuple(details.get("matched_parts", ())),
        )


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    account: str | None
    action: str
    item_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ClaimDetail:
    """A claim as a reviewer reads it: in its paragraph, with its source and its verdict."""

    id: int
    text: str
    speaker: str | None
    quantities: list[dict[str, Any]]
    polarity: str
    checkworthiness: float
    claim_type: str
    family_id: int | None
    said_at: datetime | None
    url: str
    source: str | None
    title: str | None
    paragraph: str
    verdict: str | None
    verdict_note: str | None
    verdict_published_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ClaimDetail:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FamilyMember:
    id: int
    text: str
    speaker: str | None
    said_at: datetime | None
    url: str
    source: str | None
    title: str | None
    first: bool  # the family's first appearance

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FamilyMember:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FamilyDetail:
    id: int
    members: tuple[FamilyMember, ...]
    verdict: str | None
