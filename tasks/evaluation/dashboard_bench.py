"""`claimtrack bench dashboards`: every dashboard page through the real web app, over a
newsroom's two years of claims.

Fills its own database (claimtrack_bench_dashboards on the same server) in SQL: N claims whose
wordings come from #5's corpus sentences, in families skewed as news repeats are (a few recur
often, most rarely), 300 speakers, 40 sources, a verdict on every twentieth family, a
contradiction in every hundred claims, and a review queue half decided. It then starts `claimtrack
web` as its own process, signs in, and times each page and CSV download of the dashboard, with
and without filters, over several rounds. Before that it times a full rebuild of the summary
tables, and the incremental refresh after one ingestion run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

from tasks.evaluation.bench_corpus import base_sentences
from tasks.evaluation.benchmark import bench_database, percentile
from tasks.evaluation.review_bench import _free_port, start_web, wait_until_healthy
from tasks.reporting import summaries
from tasks.review import accounts
from tasks.storage import store
from tasks.storage.database import connect

Say = Callable[[str], None]
SQL = "evaluation/dashboard_bench.sql"
DATABASE = "claimtrack_bench_dashboards"
EDITOR, PASSWORD = "bench-editor", "bench editor password"
FILL_STEPS = ("fill_articles", "fill_revisions", "fill_claims", "fill_families",
              "fill_verdicts", "fill_matches")  # fmt: skip


@dataclass(frozen=True)
class DashboardBenchResult:
    claims: int
    families: int
    page_ms: dict[str, list[float]]
    refresh_s: float  # a full rebuild of the summary tables
    incremental_s: float  # the refresh after one ingestion run's claims

    def figures(self) -> str:
        """Pages are the HTML dashboards; CSV downloads are counted apart (a 10,000-row file is
        not a page view). The first round is also given alone: it draws every chart anew, where
        later rounds find the trend lines already drawn."""
        pages = [ms for name, times in self.page_ms.items() if not _csv(name) for ms in times]
        first = [times[0] for name, times in self.page_ms.items() if not _csv(name)]
        csvs = [ms for name, times in self.page_ms.items() if _csv(name) for ms in times]
        return (
            f"claims={self.claims} families={self.families} "
            f"page_p50_ms={statistics.median(pages):.1f} "
            f"page_p95_ms={percentile(pages, 0.95):.1f} "
            f"first_round_page_p95_ms={percentile(first, 0.95):.1f} "
            f"csv_p95_ms={percentile(csvs, 0.95):.1f} refresh_s={self.refresh_s:.1f} "
            f"incremental_s={self.incremental_s:.2f}"
        )


def _csv(page: str) -> bool:
    return page.endswith(" csv")


def prepare(url: str, claims: int, data_dir: Path | None, say: Say) -> tuple[int, int]:
    bases = base_sentences(data_dir)[:5000]
    with connect(url) as conn:
        with conn.transaction():
            store.run_query(conn, "clear", {}, SQL)
        for step in FILL_STEPS:
            say(f"{step.replace('_', ' ')} ({claims:,} claims)")
            with conn.transaction():
                store.run_query(conn, "fill_memory", {}, SQL)
                store.run_query(conn, step, {"claims": claims, "bases": bases}, SQL)
            # each step plans on what the steps before stored, not on the last run's statistics
            store.run_query(conn, "analyze", {}, SQL)
            conn.commit()
        editor = accounts.add_account(conn, EDITOR, "editor", PASSWORD)
        with conn.transaction():
            store.run_query(conn, "fill_queue", {"account_id": editor.id}, SQL)
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        counts = store.run_query(conn, "counts", {}, SQL)[0]
    return int(counts["claims"]), int(counts["families"])


def time_refreshes(url: str, say: Say) -> tuple[float, float]:
    """Seconds of a full rebuild of the summary tables, then of the incremental refresh after
    one ingestion run's claims (stored in SQL, as the run would store them)."""
    with connect(url) as conn:
        say("full refresh of the summary tables")
        full = summaries.refresh(conn, full=True)
        with conn.transaction():
            store.run_query(conn, "fill_run", {}, SQL)
        say("incremental refresh after one ingestion run (1,000 claims)")
        run = summaries.refresh(conn)
    return full.seconds, run.seconds


def pages(today: date, speaker: str, source: str) -> dict[str, str]:
    """The dashboard's pages and downloads, as people open them: the default window, filters,
    a long window, and the CSV of the main table."""
    two_years = {"from": (today - timedelta(days=730)).isoformat(), "to": today.isoformat()}
    query = httpx.QueryParams
    return {
        "default": "/dashboard",
        "speaker": f"/dashboard?{query({'speaker': speaker})}",
        "source": f"/dashboard?{query({'source': source})}",
        "rated false": "/dashboard?verdict=false",
        "statistics": "/dashboard?claim_type=statistic",
        "two years": f"/dashboard?{query(two_years)}",
        "families csv": "/dashboard/families.csv",
        "speakers csv": f"/dashboard/speakers.csv?{query(two_years)}",
    }


def sign_in(client: httpx.Client) -> None:
    form = client.get("/signin")
    form.raise_for_status()
    csrf = client.cookies.get("claimtrack_signin") or ""
    answer = client.post(
        "/signin", data={"name": EDITOR, "password": PASSWORD, "csrf": csrf, "next": "/"}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"the bench could not sign in ({answer.status_code})")


def run(
    server_url: str, claims: int, data_dir: Path | None, say: Say, rounds: int = 5
) -> DashboardBenchResult:
    url = bench_database(server_url, DATABASE)
    stored, families = prepare(url, claims, data_dir, say)
    full_s, incremental_s = time_refreshes(url, say)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_web(url, port, pool_size=4, workers=1)
    times: dict[str, list[float]] = {}
    try:
        wait_until_healthy(base, server)
        with httpx.Client(base_url=base, timeout=300) as client:
            sign_in(client)
            targets = pages(date.today(), "Speaker 31", "Source 7")
            client.get(targets["default"]).raise_for_status()  # untimed: the app's first query
            for n in range(rounds):
                say(f"round {n + 1} of {rounds}: {len(targets)} pages")
                for name, path in targets.items():
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return DashboardBenchResult(stored, families, times, full_s, incremental_s)
