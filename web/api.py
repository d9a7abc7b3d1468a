"""The JSON API under /api/: everything the review pages do, for scripts and other tools."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from schemas.records import FlagListing
from schemas.review import RATINGS, Account, AuditEntry, ClaimDetail, FamilyDetail, ReviewItem
from tasks.review import queue, views
from tasks.storage.store import FLAG_KINDS
from web.app import Db, signed_in

router = APIRouter(prefix="/api", tags=["review"])
Me = Annotated[Account, Depends(signed_in)]


class DecisionIn(BaseModel):
    """A decision on an item you hold: `confirm` or `dismiss` a match, or a `verdict`."""

    action: Literal["confirm", "dismiss", "verdict"]
    rating: Literal[RATINGS] | None = Field(  # type: ignore[valid-type]
        None, description="for a verdict: " + ", ".join(RATINGS)
    )
    note: str = Field("", max_length=10_000)
    evidence: list[str] = Field(default_factory=list, max_length=50)
    whole_family: bool = Field(False, description="the verdict covers the claim's family")
    publish: bool = Field(False, description="publish the verdict (editors only)")

    def as_decision(self) -> queue.Decision:
        return queue.Decision(
            self.action,
            self.rating,
            self.note,
            tuple(self.evidence),
            self.whole_family,
            self.publish,
        )


class ReasonIn(BaseModel):
    reason: str = Field("", max_length=2_000)


@router.post(
    "/queue/next",
    response_model=ReviewItem,
    responses={204: {"description": "nothing is waiting"}},
)
def take_next(request: Request, conn: Db, me: Me) -> ReviewItem | Response:
    """The item you hold, or the top waiting one, leased to you (CLAIMTRACK_REVIEW_LEASE_S)."""
    item = queue.next_item(conn, me, request.app.state.settings.review_lease_s)
    return item if item is not None else Response(status_code=204)


@router.post(
    "/queue/{item_id}/decision",
    response_model=ReviewItem,
    responses={409: {"description": "decided already, or your lease expired or was taken"}},
)
def decide(item_id: int, decision: DecisionIn, conn: Db, me: Me) -> ReviewItem:
    return queue.decide(conn, me, item_id, decision.as_decision())


@router.post("/queue/{item_id}/skip", status_code=204)
def skip(item_id: int, body: ReasonIn, conn: Db, me: Me) -> None:
    """Give the item back; it is not offered to you again."""
    queue.skip(conn, me, item_id, body.reason)


@router.post("/queue/{item_id}/release", status_code=204)
def release(item_id: int, conn: Db, me: Me) -> None:
    queue.release(conn, me, item_id)


@router.post("/queue/{item_id}/reopen", response_model=ReviewItem)
def reopen(item_id: int, body: ReasonIn, conn: Db, me: Me) -> ReviewItem:
    """Undo a decision (yours, or anyone's as an editor)."""
    return queue.reopen(conn, me, item_id, body.reason)


@router.get("/queue", response_model=list[ReviewItem])
def list_queue(
    conn: Db,
    me: Me,
    status: Literal["waiting", "leased", "decided"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ReviewItem]:
    return queue.list_items(conn, status, limit)


@router.get("/queue/{item_id}", response_model=ReviewItem)
def item(item_id: int, conn: Db, me: Me) -> ReviewItem:
    return queue.view_item(conn, item_id)


@router.get("/history", response_model=list[AuditEntry])
def history(conn: Db, me: Me, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[AuditEntry]:
    """Your own changes, newest first."""
    return queue.history(conn, me, limit=limit)


@router.get("/claims/{claim_id}", response_model=ClaimDetail)
def claim(claim_id: int, conn: Db, me: Me) -> ClaimDetail:
    return views.claim_detail(conn, claim_id)


@router.get("/families/{family_id}", response_model=FamilyDetail)
def family(family_id: int, conn: Db, me: Me) -> FamilyDetail:
    return views.family_detail(conn, family_id)


class BulkOut(BaseModel):
    decided: list[int]
    held_by_others: list[int]


@router.post("/families/{family_id}/decision", response_model=BulkOut)
def decide_family(family_id: int, decision: DecisionIn, conn: Db, me: Me) -> BulkOut:
    """The same decision on every undecided item of the family (items another reviewer holds
    under a live lease are left, and listed)."""
    decided, held = queue.decide_family(conn, me, family_id, decision.as_decision())
    return BulkOut(decided=decided, held_by_others=held)


@router.get("/flags", response_model=list[FlagListing])
def flags(
    conn: Db,
    me: Me,
    kind: Annotated[list[Literal["repeat", "contradiction", "update"]] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[FlagListing]:
    return views.flags(conn, tuple(kind or FLAG_KINDS), limit)


@router.get("/export/claimreview")
def export_claimreview(request: Request, conn: Db, me: Me) -> list[dict[str, Any]]:
    """Our published verdicts as schema.org ClaimReview JSON-LD records."""
    from tasks.review.factchecks import published_reviews

    return published_reviews(conn, request.app.state.settings)
