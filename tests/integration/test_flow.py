"""The Prefect flow itself, and `claimtrack ingest` end to end, reporting to a Prefect server
(local mode, with its temporary server, is test_interrupts')."""

import json

import pytest

from cli.main import sample_articles
from schemas.settings import get_settings
from tests.conftest import FIXTURES
from tests.integration.test_cli import claimtrack

pytestmark = [pytest.mark.integration, pytest.mark.prefect]


@pytest.fixture
def prefect_harness(prefect_api, monkeypatch):
    """The flow in this process (and the processes of a process task runner), reporting to the
    tests' Prefect server."""
    from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    # the session's server stops before this process does: no log lines left to send it then
    updates = {PREFECT_API_URL: prefect_api, PREFECT_LOGGING_TO_API_ENABLED: False}
    with temporary_settings(updates=updates):
        yield


@pytest.fixture
def env_database(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def test_ingest_flow_runs_the_demo_articles(prefect_harness, env_database, monkeypatch):
    import prefect.events
    from prefect.artifacts import Artifact

    from flows.ingest import ingest_flow

    emitted = []
    monkeypatch.setattr(prefect.events, "emit_event", lambda **event: emitted.append(event))
    report = ingest_flow(sample_articles())
    artifact = Artifact.get("ingest-run-summary")
    assert artifact is not None and f"# Ingestion run {report.run_id}" in artifact.data
    figures = f"| {len(sample_articles())} | 0 | 0 | {report.claims_added} |"
    assert figures in artifact.data and "## New contradictions" in artifact.data
    contradictions = [e for e in emitted if e["event"] == "claimtrack.claim.contradiction"]
    assert len(contradictions) == artifact.data.split("## New contradictions")[1].count("\n- ")
    assert [o.status for o in report.outcomes] == ["ingested"] * len(sample_articles())
    kinds = {o.flags_added > 0 for o in report.outcomes[1:]}
    assert kinds == {True}
    again = ingest_flow(sample_articles())
    assert {o.status for o in again.outcomes} == {"unchanged"}


def test_ingest_command_then_flags_jsonl(db_url, prefect_api):
    articles = sorted(str(p) for p in (FIXTURES / "articles").glob("*.html"))
    env = {"DATABASE_URL": db_url, "PREFECT_API_URL": prefect_api}
    result = claimtrack("ingest", *articles, "--source", "fixtures", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "3 ingested" in result.stderr
    flags = claimtrack("flags", "--format", "jsonl", env=env)
    kinds = [json.loads(line)["kind"] for line in flags.stdout.splitlines()]
    assert "repeat" in kinds and "contradiction" in kinds


def test_ingest_command_reports_failures_with_a_non_zero_exit(db_url, prefect_api):
    env = {"DATABASE_URL": db_url, "PREFECT_API_URL": prefect_api}
    result = claimtrack("ingest", "http://127.0.0.1:9/gone", env=env, timeout=300)
    assert result.returncode == 1
    assert "failed     http://127.0.0.1:9/gone: " in result.stderr
    assert "Traceback" not in result.stderr


def test_sources_commands_end_to_end(db_url, prefect_api):
    from tests.newsserver import BAD, GOOD, news_site

    with news_site() as site:
        env = {
            "DATABASE_URL": db_url,
            "PREFECT_API_URL": prefect_api,
            "CLAIMTRACK_ALLOW_HOSTS": f"127.0.0.1:{site.port}",
            "CLAIMTRACK_FETCH_TIMEOUT_S": "0.5",
            "CLAIMTRACK_FETCH_HOST_DELAY_S": "0",
            "CLAIMTRACK_FETCH_BACKOFF_S": "0.01",
            "CLAIMTRACK_FETCH_MAX_BYTES": "100000",
        }
        added = claimtrack("sources", "add", "kestrel", f"{site.base}/feed.xml", env=env)
        assert added.returncode == 0, added.stderr
        listed = claimtrack("sources", "list", "--format", "jsonl", env=env)
        assert json.loads(listed.stdout)["name"] == "kestrel"
        first = claimtrack("sources", "run", env=env, timeout=300)
        assert first.returncode == 1, first.stderr  # some targets failed, the rest was kept
        assert first.stderr.count("ingested   ") == len(GOOD)
        assert first.stderr.count("failed     ") == len(BAD)
        again = claimtrack("sources", "run", "--all", env=env, timeout=300)
        assert again.stderr.count("unchanged  ") == len(GOOD)
        shown = claimtrack("sources", "show", "kestrel", env=env)
        assert "refused" in shown.stdout and "disallowed by" in shown.stdout
        missing = claimtrack("sources", "remove", "nope", env=env)
        assert missing.returncode == 2 and "no source named" in missing.stderr


def test_rematch_command(db_url, prefect_api):
    env = {"DATABASE_URL": db_url, "PREFECT_API_URL": prefect_api}
    articles = sorted(str(p) for p in (FIXTURES / "articles").glob("*.html"))
    assert claimtrack("ingest", *articles, env=env, timeout=300).returncode == 0
    before = claimtrack("flags", "--format", "jsonl", env=env).stdout
    result = claimtrack("rematch", "--since", "2023-01-01", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "re-matched" in result.stderr
    after = claimtrack("flags", "--format", "jsonl", env=env).stdout
    pairs = sorted(
        (r["claim_id"], r["matched_claim_id"], r["kind"])
        for r in map(json.loads, after.splitlines())
    )
    assert pairs == sorted(
        (r["claim_id"], r["matched_claim_id"], r["kind"])
        for r in map(json.loads, before.splitlines())
    )


@pytest.mark.parametrize("runner", ["threads", "processes"])
def test_sources_run_in_parallel_lanes_on_the_task_runner(
    runner, prefect_harness, env_database, monkeypatch, tmp_path
):
    from flows.ingest import ingest_sources_flow
    from tasks.storage import store
    from tasks.storage.database import connect
    from tests.integration.test_hostile_runs import feed, story
    from tests.scriptedserver import page, scripted_site

    with scripted_site() as site:
        towns = ("Kestrel Dale", "Harlow Bay", "Fennick Point", "Ashby Moor")
        for n, town in enumerate(towns):
            site.routes[f"/s{n}"] = page(
                story(f"The council said the {town} bridge will cost ${400 + n} million to build.")
            )
            listed = [f"/s{n}", f"/s{(n + 1) % len(towns)}"]  # each story in two feeds
            site.routes[f"/f{n}.xml"] = page(feed(site, listed), "application/rss+xml")
        for name, value in {
            "CLAIMTRACK_PARALLEL_SOURCES": "2",
            "CLAIMTRACK_TASK_RUNNER": runner,
            "CLAIMTRACK_ALLOW_HOSTS": f"127.0.0.1:{site.port}",
            "CLAIMTRACK_RESPECT_ROBOTS": "false",
            "CLAIMTRACK_HOME": str(tmp_path),
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        with connect(env_database) as conn:
            for n in range(len(towns)):
                store.add_source(
                    conn,
                    name=f"f{n}",
                    kind="feed",
                    url=site.url(f"/f{n}.xml"),
                    schedule_minutes=60,
                    max_articles=5,
                )
        reports = ingest_sources_flow()
        assert len(reports) == len(towns)  # every source once, over two lanes
        assert all(site.hits[f"/f{n}.xml"] == 1 for n in range(len(towns)))
        with connect(env_database) as conn:
            assert store.counts(conn)["articles"] == len(towns)
            assert all(s.last_status == "ok" for s in store.list_sources(conn))
        if runner == "threads":  # (each process of the other runner loads every model)
            assert ingest_sources_flow() == []  # nothing is due any more


def matches_by_text(db_url):
    from tasks.storage.database import connect

    with connect(db_url) as conn:
        rows = conn.execute(
            "SELECT c.text AS new, o.text AS old, m.kind FROM matches m "
            "JOIN claims c ON c.id = m.claim_id JOIN claims o ON o.id = m.matched_claim_id "
            "ORDER BY 1, 2"
        ).fetchall()
    return [(r["new"], r["old"], r["kind"]) for r in rows]


def test_articles_analysed_side_by_side_are_flagged_as_one_by_one(
    prefect_harness, env_database, pg_admin_url, template_url, monkeypatch, tmp_path
):
    import uuid

    import psycopg
    from psycopg import sql

    from flows.ingest import ingest_flow
    from tests.integration.test_hostile_runs import story

    sentences = [
        "The council said the Kestrel Dale bridge will cost $400 million to build.",
        "The Kestrel Dale bridge will cost $400 million to build, the council said on Monday.",
        "Officials said the Kestrel Dale bridge will cost $400 million to build next year.",
        "The council said the Kestrel Dale bridge will cost $650 million to build.",
        "The Harlow Bay ferry carried 12,000 passengers in March, its operator said.",
        "The Harlow Bay ferry carried 12,000 passengers in March, the operator reported.",
    ]
    targets = []
    for n, sentence in enumerate(sentences):
        path = tmp_path / f"story{n}.html"
        path.write_bytes(story(sentence, title=f"Story {n}"))
        targets.append(str(path))
    one_by_one_db = f"claimtrack_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        template = psycopg.conninfo.conninfo_to_dict(template_url)["dbname"]
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(one_by_one_db), sql.Identifier(template)))  # fmt: skip
    one_by_one_url = psycopg.conninfo.make_conninfo(pg_admin_url, dbname=one_by_one_db)
    try:
        monkeypatch.setenv("DATABASE_URL", one_by_one_url)
        get_settings.cache_clear()
        alone = ingest_flow(targets)
        monkeypatch.setenv("DATABASE_URL", env_database)
        monkeypatch.setenv("CLAIMTRACK_ANALYSIS_WORKERS", "2")
        monkeypatch.setenv("CLAIMTRACK_TASK_RUNNER", "processes")
        monkeypatch.setenv("CLAIMTRACK_FETCH_CONCURRENCY", "1")  # chunks of two articles
        get_settings.cache_clear()
        # each chunk analysed in two processes while the chunk before it is stored
        together = ingest_flow(targets)
        assert [o.status for o in together.outcomes] == ["ingested"] * len(sentences)
        flags = [o.flags_added for o in together.outcomes]
        assert flags == [o.flags_added for o in alone.outcomes]
        found = matches_by_text(env_database)
        assert found == matches_by_text(one_by_one_url)
        kinds = {(old, new): kind for new, old, kind in found}
        assert kinds[(sentences[0], sentences[1])] == "repeat"  # found inside the batch
        assert kinds[(sentences[4], sentences[5])] == "repeat"
        # the third says it again: flagged once, against the closest member of the family
        assert sum(1 for new, _, kind in found if new == sentences[2] and kind == "repeat") == 1
        assert any(kind == "contradiction" for new, _, kind in found if new == sentences[3])
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(one_by_one_db)))  # fmt: skip
        get_settings.cache_clear()
