"""The `refresh-dashboards` flow: a thin Prefect wrapper around tasks.reporting.summaries."""

from __future__ import annotations

from prefect import flow

from flows.runners import name_flow_run
from schemas.settings import get_settings
from tasks.reporting import summaries
from tasks.storage.database import open_database


@flow(name="refresh-dashboards", flow_run_name="refresh dashboards")
def refresh_dashboards_flow(full: bool = False) -> int:
    """Refresh the dashboards' summary tables (rebuild them all with `full`); the claims done."""
    with open_database(get_settings()) as conn:
        claims = summaries.refresh(conn, full=full).claims
    name_flow_run(f"{'rebuilt' if full else 'refreshed'} {claims} claims")
    return claims
