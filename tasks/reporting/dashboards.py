"""The dashboards' figures: tables read from the `reporting` summary tables through
dashboards.sql, for a window of days and optional filters (speaker, source, verdict, claim type).
The web pages, their CSV downloads and the tests call these functions; a BI tool reading the
`reporting` views sees the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from tasks.errors import InputError
from tasks.storage import store
from tasks.storage.database import Connection

DASHBOARDS_SQL = "reporting/dashboards.sql"
DEFAULT_DAYS = 30
TABLES = ("families", "speakers", "sources", "contradictions", "reviewers", "daily",
          "decisions_per_day", "occurrences")  # fmt: skip
VERDICTS = ("true", "mostly_true", "mixed", "mostly_false", "false", "unverifiable",
            "not_checkable", "unrated")  # fmt: skip
FILTERS = ("speaker", "source", "verdict", "claim_type")
Connections = Callable[[], AbstractContextManager[Connection]]  # a pool's .connection


@dataclass(frozen=True)
class Filters:
    """A window of days [date_from, date_to] and, when given, one speaker, source, verdict
    ("unrated" for none) and claim type."""

    date_from: date
    date_to: date
    speaker: str | None = None
    source: str | None = None
    verdict: str | None = None
    claim_type: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str], latest: Callable[[], date]) -> Filters:
        """Filters from a URL's query; the window defaults to the DEFAULT_DAYS days up to
        `latest()` (the latest claim's day, so old data never shows an empty page), asked only
        when the query names no end."""
        try:
            date_to = date.fromisoformat(query["to"]) if query.get("to") else latest()
            date_from = (
                date.fromisoformat(query["from"])
                if query.get("from")
                else date_to - timedelta(days=DEFAULT_DAYS - 1)
            )
        except ValueError as exc:
            raise InputError(f"dates are YYYY-MM-DD: {exc}") from None
        if date_from > date_to:
            raise InputError(f"the window starts ({date_from}) after it ends ({date_to})")
        chosen = {name: (query.get(name) or "").strip()[:200] or None for name in FILTERS}
        if chosen["verdict"] is not None and chosen["verdict"] not in VERDICTS:
            raise InputError(f"verdict {chosen['verdict']!r}: use one of {', '.join(VERDICTS)}")
        return cls(date_from, date_to, **chosen)

    def params(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            **{name: getattr(self, name) for name in FILTERS},
        }

    def query(self) -> dict[str, str]:
        """The URL query that gives these filters back (for links and CSV downloads)."""
        found = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        return found | {name: value for name in FILTERS if (value := getattr(self, name))}


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    families: list[dict[str, Any]]
    new_families: list[dict[str, Any]]
    growing: list[dict[str, Any]]
    trends: dict[int, list[int]]
    daily: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    queue: dict[str, Any]
    reviewers: list[dict[str, Any]]
    decisions_per_day: list[dict[str, Any]]
    choices: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """The first and the latest day a claim was said (None when no claim is stored)."""

    first: date | None
    latest: date | None

    def within(self, filters: Filters) -> bool:
        """Whether the window holds every claim stored."""
        return (
            self.first is not None
            and self.latest is not None
            and filters.date_from <= self.first
            and filters.date_to >= self.latest
        )


def span(conn: Connection) -> Span:
    row = store.run_query(conn, "span", {}, DASHBOARDS_SQL)[0]
    store.end_read(conn)
    return Span(row["first"], row["latest"])


def latest_day(conn: Connection) -> date:
    return span(conn).latest or date.today()


def variant(name: str, filters: Filters, stored: Span) -> str:
    """The query that gives table `name` for these filters from the fewest rows: the all-time
    totals when the window holds every claim and nothing is filtered, the per-day totals when
    no filter needs the claims themselves, else the claims' facts (for contradictions, those of
    the chosen speaker's or source's claims)."""
    plain = all(getattr(filters, f) is None for f in FILTERS)
    if name in ("families", "speakers", "sources") and plain and stored.within(filters):
        return f"{name}_all_time"
    if name in ("speakers", "sources") and plain:
        return f"{name}_by_day"
    if name == "daily" and filters.speaker is None and filters.source is None:
        return "daily_by_type"
    if name == "contradictions" and (filters.speaker or filters.source) is not None:
        return "contradictions_of"
    return name


def table(
    conn: Connection, name: str, filters: Filters, limit: int = 50, stored: Span | None = None
) -> list[dict[str, Any]]:
    """One of TABLES for these filters (at most `limit` rows where the table is a ranking)."""
    if name not in TABLES:
        raise InputError(f"no table {name!r}: use one of {', '.join(TABLES)}")
    query = variant(name, filters, stored or span(conn))
    rows = store.run_query(conn, query, {**filters.params(), "limit": limit}, DASHBOARDS_SQL)
    store.end_read(conn)
    return rows


def dashboard(
    conn: Connection,
    filters: Filters,
    limit: int = 15,
    side: Connections | None = None,
    stored: Span | None = None,
) -> Dashboard:
    """Every table of the main dashboard, and the trend line of each family shown. With `side`
    (more connections, as a pool gives them), the tables that do not need the families run on
    them at the same time as the families: a page then waits for its slowest query, not for
    the sum of them. `stored` is span(conn), when the caller has read it already."""
    stored = stored or span(conn)
    reads: dict[str, Callable[[Connection], Any]] = {
        "daily": lambda c: table(c, "daily", filters, stored=stored),
        "speakers": lambda c: table(c, "speakers", filters, limit, stored=stored),
        "sources": lambda c: table(c, "sources", filters, limit, stored=stored),
        "contradictions": lambda c: table(c, "contradictions", filters, limit, stored=stored),
        "queue": lambda c: _queue_health(c, limit),
    }
    started = (
        {name: _executor().submit(_on_side, side, read) for name, read in reads.items()}
        if side
        else {}
    )
    families = table(conn, "families", filters, limit=500, stored=stored)
    week_start = filters.date_to - timedelta(days=6)
    new = [f for f in families if week_start <= f["first_seen"].date() <= filters.date_to]
    growing = sorted(
        (f for f in families if f["last_7_days"] > f["previous_7_days"]),
        key=lambda f: (f["previous_7_days"] - f["last_7_days"], -f["in_window"], f["family_id"]),
    )
    shown = families[:limit]
    ids = [f["family_id"] for f in shown]  # the trend lines of the main table
    lines = trends(conn, ids, filters)
    found = {name: started[name].result() if side else read(conn) for name, read in reads.items()}
    queue, reviewers, decided, offered = found["queue"]
    return Dashboard(
        filters=filters,
        families=shown,
        new_families=new[:limit],
        growing=growing[:limit],
        trends=lines,
        daily=found["daily"],
        speakers=found["speakers"],
        sources=found["sources"],
        contradictions=found["contradictions"],
        queue=queue,
        reviewers=reviewers,
        decisions_per_day=decided,
        choices=offered,
    )


def _queue_health(conn: Connection, limit: int) -> tuple[Any, ...]:
    queue = store.run_query(conn, "queue_now", {}, DASHBOARDS_SQL)[0]
    return (
        queue,
        table(conn, "reviewers", review_window(), limit),
        table(conn, "decisions_per_day", review_window()),
        choices(conn),
    )


def _on_side(side: Connections, read: Callable[[Connection], Any]) -> Any:
    with side() as conn:
        return read(conn)


@cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="dashboard")


def review_window(today: date | None = None) -> Filters:
    """The queue's health is about work done lately, whatever days the claims were said on:
    the DEFAULT_DAYS days up to today."""
    end = today or date.today()
    return Filters(end - timedelta(days=DEFAULT_DAYS - 1), end)


def trends(conn: Connection, family_ids: list[int], filters: Filters) -> dict[int, list[int]]:
    """Claims per day of each family over the window, every day of it (zeros included)."""
    params = {**filters.params(), "family_ids": family_ids}
    rows = store.run_query(conn, "family_trends", params, DASHBOARDS_SQL)
    store.end_read(conn)
    days = (filters.date_to - filters.date_from).days + 1
    lines = {family_id: [0] * days for family_id in family_ids}
    for row in rows:
        lines[row["family_id"]][(row["said_on"] - filters.date_from).days] = int(row["claims"])
    return lines


def choices(conn: Connection) -> dict[str, list[str]]:
    rows = store.run_query(conn, "choices", {}, DASHBOARDS_SQL)
    store.end_read(conn)
    found: dict[str, list[str]] = {"speaker": [], "source": [], "claim_type": []}
    for row in rows:
        found[row["filter"]].append(row["value"])
    found["claim_type"].sort()
    return found


def csv_text(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV with a header (lists joined with '; ', times in ISO 8601)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    columns = [(name, _cell_writer(rows, name)) for name in rows[0]]
    writer.writerows([[cell(row[name]) for name, cell in columns] for row in rows])
    return out.getvalue()


def _cell_writer(rows: list[dict[str, Any]], name: str) -> Callable[[Any], Any]:
    """How the cells of one column are written, chosen once from its first value (a column of
    our queries holds one type)."""
    sample = next((row[name] for row in rows if row[name] is not None), None)
    if isinstance(sample, list | tuple):
        return lambda value: "; ".join(str(v) for v in value) if value is not None else None
    if isinstance(sample, datetime | date):
        return lambda value: value.isoformat() if value is not None else None
    return lambda value: value
