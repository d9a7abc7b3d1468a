"""The summary tables under the `reporting` views (migration 0016): refreshed for the claims
that triggers marked stale, or rebuilt whole. The dashboards and BI tools read these tables; the
refresh runs when an ingestion run ends, before a dashboard is read when claims are waiting, from
`claimtrack dashboards refresh` and from the refresh-dashboards flow."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from tasks.storage import store
from tasks.storage.database import Connection, wrap_exceptions

SUMMARIES_SQL = "reporting/summaries.sql"
STEPS = ("keys_before", "delete_facts", "insert_facts", "keys_after",
         "analyze_keys", "delete_families", "insert_families")  # fmt: skip
# the per-day and all-time tables of speakers and of sources: one text each, composed per key
KEYED_STEPS = ("delete_who_days", "insert_who_days", "delete_who_totals", "insert_who_totals")
KEYS = ("speaker", "source")
LAST_STEPS = ("delete_days", "insert_days")


# More stale claims than this are rebuilt whole: after migration 0016 on a large database every
# claim is stale, and one by one a million take twice as long as a rebuild (60 s against 30 s).
REBUILD_ABOVE = 200_000


@dataclass(frozen=True)
class Refresh:
    claims: int  # claims whose facts were recomputed
    seconds: float
    skipped: bool = False  # another refresh held the lock


def refresh(conn: Connection, full: bool = False, wait: bool = True) -> Refresh:
    """Recompute the facts of every stale claim and the totals they touch, in one transaction
    (readers see the old figures until it commits). `full` rebuilds every table from the claims
    instead (readers wait for it), as does a refresh of more than REBUILD_ABOVE stale claims.
    With `wait` False, a refresh already running elsewhere makes this one return at once."""
    started = time.perf_counter()
    with conn.transaction():
        if wait:
            _run(conn, "lock")
        elif not _run(conn, "try_lock")[0]["locked"]:
            return Refresh(0, time.perf_counter() - started, skipped=True)
        full = full or int(_run(conn, "stale_count")[0]["n"]) > REBUILD_ABOVE
        indexes = _run(conn, "secondary_indexes") if full else []
        if full:
            _run(conn, "truncate_summaries")
            for index in indexes:
                conn.execute(sql.SQL("DROP INDEX {}").format(_identifier(str(index["name"]))))
        for step in (
            "drop_temp",
            "take_all" if full else "take_stale",
            "index_taken",
            "analyze_taken",
        ):
            _run(conn, step)
        claims = int(_run(conn, "taken_count")[0]["n"])
        if claims:
            for step in STEPS:
                _run(conn, step)
            for key in KEYS:
                for step in KEYED_STEPS:
                    _run_keyed(conn, step, key)
            for step in LAST_STEPS:
                _run(conn, step)
        _run(conn, "drop_temp")
        for index in indexes:  # definitions read from the catalog above, not from input
            conn.execute(str(index["definition"]).encode())
    if full:
        vacuum(conn)
    return Refresh(claims, time.perf_counter() - started)


def _identifier(qualified: str) -> sql.Identifier:
    schema, name = qualified.split(".", 1)
    return sql.Identifier(schema, name)


def stale_claims(conn: Connection) -> int:
    count = int(_run(conn, "stale_count")[0]["n"])
    store.end_read(conn)
    return count


def refresh_if_stale(conn: Connection) -> None:
    """Before a dashboard is read: refresh when claims changed since the last refresh, unless
    another refresh is running (then read what is there rather than wait)."""
    if _run(conn, "any_stale")[0]["stale"]:
        refresh(conn, wait=False)
    else:
        store.end_read(conn)


def vacuum(conn: Connection) -> None:
    """After a rebuild every row has a dead twin; vacuum so that index scans stay short. Inside
    a caller's transaction (where VACUUM cannot run) the tables are only analysed."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        _run(conn, "analyze_summaries")
        return
    previous = conn.autocommit
    with wrap_exceptions():
        conn.autocommit = True
        try:
            _run(conn, "vacuum_summaries")
        finally:
            conn.autocommit = previous


def _run(conn: Connection, name: str) -> list[dict[str, Any]]:
    return store.run_query(conn, name, {}, SUMMARIES_SQL)


def _run_keyed(conn: Connection, name: str, key: str) -> None:
    """A step of the speaker or source tables: `reporting.{key}_days` and `_totals`."""
    text = sql.SQL(store.queries(SUMMARIES_SQL)[name]).format(
        who=sql.Identifier(key),
        days=sql.Identifier("reporting", f"{key}_days"),
        totals=sql.Identifier("reporting", f"{key}_totals"),
    )
    with wrap_exceptions():
        conn.execute(text)
