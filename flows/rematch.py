"""The `rematch` flow: match a time range again after settings or models change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prefect import flow

from flows.runners import name_flow_run
from schemas.settings import get_settings
from tasks.ingest import rematch
from tasks.storage.database import open_database


@flow(name="rematch", flow_run_name="rematch")
def rematch_flow(
    since: datetime | None = None, until: datetime | None = None, days: int | None = None
) -> tuple[int, int]:
    """Re-match every claim published in [since, until), or in the last `days` days (the
    nightly schedule); idempotent. (claims, flags added)."""
    if days is not None and since is None:
        since = datetime.now(UTC) - timedelta(days=days)
    settings = get_settings()
    with open_database(settings) as conn:
        claims, flags = rematch(conn, settings, since, until)
    name_flow_run(f"{claims} claims re-matched, {flags} flags added")
    return claims, flags
