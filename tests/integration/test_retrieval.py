"""Rare-term retrieval in PostgreSQL: keys agree with SQL, counts follow ingestion, and the
benchmark and matching evaluation commands run end to end."""

from pathlib import Path

import pytest

from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tasks.matching.blocking import term_key
from tasks.storage import store
from tests.conftest import SHARED
from tests.integration.test_cli import claimtrack

pytestmark = pytest.mark.integration


def figures(line: str) -> dict[str, float]:
    return {k: float(v) for k, v in (part.split("=") for part in line.split())}


def test_sql_and_python_agree_on_term_keys(conn):
    terms = ["bomber", "reservoir", "kilometr", "x", "déjà"]
    rows = conn.execute(
        "SELECT t, claim_term_key(t) AS key FROM unnest(%s::text[]) AS t", (terms,)
    ).fetchall()
    assert {r["t"]: r["key"] for r in rows} == {t: term_key(t) for t in terms}


def test_term_counts_follow_what_is_stored(conn, settings, tmp_path: Path):
    first = tmp_path / "a.txt"
    first.write_text(
        "The Lowfield reservoir holds 18 billion litres of water, the council said.\n\n"
        "The Lowfield dam was finished in 1967 after six years of work."
    )
    second = tmp_path / "b.txt"
    second.write_text("The Lowfield reservoir holds 21 billion litres of water, engineers said.")
    report = ingest_targets(
        conn,
        [str(first), str(second)],
        settings=settings,
        fetch=lambda t, _v: fetch_document(t, settings),
    )
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    counted = conn.execute("SELECT term_key, claim_count FROM claim_terms").fetchall()
    recount = conn.execute(
        "SELECT k AS term_key, count(*) AS claim_count FROM claims, unnest(term_keys) k GROUP BY k"
    ).fetchall()
    assert {r["term_key"]: r["claim_count"] for r in counted} == {
        r["term_key"]: r["claim_count"] for r in recount
    }
    assert store.term_claim_counts(conn, [term_key("reservoir")]) == {term_key("reservoir"): 2}
    flags = conn.execute("SELECT kind FROM matches").fetchall()
    assert [f["kind"] for f in flags] == ["contradiction"]


@pytest.mark.parametrize("workers", [1, 2])
def test_bench_matching_runs_on_the_bundled_stories(db_url, workers, request):
    env = {"DATABASE_URL": db_url}
    if workers > 1:  # the analysis tasks report to the tests' Prefect server
        env["PREFECT_API_URL"] = request.getfixturevalue("prefect_api")
    result = claimtrack(
        "bench",
        "matching",
        "--claims",
        "1000",
        "--queries",
        "6",
        "--scan-sample",
        "2",
        "--analysis-workers",
        str(workers),
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert f"with {workers} analysis worker(s)" in result.stdout
    found = figures(result.stdout.strip().splitlines()[-1])
    assert list(found) == [
        "claims",
        "p50_ms",
        "p95_ms",
        "scan_p95_ms",
        "speedup",
        "recall",
        "articles_per_s",
    ]
    assert found["claims"] == 1000
    assert 0.0 <= found["recall"] <= 1.0
    assert found["articles_per_s"] > 0


def test_bench_matching_measures_the_semantic_layer_too(db_url, embedding_model):
    result = claimtrack(
        "bench",
        "matching",
        "--claims",
        "1000",
        "--queries",
        "6",
        "--scan-sample",
        "2",
        "--embedding-model",
        embedding_model,
        env={"DATABASE_URL": db_url},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "drawn around their base sentence" in result.stderr
    found = figures(result.stdout.strip().splitlines()[-1])
    assert found["claims"] == 1000 and 0.0 <= found["recall"] <= 1.0


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="needs ../shared/data")
def test_eval_matching_beats_bm25_on_both_test_splits():
    result = claimtrack("eval", "matching", str(SHARED / "data"), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    found = figures(lines[-1])
    assert list(found) == ["ct2020_map5", "ct2022_map5", "pairs_f1"]
    for line in lines[:2]:
        ours, bm25 = (float(p.split("=")[1]) for p in line.split()[-2:])
        assert ours > bm25, line
    assert found["pairs_f1"] > 0.8
