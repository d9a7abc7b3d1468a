"""The `send-alerts` and `alert-digest` flows: thin Prefect wrappers around tasks.alerts."""

from __future__ import annotations

from prefect import flow

from schemas.settings import get_settings
from tasks.alerts import alerts
from tasks.storage.database import open_database


@flow(name="send-alerts")
def send_alerts_flow() -> alerts.Delivered:
    """Send every alert delivery due (new ones, and failed ones with tries left)."""
    settings = get_settings()
    with open_database(settings) as conn:
        return alerts.deliver(conn, settings)


@flow(name="alert-digest")
def alert_digest_flow(hours: int = 24) -> alerts.Delivered:
    """Queue today's digest of the last `hours` hours (once a day), then send what is due."""
    settings = get_settings()
    with open_database(settings) as conn:
        alerts.queue_digest(conn, settings, hours)
        return alerts.deliver(conn, settings)
