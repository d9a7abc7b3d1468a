"""The JSON API under /api/: everything the review pages do, for scripts and other tools."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from schemas.records import FlagListing
from schemas.review import RATINGS, Account, AuditEntry, ClaimDetail, FamilyDetail, ReviewItem
from tasks.errors import NotAllowed
from tasks.review import accounts, queue, views
from tasks.storage.database import Connection
from tasks.storage.store import FLAG_KINDS
from web.app import in_worker_thread, signed_in

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
async def take_next(request: Request, me: Me) -> ReviewItem | Response:
    """The item you hold, or the top waiting one, leased to you (CLAIMTRACK_REVIEW_LEASE_S)."""
    lease_s = request.app.state.settings.review_lease_s
    item = await in_worker_thread(request, lambda conn: queue.next_item(conn, me, lease_s))
    return item if item is not None else Response(status_code=204)


@router.post(
    "/queue/{item_id}/decision",
    response_model=ReviewItem,
    responses={409: {"description": "decided already, or your lease expired or was taken"}},
)
async def decide(request: Request, item_id: int, decision: DecisionIn, me: Me) -> ReviewItem:
    def work(conn: Connection) -> ReviewItem:
        return queue.decide(conn, me, item_id, decision.as_decision())

    return await in_worker_thread(request, work)


@router.post("/queue/{item_id}/skip", status_code=204)
async def skip(request: Request, item_id: int, body: ReasonIn, me: Me) -> None:
    """Give the item back; it is not offered to you again."""
    await in_worker_thread(request, lambda conn: queue.skip(conn, me, item_id, body.reason))


@router.post("/queue/{item_id}/release", status_code=204)
async def release(request: Request, item_id: int, me: Me) -> None:
    await in_worker_thread(request, lambda conn: queue.release(conn, me, item_id))


@router.post("/queue/{item_id}/reopen", response_model=ReviewItem)
async def reopen(request: Request, item_id: int, body: ReasonIn, me: Me) -> ReviewItem:
    """Undo a decision (yours, or anyone's as an editor)."""

    def work(conn: Connection) -> ReviewItem:
        return queue.reopen(conn, me, item_id, body.reason)

    return await in_worker_thread(request, work)


@router.get("/queue", response_model=list[ReviewItem])
async def list_queue(
    request: Request,
    me: Me,
    status: Literal["waiting", "leased", "decided"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ReviewItem]:
    return await in_worker_thread(request, lambda conn: queue.list_items(conn, status, limit))


@router.get("/queue/{item_id}", response_model=ReviewItem)
async def item(request: Request, item_id: int, me: Me) -> ReviewItem:
    return await in_worker_thread(request, lambda conn: queue.view_item(conn, item_id))


@router.get("/history", response_model=list[AuditEntry])
async def history(
    request: Request, me: Me, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[AuditEntry]:
    """Your own changes, newest first."""
    return await in_worker_thread(request, lambda conn: queue.history(conn, me, limit=limit))


@router.get("/claims/{claim_id}", response_model=ClaimDetail)
async def claim(request: Request, claim_id: int, me: Me) -> ClaimDetail:
    return await in_worker_thread(request, lambda conn: views.claim_detail(conn, claim_id))


@router.get("/families/{family_id}", response_model=FamilyDetail)
async def family(request: Request, family_id: int, me: Me) -> FamilyDetail:
    def work(conn: Connection) -> FamilyDetail:
        return views.family_detail(conn, family_id)

    return await in_worker_thread(request, work)


class BulkOut(BaseModel):
    decided: list[int]
    held_by_others: list[int]


@router.post("/families/{family_id}/decision", response_model=BulkOut)
async def decide_family(request: Request, family_id: int, decision: DecisionIn, me: Me) -> BulkOut:
    """The same decision on every undecided item of the family (items another reviewer holds
    under a live lease are left, and listed)."""

    def work(conn: Connection) -> BulkOut:
        decided, held = queue.decide_family(conn, me, family_id, decision.as_decision())
        return BulkOut(decided=decided, held_by_others=held)

    return await in_worker_thread(request, work)


@router.get("/flags", response_model=list[FlagListing])
async def flags(
    request: Request,
    me: Me,
    kind: Annotated[list[Literal["repeat", "contradiction", "update"]] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[FlagListing]:
    kinds = tuple(kind or FLAG_KINDS)
    return await in_worker_thread(request, lambda conn: views.flags(conn, kinds, limit))


@router.get("/export/claimreview")
async def export_claimreview(request: Request, me: Me) -> list[dict[str, Any]]:
    """Our published verdicts as schema.org ClaimReview JSON-LD records."""
    from tasks.review.factchecks import published_reviews

    settings = request.app.state.settings
    return await in_worker_thread(request, lambda conn: published_reviews(conn, settings))


class AccountOut(BaseModel):
    name: str
    role: Literal["reviewer", "editor"]
    disabled: bool
    tokens: int
    created_at: datetime


class AccountIn(BaseModel):
    name: str = Field(max_length=64)
    role: Literal["reviewer", "editor"]
    password: str = Field(max_length=1_000, description="at least 10 characters")


class TokenOut(BaseModel):
    token: str = Field(description="shown once; send it as 'Authorization: Bearer TOKEN'")


class RevokedOut(BaseModel):
    revoked: int


def _listed(conn: Connection, name: str) -> AccountOut:
    account, tokens = next((a, t) for a, t in accounts.list_accounts(conn) if a.name == name)
    return AccountOut(**{**asdict(account), "tokens": tokens})


@router.get("/accounts", response_model=list[AccountOut], tags=["accounts"])
async def list_accounts(request: Request, me: Me) -> list[AccountOut]:
    """Every account (editors only)."""

    def work(conn: Connection) -> list[AccountOut]:
        if not me.is_editor:
            raise NotAllowed("only editors manage accounts")
        listed = accounts.list_accounts(conn)
        return [AccountOut(**{**asdict(a), "tokens": tokens}) for a, tokens in listed]

    return await in_worker_thread(request, work)


@router.post("/accounts", response_model=AccountOut, status_code=201, tags=["accounts"])
async def add_account(request: Request, body: AccountIn, me: Me) -> AccountOut:
    """A new reviewer or editor account (editors only)."""

    def work(conn: Connection) -> AccountOut:
        added = accounts.add_account(conn, body.name, body.role, body.password, by=me)
        return _listed(conn, added.name)

    return await in_worker_thread(request, work)


@router.post("/accounts/{name}/disable", response_model=AccountOut, tags=["accounts"])
async def disable_account(request: Request, name: str, me: Me) -> AccountOut:
    """Stop the account's sign-in, sessions and tokens at once (editors only)."""

    def work(conn: Connection) -> AccountOut:
        accounts.set_disabled(conn, name, True, by=me)
        return _listed(conn, name)

    return await in_worker_thread(request, work)


@router.post("/accounts/{name}/enable", response_model=AccountOut, tags=["accounts"])
async def enable_account(request: Request, name: str, me: Me) -> AccountOut:
    def work(conn: Connection) -> AccountOut:
        accounts.set_disabled(conn, name, False, by=me)
        return _listed(conn, name)

    return await in_worker_thread(request, work)


@router.post("/accounts/{name}/tokens", response_model=TokenOut, status_code=201, tags=["accounts"])
async def new_token(request: Request, name: str, me: Me) -> TokenOut:
    """A new API token for the account (editors only)."""
    token = await in_worker_thread(request, lambda conn: accounts.new_token(conn, name, by=me))
    return TokenOut(token=token)


@router.delete("/accounts/{name}/tokens", response_model=RevokedOut, tags=["accounts"])
async def revoke_tokens(request: Request, name: str, me: Me) -> RevokedOut:
    """Revoke every API token of the account (editors only)."""

    def work(conn: Connection) -> int:
        return accounts.revoke_tokens(conn, name, by=me)

    return RevokedOut(revoked=await in_worker_thread(request, work))
