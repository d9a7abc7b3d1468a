"""The dashboards: recurring claim families, who repeats them and where, contradictions waiting
and the queue's health, for a window and filters kept in the URL. Every table has a CSV download
of the same rows. Read-only: any signed-in account may look."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tasks.errors import InputError
from tasks.reporting import dashboards, summaries
from web import charts
from web.app import Db
from web.pages import Me, render

router = APIRouter(tags=["dashboards"])


def _filters(request: Request, conn: Any) -> tuple[dashboards.Filters, dashboards.Span]:
    """The URL's filters, and the days the stored claims span (read once for the request: the
    default window ends on the latest, and the tables pick their query by both)."""
    summaries.refresh_if_stale(conn)
    stored = dashboards.span(conn)
    filters = dashboards.Filters.from_query(
        request.query_params, lambda: stored.latest or date.today()
    )
    return filters, stored


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, conn: Db, me: Me) -> Response:
    try:
        filters, stored = _filters(request, conn)
    except InputError as exc:
        return render("dashboard.html", 422, me=me.account, csrf=me.csrf_token, error=str(exc),
                      board=None)  # fmt: skip
    board = dashboards.dashboard(
        conn, filters, side=request.app.state.side_pool.connection, stored=stored
    )
    daily_chart = _daily_chart(filters, board.daily)
    top = board.families[:10]
    families_chart = charts.ranked_bars(
        [f"#{f['family_id']} {_short(f['canonical_text'])}" for f in top],
        {"claims in the window": [int(f["in_window"]) for f in top]},
        "Most recurring claim families",
    ) if top else None  # fmt: skip
    speakers = board.speakers[:8]
    speakers_chart = charts.ranked_bars(
        [s["speaker"] for s in speakers],
        {"repeats": [int(s["repeats"]) for s in speakers],
         "repeats of claims rated false": [int(s["repeats_rated_false"]) for s in speakers]},
        "Who repeats claims",
    ) if speakers else None  # fmt: skip
    sparklines = {family_id: charts.sparkline(line) for family_id, line in board.trends.items()}
    query = board.filters.query()
    return render(
        "dashboard.html",
        me=me.account,
        csrf=me.csrf_token,
        board=board,
        query=query,
        csv=lambda name: f"/dashboard/{name}.csv?{urlencode(query)}",
        verdicts=dashboards.VERDICTS,
        daily_chart=daily_chart,
        families_chart=families_chart,
        speakers_chart=speakers_chart,
        sparklines=sparklines,
        claims_in_window=sum(int(row["claims"]) for row in board.daily),
        repeats_in_window=sum(int(row["repeats"]) for row in board.daily),
    )


LONGEST_DAILY_CHART = 120  # days; a longer window is drawn per week (Monday to Sunday)


def _daily_chart(filters: dashboards.Filters, daily: list[dict[str, Any]]) -> Any:
    days = [filters.date_from + timedelta(days=n)
            for n in range((filters.date_to - filters.date_from).days + 1)]  # fmt: skip
    weekly = len(days) > LONGEST_DAILY_CHART
    buckets = sorted({_bucket(day, weekly) for day in days})
    claims = dict.fromkeys(buckets, 0)
    repeats = dict.fromkeys(buckets, 0)
    for row in daily:
        bucket = _bucket(row["said_on"], weekly)
        claims[bucket] += int(row["claims"])
        repeats[bucket] += int(row["repeats"])
    return charts.daily_line(
        buckets,
        {"claims": list(claims.values()), "repeats": list(repeats.values())},
        f"Claims and repeats per {'week' if weekly else 'day'}",
    )


def _bucket(day: date, weekly: bool) -> date:
    return day - timedelta(days=day.weekday()) if weekly else day


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@router.get("/dashboard/{name}.csv")
def dashboard_csv(name: str, request: Request, conn: Db, me: Me) -> Response:
    """One table of the dashboard as CSV, for the same window and filters."""
    filters, stored = _filters(request, conn)
    if name in ("reviewers", "decisions_per_day"):  # as on the page: the last days of work
        filters = dashboards.review_window()
    rows = dashboards.table(conn, name, filters, limit=10_000, stored=stored)
    filename = f"claimtrack-{name}-{filters.date_from}-{filters.date_to}.csv"
    return Response(
        dashboards.csv_text(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
