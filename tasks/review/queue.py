"""The reviewers' queue: items handed out under leases, decided, skipped, released and reopened.

Every function here is what the CLI, the JSON API and the web pages call. A reviewer's change is
made in one transaction that first locks the item (`FOR UPDATE`) and checks that the reviewer
holds a live lease on it, so a double click, a second tab or a decision after the lease expired
changes nothing and raises QueueConflict with what happened instead. Each change writes an
audit_log row with the item before and after. `next` hands out the top item with
`FOR UPDATE SKIP LOCKED`: reviewers asking at the same moment never get the same item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.review import MATCH_DECISIONS, RATINGS, Account, AuditEntry, ReviewItem
from tasks.errors import InputError, NotAllowed, NotFound, QueueConflict
from tasks.review.sql import audit, run
from tasks.storage import store
from tasks.storage.database import Connection


@dataclass(frozen=True)
class Decision:
    """What a reviewer decided on an item: `confirm` or `dismiss` a match, or a `verdict` (a
    rating on RATINGS) on the claim or, with `whole_family`, on every claim of its family."""

    action: str
    rating: str | None = None
    note: str = ""
    evidence: tuple[str, ...] = field(default_factory=tuple)
    whole_family: bool = False
    publish: bool = False

    def check(self, item_kind: str) -> None:
        if self.action not in (*MATCH_DECISIONS, "verdict"):
            raise InputError(f"decision {self.action!r}: use confirm, dismiss or verdict")
        if self.action in MATCH_DECISIONS and item_kind != "match":
            raise InputError(f"{self.action} is for match items; give a verdict on a check item")
        if self.action == "verdict" and self.rating not in RATINGS:
            raise InputError(f"rating {self.rating!r}: use one of {', '.join(RATINGS)}")
        for link in self.evidence:
            if not link.startswith(("http://", "https://")):
                raise InputError(f"evidence {link[:60]!r}: give http(s) links")
        if len(self.note) > 10_000:
            raise InputError("the note is longer than 10,000 characters")


def refresh_queue(
    conn: Connection, checkworthiness_threshold: float, run_id: int | None = None
) -> int:
    """Queue every open flag and every check-worthy claim without a verdict not queued yet
    (only the claims that ingestion run `run_id` stored, and their flags, when given); how many
    items were added."""
    with conn.transaction():
        added = run(conn, "refresh_match_items", {"run_id": run_id})
        params = {"threshold": checkworthiness_threshold, "run_id": run_id}
        added += run(conn, "refresh_check_items", params)
    return len(added)


def view_item(conn: Connection, item_id: int) -> ReviewItem:
    rows = run(conn, "item_view", {"id": item_id})
    if not rows:
        raise NotFound(f"no review item {item_id}")
    return ReviewItem.from_row(rows[0])


def next_item(conn: Connection, account: Account, lease_s: int) -> ReviewItem | None:
    """The item this reviewer holds, or else the top waiting one, leased to them for `lease_s`
    seconds; None when nothing is waiting."""
    with conn.transaction():
        taken = run(conn, "take_item", {"account_id": account.id, "lease_s": lease_s})
        if not taken:
            return None
        return view_item(conn, int(taken[0]["id"]))


def _hold(conn: Connection, account: Account, item_id: int) -> dict[str, Any]:
    """The item, locked, when this reviewer holds a live lease on it; QueueConflict otherwise."""
    rows = run(conn, "item_for_update", {"id": item_id})
    if not rows:
        raise NotFound(f"no review item {item_id}")
    row = rows[0]
    if row["status"] == "decided":
        by = "you" if row["decided_by"] == account.id else row["decider_name"]
        raise QueueConflict(
            f"item {item_id} was already decided ({row['decision']}) by {by} at "
            f"{_when(row['decided_at'])}; nothing was changed"
        )
    if row["status"] != "leased" or row["leased_by"] != account.id:
        holder = row["holder_name"] if row["status"] == "leased" else None
        raise QueueConflict(
            f"item {item_id} is not leased to you"
            + (f" ({holder} holds it)" if holder else "")
            + "; take an item with next"
        )
    if row["lease_expired"]:
        raise QueueConflict(
            f"your lease on item {item_id} expired at {_when(row['lease_expires_at'])}; "
            "take it again with next"
        )
    return row


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else "an unknown time"


def decide(conn: Connection, account: Account, item_id: int, decision: Decision) -> ReviewItem:
    """Apply a reviewer's decision to an item they hold; the item, decided."""
    if decision.publish and not account.is_editor:
        raise NotAllowed("only editors publish verdicts")
    with conn.transaction():
        row = _hold(conn, account, item_id)
        decision.check(row["kind"])
        _apply(conn, account, row, decision, "decide")
        return view_item(conn, item_id)


def decide_family(
    conn: Connection, account: Account, family_id: int, decision: Decision
) -> tuple[list[int], list[int]]:
    """The same decision on every undecided item of a claim family at once (bulk); the items
    decided, and those left because another reviewer holds them under a live lease. A confirm or
    dismiss applies to the family's match items only."""
    if decision.publish and not account.is_editor:
        raise NotAllowed("only editors publish verdicts")
    with conn.transaction():
        rows = run(conn, "family_items_for_update", {"family_id": family_id})
        if not rows:
            raise NotFound(f"nothing waits for a decision in claim family {family_id}")
        decided, held = [], []
        for row in rows:
            if (
                row["status"] == "leased"
                and row["leased_by"] != account.id
                and not row["lease_expired"]
            ):
                held.append(int(row["id"]))
                continue
            if decision.action in MATCH_DECISIONS and row["kind"] != "match":
                continue  # confirming every match of a family leaves its check items waiting
            decision.check(row["kind"])
            _apply(conn, account, row, decision, "decide family")
            decided.append(int(row["id"]))
        return decided, held


def _apply(
    conn: Connection, account: Account, row: dict[str, Any], decision: Decision, action: str
) -> None:
    before = _state(row)
    after: dict[str, Any] = {"decision": decision.action}
    if decision.action in MATCH_DECISIONS:
        _decide_match(conn, account, row, decision)
    else:
        after.update(_give_verdict(conn, account, row, decision))
    run(
        conn,
        "decide_item",
        {"id": row["id"], "decision": _label(decision), "account_id": account.id},
    )
    after["note"] = decision.note
    audit(conn, account, action, row["id"], before, after)


def _label(decision: Decision) -> str:
    if decision.action == "verdict":
        scope = "family" if decision.whole_family else "claim"
        return f"verdict:{decision.rating}:{scope}"
    return decision.action


def _decide_match(
    conn: Connection, account: Account, row: dict[str, Any], decision: Decision
) -> None:
    match = run(conn, "match_claims", {"match_id": row["match_id"]})[0]
    confirmed = decision.action == "confirm"
    run(
        conn,
        "set_match_status",
        {
            "match_id": row["match_id"],
            "status": "confirmed" if confirmed else "dismissed",
            "review": "confirmed" if confirmed else "dismissed",
            "reviewer": account.name,
            "note": decision.note,
        },
    )
    if match["kind"] == "repeat":
        if confirmed:  # already joined when flagged; joining again is a no-op
            store.join_family(conn, match["claim_id"], match["matched_claim_id"])
        else:
            store.leave_families(conn, [match["claim_id"]])


def _give_verdict(
    conn: Connection, account: Account, row: dict[str, Any], decision: Decision
) -> dict[str, Any]:
    family = row["claim_family_id"]
    if decision.whole_family and family is None:
        raise InputError(f"claim {row['claim_id']} belongs to no family; give the verdict alone")
    created = run(
        conn,
        "add_verdict",
        {
            "claim_id": row["claim_id"],
            "family_id": family if decision.whole_family else None,
            "rating": decision.rating,
            "note": decision.note,
            "evidence": list(decision.evidence),
            "account_id": account.id,
            "item_id": row["id"],
            "publish": decision.publish,
        },
    )
    return {"verdict_id": created[0]["id"], "rating": decision.rating, "family_id": family}


def skip(conn: Connection, account: Account, item_id: int, reason: str) -> None:
    """Give the item back, not to be offered to this reviewer again."""
    if not reason.strip():
        raise InputError("say why you skip the item (--reason)")
    with conn.transaction():
        row = _hold(conn, account, item_id)
        run(conn, "skip_item", {"id": item_id, "account_id": account.id})
        audit(conn, account, "skip", item_id, _state(row), {"reason": reason.strip()})


def release(conn: Connection, account: Account, item_id: int) -> None:
    """Give the item back to the queue."""
    with conn.transaction():
        row = _hold(conn, account, item_id)
        run(conn, "release_item", {"id": item_id})
        audit(conn, account, "release", item_id, _state(row), None)


def reopen(conn: Connection, account: Account, item_id: int, reason: str = "") -> ReviewItem:
    """Undo a decision: the item waits again, a decided match is open again (a dismissed repeat
    rejoins its family) and the item's verdicts are withdrawn. The decider or an editor may."""
    with conn.transaction():
        rows = run(conn, "item_for_update", {"id": item_id})
        if not rows:
            raise NotFound(f"no review item {item_id}")
        row = rows[0]
        if row["status"] != "decided":
            raise QueueConflict(f"item {item_id} is not decided; there is nothing to reopen")
        if row["decided_by"] != account.id and not account.is_editor:
            raise NotAllowed(f"only {row['decider_name']} or an editor may reopen item {item_id}")
        if row["match_id"] is not None and row["decision"] in MATCH_DECISIONS:
            match = run(conn, "match_claims", {"match_id": row["match_id"]})[0]
            run(
                conn,
                "set_match_status",
                {
                    "match_id": row["match_id"],
                    "status": "open",
                    "review": "reopened",
                    "reviewer": account.name,
                    "note": reason,
                },
            )
            if match["kind"] == "repeat" and row["decision"] == "dismiss":
                store.join_family(conn, match["claim_id"], match["matched_claim_id"])
        withdrawn = run(conn, "withdraw_item_verdicts", {"item_id": item_id})
        run(conn, "reopen_item", {"id": item_id})
        after = {"withdrawn_verdicts": [r["id"] for r in withdrawn], "reason": reason}
        audit(conn, account, "reopen", item_id, _state(row), after)
        return view_item(conn, item_id)


def list_items(conn: Connection, status: str | None = None, limit: int = 50) -> list[ReviewItem]:
    rows = run(conn, "list_items", {"status": status, "limit": limit})
    items = [view_item(conn, int(row["id"])) for row in rows]
    store.end_read(conn)
    return items


def counts(conn: Connection) -> dict[str, int]:
    """How many items wait, are in review and were decided."""
    rows = run(conn, "item_counts", {})
    store.end_read(conn)
    found = {row["status"]: int(row["n"]) for row in rows}
    return {status: found.get(status, 0) for status in ("waiting", "leased", "decided")}


def history(
    conn: Connection,
    account: Account | None = None,
    item_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    rows = run(
        conn,
        "history",
        {"account_id": account.id if account else None, "item_id": item_id, "limit": limit},
    )
    store.end_read(conn)
    return [AuditEntry.from_row(row) for row in rows]


def _state(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": row["status"],
        "decision": row["decision"],
        "leased_by": row["holder_name"],
        "decided_by": row["decider_name"],
    }
