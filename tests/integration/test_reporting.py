"""The reporting views and the dashboards' tables on real PostgreSQL, against known data; the
read-only role of `claimtrack db reader-role`."""

import uuid
from datetime import date, timedelta

import psycopg
import pytest

from tasks.errors import InputError
from tasks.reporting import dashboards, summaries
from tasks.reporting.roles import create_reader_role
from tasks.review import accounts, queue
from tasks.storage import store
from tasks.storage.database import connect
from tests.integration.test_review_queue import FIRST, PASSWORD, SECOND, ingest

pytestmark = pytest.mark.integration

THIRD = """The Harlow ferry carried 1.2 million passengers last year, Councillor Reyes said.
"""


@pytest.fixture
def reported(conn, settings, tmp_path):
    """Two articles (a repeat and a contradiction), the repeat's family rated false, then a third
    article that repeats the rated claim."""
    ingest(conn, settings, tmp_path, [FIRST, SECOND])
    queue.refresh_queue(conn, 1.0)
    editor = accounts.add_account(conn, "rae", "editor", PASSWORD)
    repeat = next(i for i in queue.list_items(conn) if i.match_kind == "repeat")
    verdict = queue.Decision("verdict", "false", "the port says 0.8m", whole_family=True)
    queue.decide_family(conn, editor, repeat.family_id, verdict)
    ingest(conn, settings, tmp_path, [THIRD])
    return conn, repeat.family_id


def view(conn, name, order):
    rows = conn.execute(f"SELECT * FROM reporting.{name} ORDER BY {order}").fetchall()
    conn.commit()
    return rows


def everything(conn):
    return dashboards.Filters(date.today() - timedelta(days=400), date.today() + timedelta(days=1))


def test_the_views_count_what_was_stored(reported):
    conn, family = reported
    claims = conn.execute("SELECT count(*) AS n FROM claims").fetchone()["n"]
    assert len(view(conn, "claim_occurrences", "claim_id")) == claims
    ferry = next(f for f in view(conn, "families", "family_id") if f["family_id"] == family)
    assert ferry["claims"] == 3 and ferry["verdict"] == "false"
    assert ferry["last_7_days"] == 3 and ferry["previous_7_days"] == 0
    assert sorted(ferry["speaker_names"]) == ["Councillor Reyes", "Its operator", "Port authority"]
    reyes = next(s for s in view(conn, "speakers", "speaker") if s["speaker"] == "Councillor Reyes")
    assert reyes["repeats"] == 1 and reyes["repeats_rated_false"] == 1
    assert [c["claim_text"][:20] for c in view(conn, "open_contradictions", "match_id")] == [
        "The Kestrel bridge w"
    ]
    assert view(conn, "queue_now", "waiting")[0]["decided"] >= 1
    per_day = view(conn, "decisions_per_day", "decided_on")
    assert [(d["reviewer"], d["decisions"]) for d in per_day] == [("rae", 1)]
    assert sum(d["claims"] for d in view(conn, "family_days", "family_id, said_on")) == sum(
        f["claims"] for f in view(conn, "families", "family_id")
    )


def test_the_dashboard_tables_equal_the_views_without_filters(reported):
    conn, _ = reported
    filters = everything(conn)
    order = "repeats_rated_false DESC, repeats DESC, claims DESC, {}"
    for name, key in (("speakers", "speaker"), ("sources", "source")):
        assert dashboards.table(conn, name, filters, limit=1000) == view(
            conn, name, order.format(key)
        )
    families = dashboards.table(conn, "families", filters, limit=1000)
    by_view = {f["family_id"]: f for f in view(conn, "families", "family_id")}
    assert {f["family_id"]: f["in_window"] for f in families} == {
        k: v["claims"] for k, v in by_view.items()
    }
    occurrences = dashboards.table(conn, "occurrences", filters)
    assert len(occurrences) == len(view(conn, "claim_occurrences", "claim_id"))
    assert dashboards.table(conn, "contradictions", filters, limit=1000) == view(
        conn, "open_contradictions", "score DESC, match_id"
    )
    per_day: dict[date, int] = {}
    for row in view(conn, "decisions_per_day", "decided_on"):
        per_day[row["decided_on"]] = per_day.get(row["decided_on"], 0) + row["decisions"]
    decided = dashboards.table(conn, "decisions_per_day", dashboards.review_window())
    assert {row["decided_on"]: row["decisions"] for row in decided} == per_day != {}


def test_filters_narrow_the_tables(reported):
    conn, family = reported
    filters = everything(conn)
    reyes = dashboards.Filters(filters.date_from, filters.date_to, speaker="Councillor Reyes")
    assert [f["in_window"] for f in dashboards.table(conn, "families", reyes)] == [1]
    rated = dashboards.Filters(filters.date_from, filters.date_to, verdict="false")
    assert {f["family_id"] for f in dashboards.table(conn, "families", rated)} == {family}
    unrated = dashboards.Filters(filters.date_from, filters.date_to, verdict="unrated")
    assert family not in {f["family_id"] for f in dashboards.table(conn, "families", unrated)}
    long_ago = dashboards.Filters(date(2001, 1, 1), date(2001, 12, 31))
    assert dashboards.table(conn, "families", long_ago) == []
    board = dashboards.dashboard(conn, filters)
    assert board.families[0]["family_id"] == family and sum(board.trends[family]) == 3
    assert len(board.trends[family]) == (filters.date_to - filters.date_from).days + 1
    assert [f["family_id"] for f in board.new_families] == [family]
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        dashboards.Filters.from_query({"from": "yesterday"}, date.today)
    with pytest.raises(InputError, match="verdict"):
        dashboards.Filters.from_query({"verdict": "fake"}, date.today)


SUMMARY_TABLES = {
    "claim_facts": "claim_id", "family_totals": "family_id", "speaker_days": "speaker, said_on",
    "speaker_totals": "speaker", "source_days": "source, said_on", "source_totals": "source",
    "day_totals": "said_on, claim_type, verdict",
}  # fmt: skip


def summary_tables(conn):
    return {name: view(conn, name, order) for name, order in SUMMARY_TABLES.items()}


def test_incremental_refreshes_end_where_a_full_rebuild_does(reported):
    conn, family = reported
    assert summaries.stale_claims(conn) == 0  # the ingestion run refreshed at its end
    some_claim = conn.execute(
        "SELECT id FROM claims WHERE family_id IS NULL ORDER BY id LIMIT 1"
    ).fetchone()["id"]
    with conn.transaction():  # a verdict withdrawn, a claim's own verdict, a family dissolved
        conn.execute("UPDATE verdicts SET withdrawn_at = now() WHERE family_id = %s", (family,))
        conn.execute("INSERT INTO verdicts (claim_id, rating) VALUES (%s, 'true')", (some_claim,))
        conn.execute("UPDATE articles SET source = 'Renamed Gazette' WHERE id = "
                     "(SELECT article_id FROM claims WHERE id = %s)", (some_claim,))  # fmt: skip
        conn.execute("UPDATE claim_families SET canonical_claim_id = (SELECT max(id) FROM claims"
                     " WHERE family_id = %s) WHERE id = %s", (family, family))  # fmt: skip
    assert summaries.stale_claims(conn) >= 4
    assert summaries.refresh(conn).claims >= 4
    facts = {row["claim_id"]: row for row in view(conn, "claim_facts", "claim_id")}
    assert facts[some_claim]["verdict"] == "true"
    assert facts[some_claim]["source"] == "Renamed Gazette"
    newest = max(
        c["id"] for c in conn.execute("SELECT id FROM claims WHERE family_id = %s", (family,))
    )
    assert [c for c, f in facts.items() if f["family_id"] == family and f["first_in_family"]] == [
        newest
    ]
    assert {facts[c["id"]]["verdict"] for c in conn.execute(
        "SELECT id FROM claims WHERE family_id = %s", (family,))} == {None}  # fmt: skip
    with conn.transaction():
        conn.execute("DELETE FROM claims WHERE id = %s", (some_claim,))
    assert summaries.refresh(conn).claims == 1
    incremental = summary_tables(conn)
    assert some_claim not in {row["claim_id"] for row in incremental["claim_facts"]}
    assert incremental["claim_facts"] == view(conn, "claim_facts_live", "claim_id")
    rebuilt = summaries.refresh(conn, full=True)
    assert rebuilt.claims == len(incremental["claim_facts"])
    assert summary_tables(conn) == incremental
    assert summaries.refresh(conn).claims == 0
    with conn.transaction():  # inside a caller's transaction (a rolled-back bench run)
        inside = summaries.refresh(conn, full=True)
    assert inside.claims == rebuilt.claims
    assert summary_tables(conn) == incremental


def test_each_faster_variant_gives_the_rows_of_its_table(reported):
    conn, _ = reported
    with conn.transaction():
        conn.execute("UPDATE articles SET source = 'Gazette ' || (id % 2)")
    summaries.refresh(conn)
    stored = dashboards.span(conn)
    whole = dashboards.Filters(stored.first, stored.latest)
    assert stored.within(whole) and not stored.within(
        dashboards.Filters(stored.first + timedelta(days=1), stored.latest)
    )
    rated = dashboards.Filters(whole.date_from, whole.date_to, verdict="false")
    said_contradiction = conn.execute(
        "SELECT c.speaker FROM matches m JOIN claims c ON c.id = m.matched_claim_id"
        " WHERE m.kind = 'contradiction'"
    ).fetchone()["speaker"]
    speaker = dashboards.Filters(whole.date_from, whole.date_to, speaker=said_contradiction)
    source = dashboards.Filters(whole.date_from, whole.date_to, source="Gazette 1")
    for name, variant, filters in (
        ("families", "families_all_time", whole),
        ("speakers", "speakers_all_time", whole),
        ("speakers", "speakers_by_day", whole),
        ("sources", "sources_all_time", whole),
        ("sources", "sources_by_day", whole),
        ("daily", "daily_by_type", whole),
        ("daily", "daily_by_type", rated),
        ("contradictions", "contradictions_of", speaker),
        ("contradictions", "contradictions_of", source),
    ):
        params = {**filters.params(), "limit": 100}
        by_facts = store.run_query(conn, name, params, dashboards.DASHBOARDS_SQL)
        assert by_facts, name
        assert store.run_query(conn, variant, params, dashboards.DASHBOARDS_SQL) == by_facts
    assert dashboards.variant("families", whole, stored) == "families_all_time"
    assert dashboards.variant("families", rated, stored) == "families"
    assert dashboards.variant("daily", rated, stored) == "daily_by_type"
    conn.commit()


def test_a_dashboard_read_side_by_side_equals_one_read_in_turn(reported, db_url):
    conn, _ = reported
    filters = everything(conn)
    in_turn = dashboards.dashboard(conn, filters)
    side = dashboards.dashboard(conn, filters, side=lambda: connect(db_url, migrate=False))
    assert side == in_turn and side.families and side.contradictions and side.speakers


def test_the_csv_of_a_table_holds_its_rows(reported):
    conn, _ = reported
    rows = dashboards.table(conn, "speakers", everything(conn))
    lines = dashboards.csv_text(rows).splitlines()
    assert lines[0] == "speaker,claims,families_started,repeats,repeats_rated_false,last_said"
    assert len(lines) == len(rows) + 1 and lines[1].startswith(rows[0]["speaker"])


def test_the_reader_role_reads_the_views_and_cannot_write(reported, db_url, pg_admin_url):
    conn, _ = reported
    name = f"reader_{uuid.uuid4().hex[:8]}"
    password = "a reader password"
    assert create_reader_role(conn, name, password) is True
    assert create_reader_role(conn, name, password + "!") is False  # a new password
    with pytest.raises(InputError, match="role name"):
        create_reader_role(conn, "Robert'); DROP TABLE claims; --", password)
    url = psycopg.conninfo.make_conninfo(db_url, user=name, password=password + "!")
    try:
        with psycopg.connect(url, autocommit=True) as reader:
            assert reader.execute("SELECT count(*) FROM reporting.families").fetchone()[0] >= 1
            for statement in (
                "SELECT count(*) FROM claims",
                "DELETE FROM claims",
                "DELETE FROM reporting.claim_facts",
                "INSERT INTO accounts (name, role, password_hash) VALUES ('x', 'editor', 'x')",
                "CREATE TABLE public.sneaky (id int)",
                "CREATE VIEW reporting.sneaky AS SELECT 1",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(statement)
    finally:
        conn.execute(psycopg.sql.SQL("DROP OWNED BY {}").format(psycopg.sql.Identifier(name)))
        conn.commit()
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(name)))


def test_a_run_summary_names_the_rated_repeat_and_its_events(conn, settings, tmp_path):
    from tasks.reporting import run_summary

    first = ingest(conn, settings, tmp_path, [FIRST, SECOND])
    found = run_summary.findings(conn, first)
    assert found.counts["repeats"] == 1 and found.counts["contradictions"] == 1
    assert [e["event"] for e in run_summary.events(found)] == ["claimtrack.claim.contradiction"]
    queue.refresh_queue(conn, 1.0)
    editor = accounts.add_account(conn, "rae", "editor", PASSWORD)
    repeat = next(i for i in queue.list_items(conn) if i.match_kind == "repeat")
    verdict = queue.Decision("verdict", "false", whole_family=True)
    queue.decide_family(conn, editor, repeat.family_id, verdict)
    third = run_summary.findings(conn, ingest(conn, settings, tmp_path, [THIRD]))
    assert third.counts == {
        "articles": 1, "unchanged": 0, "failed": 0, "claims": 1, "repeats": 1,
        "contradictions": 0, "updates": 0,
    }  # fmt: skip
    (event,) = run_summary.events(third)
    assert event["event"] == "claimtrack.claim.repeated-rated"
    assert event["resource"]["prefect.resource.id"] == f"claimtrack.family.{repeat.family_id}"
    assert event["payload"]["speaker"] == "Councillor Reyes"
    assert event["payload"]["verdict"] == "false"
    text = run_summary.markdown(third)
    assert "| 1 | 0 | 0 | 1 | 1 | 0 | 0 |" in text and "rated false" in text


def test_bench_dashboards_fills_families_and_times_every_page(db_url):
    from tests.integration.test_cli import claimtrack

    result = claimtrack(
        "bench", "dashboards", "--claims", "2000", "--rounds", "1",
        env={"DATABASE_URL": db_url}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    found = dict(pair.split("=") for pair in last.split())
    assert list(found) == [
        "claims", "families", "page_p50_ms", "page_p95_ms", "first_round_page_p95_ms",
        "csv_p95_ms", "refresh_s", "incremental_s",
    ]  # fmt: skip
    assert float(found["refresh_s"]) > 0 and float(found["incremental_s"]) > 0
    assert int(found["claims"]) == 2000 and 100 < int(found["families"]) < 2000
    assert float(found["page_p95_ms"]) >= float(found["page_p50_ms"]) > 0
    assert "families csv: p50" in result.stdout
