"""`claimtrack sources ...`: add, list, show, remove and run feeds, sitemaps and URLs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict

from cli.terminal import EXIT_FAILURES, positive_int, prefect_defaults, print_report, print_table
from schemas.records import Source
from schemas.settings import Settings
from tasks.errors import InputError
from tasks.fetching.sources import SOURCE_KINDS, check_source_name, check_source_url
from tasks.logs import log_line
from tasks.storage import store
from tasks.storage.database import Connection, open_database, resolve_database_url


def add_sources_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        type=positive_int,
        default=60,
        metavar="MINUTES",
        help="how often it is due, in minutes (default 60)",
    )
    add.add_argument(
        "--max-articles",
        type=positive_int,
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


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "run":
        return run_sources(args, settings)
    with open_database(settings) as conn:
        if args.action == "add":
            if args.every < 1 or args.max_articles < 1:
                raise InputError("--every and --max-articles must be at least 1")
            check_source_name(args.name)
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
            print_sources(store.list_sources(conn), args.format)
        elif args.action == "remove":
            if not store.remove_source(conn, args.name):
                raise InputError(f"no source named {args.name!r} (see `claimtrack sources list`)")
            print(f"removed {args.name}")
        else:
            show_source(conn, args.name)
    return 0


def print_sources(sources: Sequence[Source], fmt: str) -> None:
    if fmt == "jsonl":
        for source in sources:
            print(json.dumps(asdict(source), ensure_ascii=False, default=str))
        return
    print_table(
        ("name", "kind", "every", "max", "last check", "status", "next check", "url"),
        [
            (
                s.name,
                s.kind,
                f"{s.schedule_minutes}m",
                s.max_articles,
                s.last_checked_at.strftime("%Y-%m-%d %H:%M") if s.last_checked_at else "never",
                source_status(s),
                s.next_due_at.strftime("%Y-%m-%d %H:%M") if s.next_due_at else "now",
                s.url,
            )
            for s in sources
        ],
        widths={"url": 70, "status": 40},
    )


def source_status(source: Source) -> str:
    """The last check's status; a source failing in a row says so and that it backs off."""
    if not source.enabled:
        return "disabled"
    if source.being_fetched:
        return "being fetched"
    status = source.last_status or ""
    if source.consecutive_failures > 1:
        status = f"failed {source.consecutive_failures} times in a row, backing off"
    return status


def show_source(conn: Connection, name: str) -> None:
    source = store.get_source(conn, name)
    if source is None:
        raise InputError(f"no source named {name!r} (see `claimtrack sources list`)")
    for key, value in asdict(source).items():
        print(f"{key:>16}: {value if value is not None else ''}")
    retries = store.source_retries(conn, source.id)
    if retries:
        print("\nfailed articles, retried on later runs:")
        print_table(
            ("tries", "next try", "url", "last error"),
            [
                (
                    r["attempts"],
                    r["next_attempt_at"].strftime("%Y-%m-%d %H:%M")
                    if r["next_attempt_at"]
                    else "given up",
                    r["url"],
                    r["last_error"],
                )
                for r in retries
            ],
            widths={"url": 60, "last error": 60},
        )
    fetches = store.source_fetches(conn, source.id)
    print()
    print_table(
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


def run_sources(args: argparse.Namespace, settings: Settings) -> int:
    resolve_database_url(settings)
    if args.names:
        with open_database(settings) as conn:
            missing = [n for n in args.names if store.get_source(conn, n) is None]
        if missing:
            raise InputError(
                f"no source named {', '.join(missing)} (see `claimtrack sources list`)"
            )
    mode = prefect_defaults()
    log_line(
        f"starting the ingest_sources flow ({mode})...",
        event="flow.starting",
        flow="ingest_sources",
    )
    from flows.ingest import ingest_sources_flow

    started = time.monotonic()
    reports = ingest_sources_flow(args.names or None, args.all, show_progress=True)
    if not reports:
        print("no source is due (use --all to fetch every source now)", file=sys.stderr)
    for report in reports:
        print_report(report, time.monotonic() - started)
    return EXIT_FAILURES if any(r.failed for r in reports) else 0
