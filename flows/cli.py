"""The `claimtrack` command line.

Only `ingest` and `demo` run a Prefect flow; the other commands never import Prefect, so they
answer in well under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.records import ClaimListing, FlagListing, IngestReport, Source
from schemas.settings import Settings, get_settings
from tasks import embedded_server, store
from tasks.database import Connection, open_database, resolve_database_url
from tasks.errors import ClaimtrackError, InputError
from tasks.fetch import check_target
from tasks.sources import SOURCE_KINDS, check_source_url

EXIT_FAILURES = 1
EXIT_ERROR = 2


def _prefect_defaults() -> None:
    """Quiet, offline-friendly Prefect defaults; the user's environment wins."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # claimtrack reports each failed target itself, in one line; Prefect's task tracebacks are noise
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def parse_date_option(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-03-31") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimtrack",
        description="Extract checkable claims from news articles, remember them in PostgreSQL, "
        "and flag repeats and contradictions for review.",
        epilog="With no DATABASE_URL, claimtrack runs its own PostgreSQL in CLAIMTRACK_HOME. "
        "See `claimtrack settings` for every setting.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="ingest articles from files or URLs",
        description="Fetch each article, extract its claims, store them and flag repeats and "
        "contradictions against everything stored before. Re-ingesting adds nothing.",
    )
    ingest.add_argument(
        "targets",
        nargs="+",
        metavar="PATH_OR_URL",
        help="HTML or plain-text file, or an http(s) URL",
    )
    ingest.add_argument("--source", metavar="NAME", help="name of the outlet or feed")
    ingest.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        type=parse_date_option,
        help="publication date, overriding what the page says",
    )

    for name, what in (("claims", "stored claims"), ("flags", "repeat and contradiction flags")):
        listing = commands.add_parser(name, help=f"list {what}", description=f"List {what}.")
        listing.add_argument(
            "--format",
            choices=("table", "jsonl"),
            default="table",
            help="table for people, jsonl (one JSON object a line) for programs",
        )
        listing.add_argument("--limit", type=int, metavar="N", help="show at most N rows")
        if name == "flags":
            listing.add_argument(
                "--related",
                action="store_true",
                help="also list 'related' matches (shown to reviewers, not flags)",
            )

    commands.add_parser(
        "demo",
        help="ingest the bundled sample articles and show what was found",
        description="Ingest the sample news stories that ship with claimtrack, in date order, "
        "and print the claims and the repeat and contradiction flags found across them.",
    )
    db = commands.add_parser(
        "db",
        help="manage the embedded PostgreSQL server",
        description="Manage the embedded PostgreSQL server.",
    )
    db.add_argument(
        "action",
        choices=("status", "start", "stop", "url"),
        help="status: say whether it runs; start/stop it; url: print its URL",
    )
    commands.add_parser("settings", help="show every setting, its value and what it does")
    _add_sources_parser(commands)
    evaluate = commands.add_parser(
        "eval",
        help="measure quality on public data sets",
        description="Evaluation commands; each ends with one line of name=value figures.",
    )
    evaluations = evaluate.add_subparsers(dest="what", required=True, metavar="WHAT")
    extraction = evaluations.add_parser(
        "extraction",
        help="article-text extraction vs trafilatura (4-gram shingle F1, pages/s)",
        description="Score our extractor and trafilatura on article_html_fixtures "
        "(shingle precision/recall/F1 as its SOURCE.md describes) and time both.",
    )
    extraction.add_argument(
        "data_dir",
        type=Path,
        metavar="DATA_DIR",
        help="the shared data folder, or article_html_fixtures itself",
    )
    extraction.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    extraction.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="passes over the pages; the fastest is timed (default 3)",
    )
    claims = evaluations.add_parser(
        "claims",
        help="check-worthiness F1 on ClaimBuster and CheckThat! 2024, sentences/s",
        description="F1 of the check-worthy class on ClaimBuster groundtruth.csv and on the "
        "CheckThat! 2024 Task 1 English test, with the shipped model and its tuned threshold.",
    )
    claims.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the shared data folder")
    claims.add_argument("--threshold", type=float, help="decision threshold (default: the model's)")
    return parser


def _add_sources_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sources = commands.add_parser(
        "sources",
        help="manage feeds, sitemaps and URLs that scheduled runs fetch",
        description="Sources are fetched by `claimtrack sources run` (and by scheduled runs).",
    )
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a source")
    add.add_argument("name", help="a short unique name, also used as the claims' source")
    add.add_argument("url", help="the feed, sitemap or page URL")
    add.add_argument(
        "--kind",
        choices=SOURCE_KINDS,
        default="feed",
        help="feed (RSS/Atom, default), sitemap, or url (a single page)",
    )
    add.add_argument(
        "--every",
        type=int,
        default=60,
        metavar="MINUTES",
        help="how often it is due, in minutes (default 60)",
    )
    add.add_argument(
        "--max-articles",
        type=int,
        default=50,
        metavar="N",
        help="newest articles taken from the listing per run (default 50)",
    )
    listing = actions.add_parser("list", help="list sources")
    listing.add_argument("--format", choices=("table", "jsonl"), default="table")
    show = actions.add_parser("show", help="a source's settings and its latest fetches")
    show.add_argument("name")
    remove = actions.add_parser("remove", help="forget a source (its articles stay)")
    remove.add_argument("name")
    run = actions.add_parser("run", help="fetch due sources now (the ingest_sources flow)")
    run.add_argument("names", nargs="*", metavar="NAME", help="only these sources")
    run.add_argument("--all", action="store_true", help="every enabled source, due or not")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        handler = _HANDLERS[args.command]
        return handler(args, settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        _error(f"invalid setting {field}: {first['msg']}")
    except ClaimtrackError as exc:
        _error(str(exc))
    except KeyboardInterrupt:
        _error("interrupted; what was stored stays stored, and a rerun picks up the rest")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("CLAIMTRACK_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (set CLAIMTRACK_DEBUG=1 for details)")
    return EXIT_ERROR


def _error(message: str) -> None:
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"claimtrack: error: {one_line}", file=sys.stderr)


def run_ingest(
    targets: Sequence[str],
    settings: Settings,
    *,
    source: str | None = None,
    published: datetime | None = None,
) -> IngestReport:
    """Check the targets and the database first, then run the ingest flow."""
    for target in targets:
        check_target(target)
    resolve_database_url(settings)  # fail fast, before Prefect's slow start, if no database
    _prefect_defaults()
    print("starting the ingest flow (Prefect local mode)...", file=sys.stderr, flush=True)
    from flows.ingest import ingest_flow

    return ingest_flow(list(targets), source=source, published=published, show_progress=True)


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    started = time.monotonic()
    report = run_ingest(args.targets, settings, source=args.source, published=args.published)
    _print_report(report, time.monotonic() - started)
    return EXIT_FAILURES if report.failed else 0


def _print_report(report: IngestReport, seconds: float) -> None:
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(
        f"run {report.run_id}: {summary}; {report.claims_added} new claims, "
        f"{report.flags_added} new flags in {seconds:.1f} s",
        file=sys.stderr,
    )


def _cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        claims = store.list_claims(conn, args.limit)
    if args.format == "jsonl":
        for claim in claims:
            print(json.dumps(claim_record(claim), ensure_ascii=False))
    else:
        _print_table(
            ("id", "speaker", "score", "quantities", "text"),
            [
                (
                    c.id,
                    c.speaker or "",
                    f"{c.checkworthiness:.2f}",
                    ", ".join(q.surface for q in c.quantities),
                    c.text,
                )
                for c in claims
            ],
        )
    return 0


def claim_record(claim: ClaimListing) -> dict[str, Any]:
    record = asdict(claim)
    record["published_at"] = claim.published_at.isoformat() if claim.published_at else None
    record["quantities"] = [q.to_json() for q in claim.quantities]
    record["reasons"] = list(claim.reasons)
    return record


def flag_record(flag: FlagListing) -> dict[str, Any]:
    record = asdict(flag)
    record["created_at"] = flag.created_at.isoformat()
    record["matched_parts"] = list(flag.matched_parts)
    record["differing_parts"] = list(flag.differing_parts)
    return record


def _cmd_flags(args: argparse.Namespace, settings: Settings) -> int:
    kinds = (*store.FLAG_KINDS, "related") if args.related else store.FLAG_KINDS
    with open_database(settings) as conn:
        flags = store.list_flags(conn, kinds, args.limit)
    if args.format == "jsonl":
        for flag in flags:
            print(json.dumps(flag_record(flag), ensure_ascii=False))
    else:
        _print_flags(flags)
    return 0


def _print_flags(flags: Sequence[FlagListing]) -> None:
    _print_table(
        ("id", "kind", "score", "claim", "matched claim", "reason"),
        [
            (
                f.id,
                f.kind,
                f"{f.score:.2f}",
                f"#{f.claim_id} {f.claim_text}",
                f"#{f.matched_claim_id} {f.matched_claim_text}",
                f.reason,
            )
            for f in flags
        ],
        widths={"claim": 48, "matched claim": 48, "reason": 60},
    )


def _print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], widths: dict[str, int] | None = None
) -> None:
    limits = {"text": 90, **(widths or {})}
    cells = [
        [_cut(str(v), limits.get(h, 30)) for h, v in zip(headers, row, strict=True)] for row in rows
    ]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(s) for h, s in zip(headers, sizes, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(s) for c, s in zip(row, sizes, strict=True)).rstrip())
    print(f"({len(rows)} rows)")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def sample_articles() -> list[str]:
    """Paths of the bundled sample articles, in publication order (their names sort by date)."""
    folder = resources.files("flows") / "samples"
    return sorted(str(entry) for entry in folder.iterdir() if entry.name.endswith(".html"))


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    started = time.monotonic()
    report = run_ingest(sample_articles(), settings, source=None)
    _print_report(report, time.monotonic() - started)
    with open_database(settings) as conn:
        totals = store.counts(conn)
        flags = store.list_flags(conn)
    print(
        f"\nThe store holds {totals['articles']} articles and {totals['claims']} claims: "
        f"{totals['repeats']} repeats, {totals['contradictions']} contradictions flagged, "
        f"{totals['related']} related pairs.\n"
    )
    _print_flags(flags)
    print(
        "\nNext: `claimtrack claims`, `claimtrack flags --format jsonl`, "
        "`claimtrack ingest YOUR_ARTICLE.html`."
    )
    return EXIT_FAILURES if report.failed else 0


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if settings.database_url:
        if args.action in ("start", "stop"):
            raise InputError("DATABASE_URL is set: claimtrack does not manage that server")
        print(
            settings.database_url
            if args.action == "url"
            else "using DATABASE_URL (an external server); nothing embedded is managed"
        )
        return 0
    data_dir = settings.postgres_dir
    if args.action == "stop":
        stopped = embedded_server.stop(data_dir)
        print(f"stopped PostgreSQL in {data_dir}" if stopped else f"not running ({data_dir})")
    elif args.action in ("start", "url"):
        url = resolve_database_url(settings)
        print(url if args.action == "url" else f"running: {url}")
    else:
        state = embedded_server.read_state(data_dir)
        if state.running:
            print(f"running (pid {state.pid}) in {data_dir}: {state.uri(settings.database_name)}")
        else:
            what = "stopped" if state.initialised else "not initialised"
            print(f"{what} ({data_dir}); it starts by itself when needed")
    return 0


def _cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    for name, field in Settings.model_fields.items():
        env = "DATABASE_URL" if name == "database_url" else f"CLAIMTRACK_{name.upper()}"
        print(f"{env}={getattr(settings, name)}\n    {field.description}")
    return 0


def _cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "run":
        return _run_sources(args, settings)
    with open_database(settings) as conn:
        if args.action == "add":
            if args.every < 1 or args.max_articles < 1:
                raise InputError("--every and --max-articles must be at least 1")
            if store.get_source(conn, args.name):
                raise InputError(f"a source named {args.name!r} exists; remove it first")
            source = store.add_source(
                conn,
                name=args.name,
                kind=args.kind,
                url=check_source_url(args.url),
                schedule_minutes=args.every,
                max_articles=args.max_articles,
            )
            print(
                f"added {source.kind} {source.name}: {source.url} "
                f"(every {source.schedule_minutes} min)"
            )
        elif args.action == "list":
            _print_sources(store.list_sources(conn), args.format)
        elif args.action == "remove":
            if not store.remove_source(conn, args.name):
                raise InputError(f"no source named {args.name!r} (see `claimtrack sources list`)")
            print(f"removed {args.name}")
        else:
            _show_source(conn, args.name)
    return 0


def _print_sources(sources: Sequence[Source], fmt: str) -> None:
    if fmt == "jsonl":
        for source in sources:
            print(json.dumps(asdict(source), ensure_ascii=False, default=str))
        return
    _print_table(
        ("name", "kind", "every", "max", "last check", "status", "url"),
        [
            (
                s.name,
                s.kind,
                f"{s.schedule_minutes}m",
                s.max_articles,
                s.last_checked_at.strftime("%Y-%m-%d %H:%M") if s.last_checked_at else "never",
                s.last_status or "",
                s.url,
            )
            for s in sources
        ],
        widths={"url": 70},
    )


def _show_source(conn: Connection, name: str) -> None:
    source = store.get_source(conn, name)
    if source is None:
        raise InputError(f"no source named {name!r} (see `claimtrack sources list`)")
    for key, value in asdict(source).items():
        print(f"{key:>16}: {value if value is not None else ''}")
    fetches = store.source_fetches(conn, source.id)
    print()
    _print_table(
        ("when", "outcome", "http", "tries", "cond", "target", "reason"),
        [
            (
                f["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
                f["outcome"],
                f["http_status"] or "",
                f["attempts"],
                "yes" if f["conditional"] else "",
                f["target"],
                f["reason"],
            )
            for f in fetches
        ],
        widths={"target": 60, "reason": 60},
    )


def _run_sources(args: argparse.Namespace, settings: Settings) -> int:
    resolve_database_url(settings)
    if args.names:
        with open_database(settings) as conn:
            missing = [n for n in args.names if store.get_source(conn, n) is None]
        if missing:
            raise InputError(
                f"no source named {', '.join(missing)} (see `claimtrack sources list`)"
            )
    _prefect_defaults()
    print("starting the ingest_sources flow (Prefect local mode)...", file=sys.stderr, flush=True)
    from flows.ingest import ingest_sources_flow

    started = time.monotonic()
    reports = ingest_sources_flow(args.names or None, args.all, show_progress=True)
    if not reports:
        print("no source is due (use --all to fetch every source now)", file=sys.stderr)
    for report in reports:
        _print_report(report, time.monotonic() - started)
    return EXIT_FAILURES if any(r.failed for r in reports) else 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "claims":
        return _eval_claims(args)
    from tasks import evaluation

    pages = evaluation.load_pages(args.data_dir)
    print(f"{len(pages)} pages from {args.data_dir}", file=sys.stderr)
    results = [evaluation.run_extractor("ours", evaluation.ours, pages, args.repeats)]
    if not args.no_peer:
        peer = evaluation.trafilatura_extractor()
        results.append(evaluation.run_extractor("trafilatura", peer, pages, args.repeats))
    for r in results:
        print(
            f"{r.name:<12} precision={r.precision:.3f} recall={r.recall:.3f} f1={r.f1:.3f} "
            f"pages_per_s={r.pages_per_s:.1f}"
        )
    figures = {f"{r.name}_f1": f"{r.f1:.3f}" for r in results}
    figures.update({f"{r.name}_pages_per_s": f"{r.pages_per_s:.1f}" for r in results})
    order = ["ours_f1", "trafilatura_f1", "ours_pages_per_s", "trafilatura_pages_per_s"]
    print(" ".join(f"{k}={figures[k]}" for k in order if k in figures))
    return 0


def _eval_claims(args: argparse.Namespace) -> int:
    from tasks.checkworthiness import load_model
    from tasks.claim_evaluation import evaluate

    model = load_model()
    results, speed, threshold = evaluate(args.data_dir, args.threshold)
    source = f"model {model.metadata}" if model else "rules only (no model file)"
    print(f"scorer: {source}; threshold {threshold:.2f}")
    for r in results:
        print(
            f"{r.name:<14} sentences={r.sentences} precision={r.precision:.3f} "
            f"recall={r.recall:.3f} f1={r.f1:.3f}"
        )
    figures = {f"{r.name}_f1": f"{r.f1:.3f}" for r in results}
    print(
        f"claimbuster_f1={figures['claimbuster_f1']} "
        f"checkthat2024_f1={figures['checkthat2024_f1']} sentences_per_s={speed:.0f}"
    )
    return 0


_HANDLERS = {
    "ingest": _cmd_ingest,
    "claims": _cmd_claims,
    "flags": _cmd_flags,
    "demo": _cmd_demo,
    "db": _cmd_db,
    "settings": _cmd_settings,
    "sources": _cmd_sources,
    "eval": _cmd_eval,
}

if __name__ == "__main__":
    sys.exit(main())
