"""Alerts: a claim rated false, mostly false or mixed said again, or a new contradiction that
involves a watched speaker or source, told at once through the configured channels; and a daily
digest.

An ingestion run queues its alerts when it ends (one per claim family per
CLAIMTRACK_ALERT_PERIOD_H, one per flag ever), with a delivery row per channel. `deliver` sends
what is due: each delivery is locked while it is sent and marked sent at once, so two senders
never send one alert twice, and a failed one is tried again by the next sending, up to
CLAIMTRACK_ALERT_MAX_ATTEMPTS times. (A sender killed between sending and marking may send that
one alert again: delivery is at least once.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from psycopg.types.json import Jsonb

from schemas.settings import Settings
from tasks.alerts.channels import Channel, parse_channels, send
from tasks.errors import InputError
from tasks.storage import store
from tasks.storage.database import Connection

ALERTS_SQL = "alerts/alerts.sql"
WATCH_KINDS = ("speaker", "source")
Sender = Callable[[Channel, str, str, dict[str, Any]], None]


def _run(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return store.run_query(conn, name, params, ALERTS_SQL)


def watch(conn: Connection, kind: str, value: str) -> bool:
    """Watch a speaker or source (exactly as `claimtrack claims` shows it); whether it is new."""
    if kind not in WATCH_KINDS or not value.strip():
        raise InputError("watch a speaker or a source: alerts watch speaker|source NAME")
    with conn.transaction():
        return bool(_run(conn, "watch", {"kind": kind, "value": value.strip()}))


def unwatch(conn: Connection, kind: str, value: str) -> bool:
    with conn.transaction():
        return bool(_run(conn, "unwatch", {"kind": kind, "value": value.strip()}))


def watches(conn: Connection) -> list[dict[str, Any]]:
    rows = _run(conn, "watches", {})
    store.end_read(conn)
    return rows


def queue_alerts(conn: Connection, settings: Settings, run_id: int) -> int:
    """The alerts of what ingestion run `run_id` flagged, each with a delivery per channel; how
    many alerts were queued."""
    channels = [c.name for c in parse_channels(settings.alert_channels)]
    with conn.transaction():
        _run(conn, "lock_alerts", {})
        params = {"run_id": run_id, "period_h": settings.alert_period_h}
        alert_ids = [row["id"] for row in _run(conn, "queue_alerts", params)]
        if alert_ids and channels:
            _run(conn, "add_deliveries", {"alert_ids": alert_ids, "channels": channels})
    return len(alert_ids)


def queue_digest(conn: Connection, settings: Settings, hours: int = 24) -> int | None:
    """A digest of the last `hours` hours (one a day); its alert id, or None when today's
    digest was made already."""
    day = datetime.now(UTC).date().isoformat()
    channels = [c.name for c in parse_channels(settings.alert_channels)]
    with conn.transaction():
        _run(conn, "lock_alerts", {})
        if _run(conn, "digest_exists", {"day": day}):
            return None
        figures = _run(conn, "digest_figures", {"hours": hours})[0]
        payload = {"kind": "digest", "day": day, "hours": hours, **figures}
        alert_id = int(
            _run(conn, "add_alert", {"kind": "digest", "payload": Jsonb(payload)})[0]["id"]
        )
        if channels:
            _run(conn, "add_deliveries", {"alert_ids": [alert_id], "channels": channels})
    return alert_id


@dataclass(frozen=True)
class Delivered:
    sent: int
    failed: list[str]


def deliver(conn: Connection, settings: Settings, sender: Sender = send) -> Delivered:
    """Send every delivery due, one at a time under its row lock."""
    channels = {c.name: c for c in parse_channels(settings.alert_channels)}
    started = datetime.now(UTC)
    sent, failed = 0, list[str]()
    while True:
        with conn.transaction():
            rows = _run(conn, "next_delivery", {
                "max_attempts": settings.alert_max_attempts, "started": started,
                "channels": list(channels),
            })  # fmt: skip
            if not rows:
                return Delivered(sent, failed)
            row = rows[0]
            title, body = message(row["kind"], row["payload"], settings)
            error: str | None = None
            try:
                sender(channels[row["channel"]], title, body, row["payload"])
            except Exception as exc:  # any failure of a channel is recorded, and retried later
                error = f"{type(exc).__name__}: {exc}"[:500]
                failed.append(f"{row['channel']}: {error}")
                status = "failed"
            else:
                status = "sent"
                sent += 1
            _run(conn, "delivered", {
                "alert_id": row["alert_id"], "channel": row["channel"], "status": status,
                "error": error,
            })  # fmt: skip


def message(kind: str, payload: dict[str, Any], settings: Settings) -> tuple[str, str]:
    """The alert's title and plain-text body."""
    if kind == "digest":
        return _digest_message(payload)
    where = ", ".join(str(p) for p in (payload.get("source"), payload.get("url")) if p)
    speaker = payload.get("speaker") or "an unnamed speaker"
    lines = [f"“{payload['claim']}”", f"said by {speaker} on {str(payload.get('said_at'))[:10]}"]
    if where:
        lines[-1] += f" in {where}"
    earlier = f"“{payload.get('earlier_claim')}”"
    if kind == "rated-repeat":
        verdict = str(payload.get("verdict") or "").replace("_", " ")
        title = f"claimtrack: a claim rated {verdict} was said again"
        lines.append(f"It repeats a claim rated {verdict}: {earlier}")
    else:
        title = "claimtrack: a new contradiction involving a watched speaker or source"
        lines.append(f"It contradicts {earlier} ({payload.get('earlier_speaker') or 'unnamed'})")
    if payload.get("item_id"):
        lines.append(f"Review it: {settings.public_url.rstrip('/')}/items/{payload['item_id']}")
    return title, "\n".join(lines)


def _digest_message(payload: dict[str, Any]) -> tuple[str, str]:
    title = f"claimtrack digest for {payload['day']}"
    lines = [
        f"In the last {payload['hours']} hours: {payload['claims']} claims, {payload['repeats']} "
        f"repeats, {payload['contradictions']} contradictions, {len(payload['alerts'])} alerts.",
    ]
    for alert in payload["alerts"][:20]:
        lines.append(
            f"- {alert.get('kind')}: “{alert.get('claim')}” ({alert.get('speaker') or 'unnamed'})"
        )
    return title, "\n".join(lines)


def recent(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = _run(conn, "recent_alerts", {"limit": limit})
    store.end_read(conn)
    return rows


def today() -> date:
    return datetime.now(UTC).date()
