"""What reviewers read besides the queue: one claim in its paragraph, one family in full."""

from __future__ import annotations

from schemas.records import FlagListing
from schemas.review import ClaimDetail, FamilyDetail, FamilyMember
from tasks.errors import NotFound
from tasks.review.sql import run
from tasks.storage import store
from tasks.storage.database import Connection


def claim_detail(conn: Connection, claim_id: int) -> ClaimDetail:
    rows = run(conn, "claim_detail", {"id": claim_id})
    store.end_read(conn)
    if not rows:
        raise NotFound(f"no claim {claim_id}")
    return ClaimDetail.from_row(rows[0])


def family_detail(conn: Connection, family_id: int) -> FamilyDetail:
    rows = run(conn, "family_members", {"id": family_id})
    if not rows:
        store.end_read(conn)
        raise NotFound(f"no claim family {family_id}")
    members = tuple(FamilyMember.from_row(row) for row in rows)
    verdict = claim_detail(conn, members[0].id).verdict
    return FamilyDetail(family_id, members, verdict)


def flags(conn: Connection, kinds: tuple[str, ...], limit: int) -> list[FlagListing]:
    return store.list_flags(conn, kinds, limit)
