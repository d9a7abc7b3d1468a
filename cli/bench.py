"""`claimtrack bench ...`: speed at scale, ending in name=value figures."""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from cli.terminal import positive_int
from schemas.settings import Settings
from tasks.errors import InputError


def add_bench_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench",
        help="measure speed at scale",
        description="Benchmarks; each ends with one line of name=value figures.",
    )
    benchmarks = bench.add_subparsers(dest="what", required=True, metavar="WHAT")
    matching = benchmarks.add_parser(
        "matching",
        help="candidate retrieval + matching latency and recall vs a rapidfuzz full scan",
        description="Load a corpus of CLAIMS claims into its own database "
        "(claimtrack_bench_CLAIMS on the same server): the real sentences of the data sets in "
        "DATA_DIR plus reworded variants of them (a number changed, a name swapped, a word "
        "dropped or replaced, a clause borrowed). Then match query claims (half rewordings of "
        "stored ones, half unseen sentences) with our retrieval and with a naive rapidfuzz scan "
        "of every stored frame, and ingest article pages against the corpus.",
    )
    matching.add_argument(
        "data_dir",
        type=Path,
        nargs="?",
        metavar="DATA_DIR",
        help="the shared data folder (default: the bundled demo stories, a much smaller base)",
    )
    matching.add_argument(
        "--claims", type=positive_int, default=100_000, help="corpus size (default 100000)"
    )
    matching.add_argument(
        "--queries", type=positive_int, default=200, help="query claims (default 200)"
    )
    matching.add_argument(
        "--scan-sample",
        type=positive_int,
        default=20,
        help="queries timed with the single-threaded full scan (default 20)",
    )
    matching.add_argument(
        "--reuse",
        action="store_true",
        help="keep a corpus of the same size already loaded by an earlier run",
    )
    matching.add_argument(
        "--analysis-workers",
        type=positive_int,
        metavar="N",
        help="articles of the ingestion pass analysed at once on Prefect's process pool "
        "(default: CLAIMTRACK_ANALYSIS_WORKERS); storing and matching stay in order",
    )
    matching.add_argument(
        "--embedding-model",
        metavar="NAME",
        help="match with the semantic layer too (default: CLAIMTRACK_EMBEDDING_MODEL; none for "
        "words alone). The model embeds the base sentences and the queries; each variant gets "
        "a vector drawn around its base sentence's at a cosine measured on real variants",
    )

    review = benchmarks.add_parser(
        "review",
        help="many reviewers working the queue through the real web app",
        description="Fill a database of its own (claimtrack_bench_review on the same server) with "
        "N queued claims, start `claimtrack web` on a loopback port, and run R reviewers at once "
        "through the JSON API (next, then a verdict) until the queue is empty. Ends with "
        "items= reviewers= next_p50_ms= next_p95_ms= decide_p95_ms= decisions_per_s= "
        "handed_twice= lost=.",
    )
    review.add_argument("--items", type=positive_int, default=10_000, help="default 10000")
    review.add_argument("--reviewers", type=positive_int, default=8, help="default 8")
    review.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="`claimtrack web --workers`: server processes (default 1)",
    )

    dashboards = benchmarks.add_parser(
        "dashboards",
        help="every dashboard page through the real web app, over two years of claims",
        description="Fill a database of its own (claimtrack_bench_dashboards on the same server) "
        "with N claims in recurring families, speakers, sources, verdicts, contradictions and a "
        "half-decided queue; start `claimtrack web`, sign in, and time the dashboard's pages and "
        "CSV downloads with and without filters. Before the pages it times a full rebuild of the "
        "summary tables the dashboards read (refresh_s) and the refresh after one ingestion "
        "run of 1,000 claims (incremental_s). Ends with claims= families= page_p50_ms= "
        "page_p95_ms= (the HTML pages) first_round_page_p95_ms= (their first load) csv_p95_ms= "
        "(the downloads) refresh_s= incremental_s=.",
    )
    dashboards.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        metavar="DATA_DIR",
        help="wordings from the evaluation sets there (default: the demo stories' sentences)",
    )
    dashboards.add_argument("--claims", type=positive_int, default=100_000, help="default 100000")
    dashboards.add_argument("--rounds", type=positive_int, default=5, help="default 5")

    load = benchmarks.add_parser(
        "load",
        help="reviewers and dashboard readers on the web app while an ingestion run goes on",
        description="Fill a database of its own (claimtrack_bench_load on the same server) with "
        "a review queue and an editor; start `claimtrack web --workers W` on a loopback port and "
        "an ingestion run (in a process of its own) of generated news articles that goes on for "
        "the whole time; then U users at once for S seconds: half reviewers (next item, then a "
        "verdict), half dashboard readers (its pages, filtered and not), each pausing 0.5-1.5 s "
        "between requests. Bounded in users, time and requests (200,000 at most); loopback "
        "only. Ends with users= seconds= reviewer_p95_ms= reader_p95_ms= p50_ms= requests= "
        "errors= p95_ms= ingest_articles_per_s=.",
    )
    load.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        metavar="DATA_DIR",
        help="the articles' sentences from the evaluation sets there (default: the demo "
        "stories' sentences)",
    )
    load.add_argument("--users", type=positive_int, default=32, help="default 32")
    load.add_argument("--seconds", type=positive_int, default=60, help="default 60")
    load.add_argument(
        "--workers", type=positive_int, default=2, help="`claimtrack web --workers` (default 2)"
    )


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation import benchmark
    from tasks.storage.database import resolve_database_url

    if args.what == "review":
        return _bench_review(args, settings)
    if args.what == "dashboards":
        return _bench_dashboards(args, settings)
    if args.what == "load":
        return _bench_load(args, settings)

    if args.data_dir is not None and not args.data_dir.is_dir():
        print(f"claimtrack: error: {args.data_dir} is not a folder", file=sys.stderr)
        return 2
    if args.claims < 1000 or args.queries < 2:
        print(
            "claimtrack: error: use --claims 1000 or more and --queries 2 or more", file=sys.stderr
        )
        return 2

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.embedding_model is not None:
        settings = settings.model_copy(update={"embedding_model": args.embedding_model})
    if args.analysis_workers is not None:
        settings = settings.model_copy(update={"analysis_workers": args.analysis_workers})

    result = benchmark.run(
        args.data_dir,
        resolve_database_url(settings),
        settings,
        size=args.claims,
        queries=args.queries,
        scan_sample=args.scan_sample,
        reuse=args.reuse,
        say=say,
    )
    print(
        f"retrieval: {result.queries} queries, p50 {result.p50_ms:.1f} ms, "
        f"p95 {result.p95_ms:.1f} ms, {result.mean_candidates:.1f} decisions per query"
    )
    print(
        f"full scan: {min(args.scan_sample, result.queries)} queries, "
        f"p50 {result.scan_p50_ms:.0f} ms, p95 {result.scan_p95_ms:.0f} ms"
    )
    print(
        f"recall: {result.recall:.3f} of {result.queries_with_match} queries whose scan found a "
        "repeat or contradiction"
    )
    ingest = result.ingest
    print(
        f"ingest: {ingest.articles} articles at {ingest.per_s:.1f} articles/s with "
        f"{settings.analysis_workers} analysis worker(s): per article {ingest.analysis_ms:.0f} ms "
        f"waiting for reading and claim extraction, {ingest.store_ms:.0f} ms storing and "
        "matching"
    )
    print(result.figures())
    return 0


def _bench_review(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation import review_bench
    from tasks.storage.database import resolve_database_url

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = review_bench.run(
        resolve_database_url(settings), args.items, args.reviewers, say, workers=args.workers
    )
    print(
        f"{len(result.decide_ms):,} decisions by {result.reviewers} reviewers in "
        f"{result.seconds:.1f} s"
    )
    print(result.figures())
    return 0


def _bench_dashboards(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation import dashboard_bench
    from tasks.storage.database import resolve_database_url

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.data_dir is not None and not args.data_dir.is_dir():
        raise InputError(f"{args.data_dir} is not a folder")
    result = dashboard_bench.run(
        resolve_database_url(settings), args.claims, args.data_dir, say, rounds=args.rounds
    )
    for name, times in result.page_ms.items():
        print(f"{name:>14}: p50 {statistics.median(times):8.1f} ms  max {max(times):8.1f} ms")
    print(result.figures())
    return 0


def _bench_load(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation import load_bench
    from tasks.storage.database import resolve_database_url

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.data_dir is not None and not args.data_dir.is_dir():
        raise InputError(f"{args.data_dir} is not a folder")
    result = load_bench.run(
        resolve_database_url(settings),
        args.users,
        float(args.seconds),
        args.data_dir,
        say,
        workers=args.workers,
    )
    print(
        f"{result.tally.requests:,} requests by {result.users} users in {result.seconds:.0f} s; "
        f"{result.ingested} articles ingested meanwhile in {result.ingest_seconds:.0f} s"
    )
    print(result.figures())
    return 0
