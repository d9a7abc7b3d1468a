"""Ingestion with the semantic layer on: claim embeddings stored in pgvector, nearest claims
retrieved, and a repeat in other words flagged (skipped without the test model)."""

import pytest

from schemas.records import StoredClaim
from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tasks.storage import store

pytestmark = pytest.mark.integration


def run(conn, settings, targets):
    return ingest_targets(
        conn, targets, settings=settings, fetch=lambda t, _v: fetch_document(t, settings)
    )


def test_a_claim_reworded_is_flagged_by_meaning(conn, settings, embedding_model, tmp_path):
    semantic = settings.model_copy(update={"embedding_model": embedding_model})
    first = tmp_path / "first.txt"
    first.write_text(
        "Lawmakers in Kestrel approved the regional water bill on Tuesday night.\n\n"
        "The Harlow plant employs 4,000 people, the company said in its annual report.\n",
        encoding="utf-8",
    )
    second = tmp_path / "second.txt"
    second.write_text(
        "The Kestrel legislature passed the regional water bill on Tuesday night.\n\n"
        "The weather in the valley was mild for the time of year.\n",
        encoding="utf-8",
    )
    report = run(conn, semantic, [str(first), str(second)])
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    stored = conn.execute("SELECT count(*) AS n, min(model) AS model FROM claim_embeddings")
    row = stored.fetchone()
    claims = conn.execute("SELECT count(*) AS n FROM claims").fetchone()["n"]
    assert row["n"] == claims and row["model"] == embedding_model
    flags = store.list_flags(conn)
    assert any(
        f.kind == "repeat" and "legislature passed" in f.claim_text and "same meaning" in f.reason
        for f in flags
    ), [(f.kind, f.claim_text, f.reason) for f in flags]


def test_without_a_model_nothing_is_embedded(conn, settings, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("The Harlow plant employs 4,000 people, the company said.\n", "utf-8")
    run(conn, settings, [str(article)])
    assert conn.execute("SELECT count(*) AS n FROM claim_embeddings").fetchone()["n"] == 0


def test_claims_from_before_are_embedded_then_rematched_by_meaning(
    conn, settings, embedding_model, tmp_path
):
    from tasks.ingest import rematch
    from tasks.matching.semantic import backfill, embedder_for

    for name, text in (
        ("first.txt", "Lawmakers in Kestrel approved the regional water bill on Tuesday night.\n"),
        (
            "second.txt",
            "The Kestrel legislature passed the regional water bill on Tuesday night.\n",
        ),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    run(conn, settings, [str(tmp_path / "first.txt"), str(tmp_path / "second.txt")])
    assert not [f for f in store.list_flags(conn) if f.kind == "repeat"]
    semantic = settings.model_copy(update={"embedding_model": embedding_model})
    seen = []
    embedder = embedder_for(semantic)
    assert backfill(conn, embedder, progress=lambda done, total: seen.append((done, total))) == 2
    assert seen[-1] == (2, 2)
    assert backfill(conn, embedder) == 0  # run again: nothing left to do
    rematch(conn, semantic)
    assert [f.kind for f in store.list_flags(conn)] == ["repeat"]


def test_without_pgvector_the_run_stops_at_once_and_says_what_to_do(
    conn, settings, embedding_model, tmp_path
):
    from tasks.errors import ConfigurationError

    conn.execute("DROP TABLE claim_embeddings")  # as on a server without the extension
    conn.commit()
    articles = []
    for n in range(6):
        article = tmp_path / f"a{n}.txt"
        article.write_text(f"The Harlow plant {n} employs 4,000 people, the company said.\n")
        articles.append(str(article))
    fetched = []
    semantic = settings.model_copy(update={"embedding_model": embedding_model})

    def fetch(target, _validators):
        fetched.append(target)
        return fetch_document(target, semantic)

    semantic = semantic.model_copy(update={"fetch_concurrency": 1})
    with pytest.raises(ConfigurationError, match=r"pgvector.*CLAIMTRACK_EMBEDDING_MODEL=none"):
        ingest_targets(conn, articles, settings=semantic, fetch=fetch)
    run = conn.execute("SELECT status, error FROM ingest_runs").fetchone()
    assert run["status"] == "failed" and "pgvector" in run["error"]
    assert conn.execute("SELECT count(*) AS n FROM claims").fetchone()["n"] == 0
    # a setting's fault: the run stops within its first chunk of fetches (2 at concurrency 1)
    assert fetched == articles[:2]


def test_asking_for_more_nearest_claims_than_hnsw_searches_widens_the_search(
    conn, settings, tmp_path
):
    import random

    articles = []
    for n in range(3):
        article = tmp_path / f"a{n}.txt"
        article.write_text(
            "\n\n".join(
                f"The Harlow plant number {n * 30 + k} employs {1000 + k} people, the company said."
                for k in range(30)
            ),
            encoding="utf-8",
        )
        articles.append(str(article))
    run(conn, settings.model_copy(update={"max_claims_per_article": 50}), articles)
    stored = conn.execute(
        "SELECT id, article_id, revision_id, text, speaker, quantities, polarity, frame, "
        "created_at, published_at FROM claims ORDER BY id"
    ).fetchall()
    claims = [StoredClaim.from_row(row) for row in stored]
    newest = claims[-1]
    earlier = [c for c in claims if c.revision_id != newest.revision_id]
    assert len(earlier) > 45
    rng = random.Random(3)
    rows = [(c.id, [rng.uniform(-1, 1) for _ in range(384)]) for c in claims]
    store.save_embeddings(conn, "test-model", rows)
    conn.commit()
    near = store.nearest_claims(conn, newest, rows[-1][1], "test-model", limit=45)
    assert len(near) == 45
    # on a table big enough for the planner to use HNSW, it stops at ef_search rows (default 40)
    setting = "SELECT current_setting('hnsw.ef_search') AS ef"
    assert conn.execute(setting).fetchone()["ef"] == "45"
    conn.rollback()  # the wider search lasts one transaction
    store.nearest_claims(conn, newest, rows[-1][1], "test-model", limit=20)
    assert conn.execute(setting).fetchone()["ef"] == "40"
