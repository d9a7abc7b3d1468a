"""The `send-alerts` and `alert-digest` flows: thin Prefect wrappers around tasks.alerts."""

from __future__ import annotations

from prefect import flow

from flows.runners import name_flow_run
from schemas.settings import get_settings
from tasks.alerts import alerts
from tasks.storage.database import open_database


@flow(name="send-alerts", flow_run_name="send alerts")
def send_alerts_flow() -> alerts.Delivered:
    """Send every alert delivery due (new ones, and failed ones with tries left)."""
    settings = get_settings()
    with open_database(settings) as conn:
        delivered = alerts.deliver(conn, settings)
    name_flow_run(f"{delivered.sent} sent, {len(delivered.failed)} failed")
    return delivered


@flow(name="alert-digest", flow_run_name="alert digest of {hours} hours")
def alert_digest_flow(hours: int = 24) -> alerts.Delivered:
    """Queue today's digest of the last `hours` hours (once a day), then send what is due."""
    settings = get_settings()
    with open_database(settings) as conn:
        alerts.queue_digest(conn, settings, hours)
        delivered = alerts.deliver(conn, settings)
    name_flow_run(f"{delivered.sent} sent, {len(delivered.failed)} failed")
    return delivered
