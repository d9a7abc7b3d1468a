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
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from rapidfuzz import fuzz, process

from schemas.records import MatchDecision, StoredClaim
from schemas.settings import Settings
from tasks.evaluation.bench_corpus import (
    CorpusClaim,
    analyse,
    base_sentences,
    make_corpus,
)
from tasks.fetching.fetch import read_file
from tasks.ingest import find_matches, ingest_targets, match_params
from tasks.matching.match import judge
from tasks.storage import store
from tasks.storage.database import Connection, connect, ensure_database, wrap_exceptions

Say = Callable[[str], None]
CLAIMS_PER_ARTICLE = 20
QUERY_ID = 2**62  # later than every stored claim, so all of them are "earlier"
SCAN_HITS = 200
SCAN_CUTOFF = 50  # below the related threshold: nothing the decision could flag is cut
BENCH_SQL = "evaluation/bench.sql"


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
    articles: int
    articles_per_s: float

    @property
    def speedup(self) -> float:
        return self.scan_p95_ms / self.p95_ms if self.p95_ms else 0.0

    def figures(self) -> str:
        return (
            f"claims={self.claims} p50_ms={self.p50_ms:.1f} p95_ms={self.p95_ms:.1f} "
            f"scan_p95_ms={self.scan_p95_ms:.0f} speedup={self.speedup:.0f} "
            f"recall={self.recall:.3f} articles_per_s={self.articles_per_s:.1f}"
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


def analyse_all(texts: Sequence[str], say: Say) -> Iterator[CorpusClaim]:
    """Analyse on every core, in order, reporting progress."""
    workers = max(1, os.cpu_count() or 1)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
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
    sentences = base_sentences(data_dir)
    if len(sentences) < queries * 2:
        raise ValueError(f"only {len(sentences)} base sentences; give a data folder")
    corpus = make_corpus(sentences, size, queries)
    name = f"claimtrack_bench_{size}"
    url = bench_database(server_url, name)
    with connect(url) as conn:
        if reuse and stored_claims(conn) == size:
            say(f"reusing {size:,} claims in database {name}")
        else:
            _bench(conn, "bench_clear", {})
            say(f"analysing {size:,} sentences ({len(sentences):,} base sentences plus variants)")
            started = time.monotonic()
            load(conn, analyse_all(corpus.rows, say), size, 7, say)
            say(f"  loaded in {time.monotonic() - started:.0f} s")
        query_claims = [as_query(analyse(text)) for text in corpus.queries]

        say(f"matching {len(query_claims)} queries with our retrieval")
        latencies, ours, candidates = [], [], []
        for query in query_claims:
            started = time.perf_counter()
            found = [d for _, d in find_matches(conn, [query], settings)]
            latencies.append((time.perf_counter() - started) * 1000)
            candidates.append(sum(len(d) for d in found))
            ours.append(best_flag_score(found[0]) if found else 0.0)

        say("naive scan: rapidfuzz token_set_ratio over every stored frame, then the same decision")
        rows = _bench(conn, "bench_all_frames", {})
        ids = [row["id"] for row in rows]
        _FRAMES[:] = [row["frame"] for row in rows]
        del rows
        scan_times = []
        for query in query_claims[:scan_sample]:
            started = time.perf_counter()
            hits = _scan(query.frame)
            _decide_all(conn, query, [ids[i] for i in hits[: settings.match_candidates]], settings)
            scan_times.append((time.perf_counter() - started) * 1000)
        with multiprocessing.get_context("fork").Pool(max(1, os.cpu_count() or 1)) as pool:
            all_hits = pool.map(_scan, [q.frame for q in query_claims])
        reference = [
            best_flag_score(_decide_all(conn, q, [ids[i] for i in hits], settings))
            for q, hits in zip(query_claims, all_hits, strict=True)
        ]
        _FRAMES.clear()
        with_match = [(r, o) for r, o in zip(reference, ours, strict=True) if r > 0]
        recall = (
            sum(1 for r, o in with_match if o >= r - 1e-9) / len(with_match) if with_match else 1.0
        )

        articles, per_s = ingest_speed(conn, data_dir, settings, say)
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
        articles=articles,
        articles_per_s=per_s,
    )


def _decide_all(
    conn: Connection, query: StoredClaim, claim_ids: Sequence[int], settings: Settings
) -> list[tuple[StoredClaim, MatchDecision]]:
    rows = _bench(conn, "bench_claims_by_id", {"ids": list(claim_ids)})
    return judge(query, [StoredClaim.from_row(row) for row in rows], match_params(settings))


def article_pages(data_dir: Path | None) -> list[str]:
    from importlib import resources

    pages = []
    if data_dir and (data_dir / "article_html_fixtures" / "html").is_dir():
        pages = sorted(str(p) for p in (data_dir / "article_html_fixtures" / "html").glob("*.html"))
    samples = resources.files("flows") / "samples"
    pages += sorted(str(p) for p in samples.iterdir() if p.name.endswith(".html"))
    return pages


def ingest_speed(
    conn: Connection, data_dir: Path | None, settings: Settings, say: Say
) -> tuple[int, float]:
    """Articles per second through extract + match + store on the loaded corpus; everything the
    pass stores is rolled back, so reruns measure the same thing."""
    pages = article_pages(data_dir)
    say(f"ingesting {len(pages)} article pages against the corpus (rolled back afterwards)")
    started = time.perf_counter()
    with conn.transaction():
        report = ingest_targets(
            conn, pages, settings=settings, fetch=lambda t, _v: read_file(t, settings)
        )
        raise psycopg.Rollback()
    elapsed = time.perf_counter() - started
    ingested = sum(1 for o in report.outcomes if o.status == "ingested")
    return ingested, ingested / elapsed if elapsed else 0.0
