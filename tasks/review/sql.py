"""The queue's named queries (review.sql), run through the store like every other query, and
the audit row that every change to the queue or to an account writes."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from schemas.review import Account
from tasks.storage import store
from tasks.storage.database import Connection

REVIEW_SQL = "review/review.sql"


def run(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return store.run_query(conn, name, params, REVIEW_SQL)


def audit(
    conn: Connection,
    account: Account | None,
    action: str,
    item_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """One audit_log row: who (None: claimtrack itself, or the CLI on the server), what, and the
    state before and after."""
    run(
        conn,
        "audit",
        {
            "account_id": account.id if account else None,
            "action": action,
            "item_id": item_id,
            "before": Jsonb(before) if before is not None else None,
            "after": Jsonb(after) if after is not None else None,
        },
    )
