"""The `prune-fetch-log` flow: a thin Prefect wrapper around store.prune_fetch_log."""

from __future__ import annotations

from prefect import flow

from flows.runners import name_flow_run
from schemas.settings import get_settings
from tasks.storage import store
from tasks.storage.database import open_database


@flow(name="prune-fetch-log", flow_run_name="prune fetch log older than {keep_days} days")
def prune_fetch_log_flow(keep_days: int = 90) -> int:
    """Delete fetch-log lines older than `keep_days` days (runs, articles and claims stay);
    how many were deleted."""
    with open_database(get_settings()) as conn:
        deleted = store.prune_fetch_log(conn, keep_days)
    name_flow_run(f"{deleted} lines deleted")
    return deleted
