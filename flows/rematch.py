"""The `rematch` flow: match a time range again after settings or models change."""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from schemas.settings import get_settings
from tasks.ingest import rematch
from tasks.storage.database import open_database


@flow(name="rematch")
def rematch_flow(since: datetime | None = None, until: datetime | None = None) -> tuple[int, int]:
    """Re-match every claim published in [since, until); idempotent. (claims, flags added)."""
    settings = get_settings()
    with open_database(settings) as conn:
        return rematch(conn, settings, since, until)
