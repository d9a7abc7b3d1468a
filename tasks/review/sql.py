"""The queue's named queries (review.sql), run through the store like every other query."""

from __future__ import annotations

from typing import Any

from tasks.storage import store
from tasks.storage.database import Connection

REVIEW_SQL = "review/review.sql"


def run(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return store.run_query(conn, name, params, REVIEW_SQL)
