"""`claimtrack bench matching`: candidate retrieval and matching at scale, against a naive scan.

The corpus (tasks/evaluation/bench_corpus.py) is analysed as ingestion would (quantities, frame,
term keys), loaded with COPY into its own database, indexed, and then each query claim is matched
with our retrieval (the same `find_matches` ingestion uses) and, for reference, with a rapidfuzz
scan of every stored frame followed by the same decision. Recall is the share of queries whose best
repeat or contradiction in the scan is matched at least as well through our retrieval."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from rapidfuzz import fuzz, process

from schemas.records import FetchedDocument, MatchDecision, StoredClaim
from schemas.settings import Settings
from tasks.claims.frames import claim_core
from tasks.errors import ClaimtrackError
from tasks.evaluation.bench_corpus import (
    Corpus,
    CorpusClaim,
    analyse,
    base_sentences,
    make_corpus,
)
from tasks.evaluation.bench_vectors import (
    BENCH_SQL,
    Matrix,
    copy_vectors,
    corpus_vectors,
    exact_nearest,
    stored_vectors,
)
from tasks.fetching.fetch import read_file
from tasks.ingest import (
    AnalyseAll,
    AnalysedArticle,
    AnalysedChunk,
    SemanticQuery,
    analyse_later,
    find_matches,
    ingest_targets,
    match_params,
)
from tasks.matching.embeddings import Embedder
from tasks.matching.match import judge
from tasks.matching.semantic import embedder_for, require_vector_store
from tasks.reporting import summaries
from tasks.storage import store
from tasks.storage.database import Connection, connect, ensure_database, wrap_exceptions

Say = Callable[[str], None]
CLAIMS_PER_ARTICLE = 20
QUERY_ID = 2**62  # later than every stored claim, so all of them are "earlier"
SCAN_HITS = 200
SCAN_CUTOFF = 50  # below the related threshold: nothing the decision could flag is cut


def _bench(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return store.run_query(conn, name, params, BENCH_SQL)


@dataclass(frozen=True)
class BenchResult:
    claims: int
    queries: int
    p50_ms: float
    p95_ms: float
    mean_candidates: float
    scan_p50_ms: float
    scan_p95_ms: float
    recall: float
    queries_with_match: int
    ingest: IngestSpeed

    @property
    def speedup(self) -> float:
        return self.scan_p95_ms / self.p95_ms if self.p95_ms else 0.0

    def figures(self) -> str:
        return (
            f"claims={self.claims} p50_ms={self.p50_ms:.1f} p95_ms={self.p95_ms:.1f} "
            f"scan_p95_ms={self.scan_p95_ms:.0f} speedup={self.speedup:.0f} "
            f"recall={self.recall:.3f} articles_per_s={self.ingest.per_s:.1f}"
        )


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_database(server_url: str, name: str) -> str:
    """The URL of database `name` on the same server, created when missing."""
    admin = psycopg.conninfo.make_conninfo(server_url, dbname="postgres")
    ensure_database(admin, name)
    return psycopg.conninfo.make_conninfo(server_url, dbname=name)


def stored_claims(conn: Connection) -> int:
    return int(_bench(conn, "count_claims", {})[0]["n"])


def _default_signals() -> None:
    # a pool worker forked from the CLI inherits its SIGTERM handler, which needs the worker's
    # Python to run; blocked on the pool's queue lock when the pool is terminated (its caller
    # stopped early), it never did, and the pool waited for it for ever
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def analyse_all(texts: Sequence[str], say: Say) -> Iterator[CorpusClaim]:
    """Analyse on every core, in order, reporting progress."""
    workers = max(1, os.cpu_count() or 1)
    with multiprocessing.get_context("fork").Pool(workers, initializer=_default_signals) as pool:
        for done, claim in enumerate(pool.imap(analyse, texts, chunksize=500), start=1):
            if done % 50_000 == 0:
                say(f"  analysed {done:,} of {len(texts):,} sentences")
            yield claim


def load(conn: Connection, claims: Iterable[CorpusClaim], count: int, seed: int, say: Say) -> None:
    """COPY the claims in, one synthetic article per CLAIMS_PER_ARTICLE, published over two
    years; the term index and counts are built once at the end, as a bulk load should."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles = (count + CLAIMS_PER_ARTICLE - 1) // CLAIMS_PER_ARTICLE
    with conn.transaction():
        _bench(conn, "bench_prepare_load", {})
        _bench(conn, "bench_drop_term_index", {})
        with wrap_exceptions(), conn.cursor() as cursor:
            dates = [
                start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(articles)
            ]
            with cursor.copy(store.queries(BENCH_SQL)["bench_copy_articles"]) as copy:
                for n, published in enumerate(dates):
                    copy.write_row((f"bench:{n}", f"bench:{n}", published))
            _bench(conn, "bench_add_revisions", {})
            ids = _bench(conn, "bench_revision_ids", {})
            with cursor.copy(store.queries(BENCH_SQL)["bench_copy_claims"]) as copy:
                for n, claim in enumerate(claims):
                    row = ids[n // CLAIMS_PER_ARTICLE]
                    copy.write_row(
                        (
                            row["article_id"],
                            row["id"],
                            0,
                            n % CLAIMS_PER_ARTICLE,
                            claim.text,
                            store.sha256(f"{n}:{claim.text}"),
                            json.dumps([q.to_json() for q in claim.quantities]),
                            claim.polarity,
                            0.5,
                            claim.frame,
                            list(claim.term_keys),
                            dates[n // CLAIMS_PER_ARTICLE],
                        )
                    )
        say("  building the term index and counts")
        _bench(conn, "bench_create_term_index", {})
        _bench(conn, "bench_count_all_terms", {})
    conn.execute("ANALYZE")


def as_query(claim: CorpusClaim) -> StoredClaim:
    return StoredClaim(
        id=QUERY_ID,
        article_id=0,
        revision_id=0,
        text=claim.text,
        speaker=claim.speaker,
        quantities=claim.quantities,
        polarity=claim.polarity,
        frame=claim.frame,
        created_at=datetime.now(UTC),
    )


def best_flag_score(decisions: Iterable[tuple[StoredClaim, MatchDecision]]) -> float:
    """The score of the best repeat or contradiction; 0 when there is none."""
    return max((d.score for _, d in decisions if d.kind != "related"), default=0.0)


_FRAMES: list[str] = []


def _scan(frame: str) -> list[int]:
    """Indexes of the stored frames most like this one (a worker's share of the naive scan)."""
    hits = process.extract(
        frame,
        _FRAMES,
        scorer=fuzz.token_set_ratio,
        processor=None,
        limit=SCAN_HITS,
        score_cutoff=SCAN_CUTOFF,
    )
    return [index for _, _, index in hits]


def run(
    data_dir: Path | None,
    server_url: str,
    settings: Settings,
    *,
    size: int,
    queries: int,
    scan_sample: int,
    reuse: bool,
    say: Say,
) -> BenchResult:
    settings = settings.model_copy(update={"match_window_days": 0})  # every claim is in reach
    embedder = embedder_for(settings)
    sentences = base_sentences(data_dir)
    if len(sentences) < queries * 2:
        raise ValueError(f"only {len(sentences)} base sentences; give a data folder")
    corpus = make_corpus(sentences, size, queries)
    name = f"claimtrack_bench_{size}"
    url = bench_database(server_url, name)
    with connect(url) as conn:
        if embedder is not None:
            require_vector_store(conn, settings)
        vectors = None
        claims_kept = reuse and stored_claims(conn) == size
        if claims_kept:
            say(f"reusing {size:,} claims in database {name}")
        else:
            _bench(conn, "bench_clear", {})
            say(f"analysing {size:,} sentences ({len(sentences):,} base sentences plus variants)")
            started = time.monotonic()
            load(conn, analyse_all(corpus.rows, say), size, 7, say)
            say(f"  loaded in {time.monotonic() - started:.0f} s")
        if embedder is not None:
            if claims_kept and _vectors_stored(conn, embedder, size):
                say(f"reusing their vectors by {embedder.name}")
            else:
                vectors = load_vectors(conn, embedder, corpus, say)
        query_claims = [as_query(analyse(text)) for text in corpus.queries]

        # the reference scan's hits first: its worker processes are forked before the matcher
        # has loaded spaCy and started threads, which a forked child can inherit locked
        say("naive scan: rapidfuzz token_set_ratio over every stored frame, then the same decision")
        rows = _bench(conn, "bench_all_frames", {})
        ids = [row["id"] for row in rows]
        _FRAMES[:] = [row["frame"] for row in rows]
        del rows
        workers = max(1, os.cpu_count() or 1)
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=_default_signals
        ) as pool:
            all_hits = pool.map(_scan, [q.frame for q in query_claims])

        meaning = None
        if embedder is not None:
            if vectors is None:
                say("  reading the stored vectors for the exact nearest-neighbour scan")
                vectors = stored_vectors(conn, embedder.name, len(ids))
            cores = [claim_core(q.text) for q in query_claims]
            meaning = Meaning(embedder.name, vectors, embedder.embed(cores))

        say(f"matching {len(query_claims)} queries with our retrieval")
        # one untimed query first: the first match loads the tagger and the unit registry
        warm_up = meaning.query(0) if meaning is not None else None
        list(find_matches(conn, query_claims[:1], settings, semantic=warm_up))
        latencies, ours, candidates = [], [], []
        for n, query in enumerate(query_claims):
            semantic = meaning.query(n) if meaning else None
            started = time.perf_counter()
            found = [d for _, d in find_matches(conn, [query], settings, semantic=semantic)]
            latencies.append((time.perf_counter() - started) * 1000)
            candidates.append(sum(len(d) for d in found))
            ours.append(best_flag_score(found[0]) if found else 0.0)

        say(f"timing the scan on {min(scan_sample, len(query_claims))} queries, one core")
        scan_times = []
        for n, query in enumerate(query_claims[:scan_sample]):
            started = time.perf_counter()
            hits = _scan(query.frame)[: settings.match_candidates]
            if meaning is not None:
                hits = list(dict.fromkeys([*hits, *meaning.nearest(n, settings)]))
            _decide_all(conn, query, ids, hits, settings, meaning, n)
            scan_times.append((time.perf_counter() - started) * 1000)
        reference = []
        for n, (query, hits) in enumerate(zip(query_claims, all_hits, strict=True)):
            if meaning is not None:
                hits = list(dict.fromkeys([*hits, *meaning.nearest(n, settings, SCAN_HITS)]))
            reference.append(
                best_flag_score(_decide_all(conn, query, ids, hits, settings, meaning, n))
            )
        _FRAMES.clear()
        with_match = [(r, o) for r, o in zip(reference, ours, strict=True) if r > 0]
        recall = (
            sum(1 for r, o in with_match if o >= r - 1e-9) / len(with_match) if with_match else 1.0
        )

        ingest = ingest_speed(conn, data_dir, settings, say)
    return BenchResult(
        claims=size,
        queries=len(query_claims),
        p50_ms=statistics.median(latencies),
        p95_ms=percentile(latencies, 0.95),
        mean_candidates=statistics.mean(candidates),
        scan_p50_ms=statistics.median(scan_times) if scan_times else 0.0,
        scan_p95_ms=percentile(scan_times, 0.95),
        recall=recall,
        queries_with_match=len(with_match),
        ingest=ingest,
    )


@dataclass(frozen=True)
class Meaning:
    """The semantic side of the bench: every stored claim's vector (rows in claim id order)
    and the queries' vectors."""

    model: str
    stored: Matrix
    queries: Matrix

    def query(self, n: int) -> SemanticQuery:
        return SemanticQuery(self.model, {QUERY_ID: self.queries[n].tolist()})

    def nearest(self, n: int, settings: Settings, count: int | None = None) -> list[int]:
        """Row indexes of the stored claims nearest to query n, by an exact scan."""
        return exact_nearest(self.stored, self.queries[n], count or settings.semantic_candidates)[0]

    def similarity(self, n: int, row: int) -> float:
        return float(self.stored[row] @ self.queries[n])


def _vectors_stored(conn: Connection, embedder: Embedder, size: int) -> bool:
    found = _bench(conn, "bench_count_embeddings", {"model": embedder.name})
    return int(found[0]["n"]) == size


def load_vectors(conn: Connection, embedder: Embedder, corpus: Corpus, say: Say) -> Matrix:
    """Embed (or draw, see bench_vectors) a vector for every corpus row, COPY them in and build
    the HNSW index once at the end."""
    say(f"embedding the {corpus.base_count:,} base sentences with {embedder.name}")
    started = time.monotonic()
    made = corpus_vectors(embedder, corpus.rows, corpus.base_count, say)
    say(
        f"  {made.embedded:,} vectors embedded, {made.drawn:,} drawn around their base sentence "
        f"(median cosine of a real variant to its base: {made.median_variant_cosine:.3f}) "
        f"in {time.monotonic() - started:.0f} s"
    )
    ids = [row["id"] for row in _bench(conn, "bench_claim_ids", {})]
    started = time.monotonic()
    with conn.transaction():
        _bench(conn, "bench_prepare_load", {})
        _bench(conn, "bench_clear_embeddings", {})
        _bench(conn, "bench_drop_vector_index", {})
        copy_vectors(conn, embedder.name, ids, made.vectors)
        say("  building the HNSW index")
        _bench(conn, "bench_prepare_vector_index", {})
        _bench(conn, "bench_create_vector_index", {})
    conn.execute("ANALYZE claim_embeddings")
    say(f"  vectors stored and indexed in {time.monotonic() - started:.0f} s")
    return made.vectors


def _decide_all(
    conn: Connection,
    query: StoredClaim,
    ids: Sequence[int],
    rows: Sequence[int],
    settings: Settings,
    meaning: Meaning | None,
    n: int,
) -> list[tuple[StoredClaim, MatchDecision]]:
    """The judge's decisions on the stored claims at these row indexes (with their embedding
    similarity to query n when the semantic layer is on)."""
    row_of = {ids[row]: row for row in rows}
    found = _bench(conn, "bench_claims_by_id", {"ids": list(row_of)})
    claims = [StoredClaim.from_row(row) for row in found]
    similarity = (
        [meaning.similarity(n, row_of[c.id]) for c in claims] if meaning is not None else None
    )
    return judge(query, claims, match_params(settings), similarity)


def article_pages(data_dir: Path | None) -> list[str]:
    from importlib import resources

    pages = []
    if data_dir and (data_dir / "article_html_fixtures" / "html").is_dir():
        pages = sorted(str(p) for p in (data_dir / "article_html_fixtures" / "html").glob("*.html"))
    samples = resources.files("flows") / "samples"
    pages += sorted(str(p) for p in samples.iterdir() if p.name.endswith(".html"))
    return pages


@dataclass(frozen=True)
class IngestSpeed:
    articles: int
    per_s: float
    # per article, wall time: waiting for reading, claims and embeddings (what storing the chunk
    # before did not hide), and the rest (storing, retrieval, judging, the run's records)
    analysis_ms: float
    store_ms: float


def ingest_speed(
    conn: Connection, data_dir: Path | None, settings: Settings, say: Say
) -> IngestSpeed:
    """Articles per second through the ingestion of article pages (read, claims, store, match)
    on the loaded corpus, with CLAIMTRACK_ANALYSIS_WORKERS analysing side by side on Prefect's
    process pool; everything the pass stores is rolled back, so reruns measure the same thing."""
    pages = article_pages(data_dir)
    # a run ends with the dashboards' refresh: incremental, once the loaded corpus is summarised
    stale = summaries.refresh(conn)
    if stale.claims:
        say(f"  summarised the {stale.claims:,} loaded claims for the dashboards first")
    with ExitStack() as stack:
        analyse_all: AnalyseAll = analyse_later
        workers = settings.analysis_workers
        if workers > 1:
            # the analysis tasks run outside a flow run here: their logs stay on the console
            os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
            from flows.ingest import analyse_on
            from flows.runners import analysis_runner_for

            say(f"  starting {workers} analysis processes (Prefect's task runner)")
            runner = stack.enter_context(analysis_runner_for(settings, workers))
            analyse_all = analyse_on(runner, workers)
            # untimed: each process loads the models on its first article
            warm_up = [read_file(page, settings) for page in pages[:workers]]
            analyse_all(warm_up, settings, None, None)()
        waited = [0.0]

        def timed(
            documents: Sequence[FetchedDocument],
            settings: Settings,
            source: str | None,
            published: datetime | None,
        ) -> AnalysedChunk:
            started = time.perf_counter()
            analysed = analyse_all(documents, settings, source, published)
            waited[0] += time.perf_counter() - started

            def results() -> list[AnalysedArticle | ClaimtrackError]:
                started = time.perf_counter()
                try:
                    return analysed()
                finally:
                    waited[0] += time.perf_counter() - started

            return results

        say(f"ingesting {len(pages)} article pages against the corpus (rolled back afterwards)")
        started = time.perf_counter()
        with conn.transaction():
            report = ingest_targets(
                conn,
                pages,
                settings=settings,
                fetch=lambda t, _v: read_file(t, settings),
                analyse_all=timed,
            )
            raise psycopg.Rollback()
        elapsed = time.perf_counter() - started
    ingested = sum(1 for o in report.outcomes if o.status == "ingested")
    if not ingested:
        return IngestSpeed(0, 0.0, 0.0, 0.0)
    return IngestSpeed(
        ingested,
        ingested / elapsed,
        waited[0] / ingested * 1000,
        (elapsed - waited[0]) / ingested * 1000,
    )
