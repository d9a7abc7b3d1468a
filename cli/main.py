"""The `claimtrack` command line.

Only `ingest`, `demo`, `rematch` and `sources run` run a Prefect flow, and `serve` serves them;
the other commands never import Prefect, so they answer in well under a second.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cli.alerts import add_alerts_parser, cmd_alerts
from cli.bench import add_bench_parser, cmd_bench
from cli.dashboards import add_dashboards_parser, cmd_dashboards
from cli.evaluate import add_eval_parser, cmd_eval
from cli.operations import add_doctor_parser, cmd_doctor, db_maintenance
from cli.review import (
    add_factchecks_parser,
    add_review_parser,
    add_tune_parser,
    add_users_parser,
    cmd_factchecks,
    cmd_review,
    cmd_tune,
    cmd_users,
)
from cli.sources import add_sources_parser, cmd_sources
from cli.stack import (
    add_stack_parsers,
    cmd_down,
    cmd_serve,
    cmd_status,
    cmd_up,
    ingest_in_scheduler,
)
from cli.terminal import (
    EXIT_ERROR,
    EXIT_FAILURES,
    positive_int,
    prefect_defaults,
    print_report,
    print_table,
    setting_name,
)
from cli.web import add_web_parser, cmd_web
from schemas.records import ClaimListing, FlagListing, IngestReport
from schemas.settings import Settings, get_settings
from tasks.errors import ClaimtrackError, InputError
from tasks.fetching import credentials
from tasks.fetching.credentials import mask_password
from tasks.fetching.fetch import check_target, is_url
from tasks.fetching.sources import check_source_name
from tasks.logs import log_line
from tasks.operations.stack import warm_scheduler
from tasks.storage import embedded_server, store
from tasks.storage.database import open_database, resolve_database_url

ARTICLE_SUFFIXES = (".html", ".htm", ".txt")
HANDED_OVER = threading.Event()  # this `ingest` was done by the stack's scheduler


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
        help="HTML or plain-text file, a folder of them, or an http(s) URL",
    )
    ingest.add_argument("--source", metavar="NAME", help="name of the outlet or feed")
    ingest.add_argument(
        "--here",
        action="store_true",
        help="run the ingest flow in this process even while `claimtrack up` runs (by default "
        "the stack's scheduler, with its models loaded, does the work)",
    )
    ingest.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        type=parse_date_option,
        help="publication date, overriding what the page says",
    )

    for name, what in (
        ("claims", "stored claims"),
        ("flags", "repeat, contradiction and update flags"),
    ):
        listing = commands.add_parser(name, help=f"list {what}", description=f"List {what}.")
        listing.add_argument(
            "--format",
            choices=("table", "jsonl"),
            default="table",
            help="table for people, jsonl (one JSON object a line) for programs",
        )
        listing.add_argument("--limit", type=positive_int, metavar="N", help="show at most N rows")
        if name == "flags":
            listing.add_argument(
                "--related",
                action="store_true",
                help="also list 'related' matches (shown to reviewers, not flags)",
            )
            listing.add_argument(
                "--kind",
                choices=store.FLAG_KINDS,
                action="append",
                help="only flags of this kind (repeat, contradiction, update); repeatable",
            )

    families = commands.add_parser(
        "families",
        help="list claim families: claims that keep coming back",
        description="Families of repeated claims, most recently seen first, with their size, "
        "first and last sighting, speakers, sources and contradictions.",
    )
    families.add_argument("--format", choices=("table", "jsonl"), default="table")
    families.add_argument(
        "--min-count",
        type=positive_int,
        default=2,
        metavar="N",
        help="only families with at least N claims (default 2)",
    )
    families.add_argument("--limit", type=positive_int, metavar="N", help="show at most N families")
    rematch = commands.add_parser(
        "rematch",
        help="match a time range again after settings or models change",
        description="Re-match every claim published in [--since, --until) against the claims "
        "stored before it. Open matches and families are rebuilt; reviewed matches are kept. "
        "Running it twice changes nothing.",
    )
    rematch.add_argument("--since", metavar="YYYY-MM-DD", type=parse_date_option)
    rematch.add_argument("--until", metavar="YYYY-MM-DD", type=parse_date_option)
    embed = commands.add_parser(
        "embed",
        help="give stored claims their embeddings (semantic matching)",
        description="Embed every stored claim that has no embedding by CLAIMTRACK_EMBEDDING_MODEL "
        "yet (for a database with claims from before the semantic layer, or after a model "
        "change), a batch per transaction with progress. Interrupted, run it again: it goes on "
        "where it stopped. Then `claimtrack rematch` matches the old claims by meaning too.",
    )
    embed.add_argument(
        "--since", metavar="YYYY-MM-DD", type=parse_date_option, help="claims stored since"
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
        choices=(
            "status",
            "start",
            "stop",
            "url",
            "migrate",
            "backup",
            "restore",
            "reader-role",
            "sizing",
        ),
        help="status: say whether it runs; start/stop it; url: print its URL; migrate: apply "
        "the schema migrations not applied yet; backup PATH: dump the whole database to a file "
        "(pg_dump's custom format); restore PATH: replace the database's contents with a "
        "backup's, in one transaction (stop the stack first); reader-role NAME: "
        "create a login role that can read the `reporting` views and nothing else (for "
        "Metabase, Grafana or Superset), or give an existing one a new password; sizing: "
        "print the memory settings for this machine (CLAIMTRACK_DATABASE_MEMORY_MB to size for "
        "another) as ALTER SYSTEM lines, for a managed server (the embedded one applies them "
        "itself)",
    )
    db.add_argument(
        "name",
        nargs="?",
        metavar="NAME_OR_PATH",
        help="the role of reader-role; the file of backup and restore",
    )
    db.add_argument(
        "--yes", action="store_true", help="restore: do not ask before replacing the database"
    )
    db.add_argument(
        "--password-stdin",
        action="store_true",
        help="reader-role: read the role's password from standard input, not the terminal",
    )
    db.add_argument(
        "--show-password",
        action="store_true",
        help="print DATABASE_URL's password instead of *** (it is masked by default)",
    )
    commands.add_parser("settings", help="show every setting, its value and what it does")
    add_sources_parser(commands)
    add_users_parser(commands)
    add_review_parser(commands)
    add_factchecks_parser(commands)
    add_tune_parser(commands)
    add_alerts_parser(commands)
    add_dashboards_parser(commands)
    add_web_parser(commands)
    add_eval_parser(commands)
    add_bench_parser(commands)
    add_stack_parsers(commands)
    add_doctor_parser(commands)
    return parser


EXIT_INTERRUPTED = 130
INTERRUPTED = "interrupted; what was stored stays stored, and a rerun picks up the rest"


class Interrupt:
    """SIGINT and SIGTERM become KeyboardInterrupt, and are remembered: Ctrl-C reaches the
    whole process group, so helpers (Prefect's temporary server) die at the same moment and the
    error that surfaces first may be theirs; once a signal came, the run was interrupted."""

    received = False
    owner_pid = 0  # forked helpers (a benchmark's worker pool) inherit the handler, not the role

    @classmethod
    def install(cls) -> dict[int, Any]:
        """Handle both signals; the handlers they had, to restore."""
        cls.received = False
        cls.owner_pid = os.getpid()
        previous: dict[int, Any] = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            with suppress(ValueError):  # not the main thread: leave signals alone
                previous[signum] = signal.signal(signum, cls._handle)
        return previous

    @classmethod
    def restore(cls, previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if not cls.received:
            logging.disable(logging.NOTSET)
        # else the command is ending: Prefect's exit hooks (its events worker draining to the dead
        # temporary server) still run after main() returns, and must not log after our last line

    @classmethod
    def _handle(cls, signum: int, frame: object) -> None:
        if os.getpid() != cls.owner_pid:  # a forked worker: behave as if nothing was installed
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if cls.received:
            return  # a second signal while shutting down: let the first one finish
        cls.received = True
        # Prefect's helpers (events worker, API client) lose their dead temporary server while the
        # process shuts down; their warnings would bury the one line that says what happened
        logging.disable(logging.ERROR)
        _stop_prefect_retries()
        threading.Thread(target=_exit_if_still_running, daemon=True).start()
        raise KeyboardInterrupt


SHUTDOWN_GRACE_S = 15


def _stop_prefect_retries() -> None:
    """Prefect's temporary API server got the same Ctrl-C and is going away: report the crash
    once, without its client's exponential retries (a minute and more)."""
    if "prefect" not in sys.modules:
        return
    with suppress(Exception):
        from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

        override = temporary_settings(updates={PREFECT_CLIENT_MAX_RETRIES: 0})
        override.__enter__()
        _KEPT.append(override)  # a collected generator would undo the override


_KEPT: list[object] = []


def _exit_if_still_running() -> None:
    """The last resort after an interrupt: whatever still holds the process (a helper waiting
    on a dead server) does not keep the user waiting."""
    time.sleep(SHUTDOWN_GRACE_S)
    _say_interrupted()
    os._exit(EXIT_INTERRUPTED)


def _say_interrupted() -> int:
    """The one line an interrupt ends with. Nothing is logged after it: what follows is Prefect
    shutting down services whose temporary server died with the same Ctrl-C, and its complaints
    ("EventsWorker failed with 2 pending items") would bury the line and say nothing useful."""
    _error(INTERRUPTED)
    logging.disable(logging.CRITICAL)
    return EXIT_INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous_handlers = Interrupt.install()
    try:
        settings = get_settings()
        handler = _HANDLERS[args.command]
        return handler(args, settings)
    except KeyboardInterrupt:
        return _say_interrupted()
    except BaseException as exc:
        if Interrupt.received:
            return _say_interrupted()
        if isinstance(exc, SystemExit):
            raise
        return _report(exc)
    finally:
        Interrupt.restore(previous_handlers)


def _report(exc: BaseException) -> int:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        _error(f"invalid setting {setting_name(first['loc'])}: {first['msg']}")
    elif isinstance(exc, ClaimtrackError):
        _error(str(exc))
    elif isinstance(exc, BrokenPipeError):
        return 0
    else:  # the last line of defence: one line, never a traceback
        if os.environ.get("CLAIMTRACK_DEBUG"):
            raise exc
        _error(f"unexpected {type(exc).__name__}: {exc} (set CLAIMTRACK_DEBUG=1 for details)")
    return EXIT_ERROR


def _error(message: str) -> None:
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    log_line(f"claimtrack: error: {one_line}", event="error", level="error", error=one_line)


def run_ingest(
    targets: Sequence[str],
    settings: Settings,
    *,
    source: str | None = None,
    published: datetime | None = None,
    here: bool = False,
) -> IngestReport:
    """Check the targets and the database first, then run the ingest flow; while `claimtrack
    up` runs, hand the work to its scheduler's warm process instead (unless `here`)."""
    # credentials stay in this process's memory: Prefect records the flow's parameters
    given = expand_targets(targets)
    targets = [credentials.remember(t) for t in given]
    carries_credentials = targets != given
    for target in targets:
        check_target(target)
    if source is not None:
        check_source_name(source)
    database_url = resolve_database_url(settings)  # fail fast, before Prefect's slow start
    scheduler = None if here else warm_scheduler(settings, database_url)
    if scheduler is not None and not carries_credentials:
        report = ingest_in_scheduler(targets, settings, scheduler, source, published)
        HANDED_OVER.set()
        return report
    mode = prefect_defaults()
    log_line(f"starting the ingest flow ({mode})...", event="flow.starting", flow="ingest")
    from flows.ingest import ingest_flow

    return ingest_flow(list(targets), source=source, published=published, show_progress=True)


def expand_targets(targets: Sequence[str]) -> list[str]:
    """A folder stands for the .html, .htm and .txt files in it, in name order."""
    expanded: list[str] = []
    for target in targets:
        path = Path(target).expanduser()
        if not is_url(target) and path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES)
            if not files:
                raise InputError(f"{target}: no .html, .htm or .txt files in this folder")
            expanded.extend(str(p) for p in files)
        else:
            expanded.append(target)
    return expanded


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    started = time.monotonic()
    report = run_ingest(
        args.targets, settings, source=args.source, published=args.published, here=args.here
    )
    print_report(report, time.monotonic() - started)
    code = EXIT_FAILURES if report.failed else 0
    if HANDED_OVER.is_set():
        # the work was done, and reported to Prefect, by the stack's scheduler: nothing in this
        # process waits to be flushed, and tearing down the hundreds of modules Prefect imported
        # would take half a second more
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        claims = store.list_claims(conn, args.limit)
    if args.format == "jsonl":
        for claim in claims:
            print(json.dumps(claim_record(claim), ensure_ascii=False))
    else:
        print_table(
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
    """The claim as JSON-ready data (asdict turns its quantities into dicts)."""
    record = asdict(claim)
    record["published_at"] = claim.published_at.isoformat() if claim.published_at else None
    return record


def flag_record(flag: FlagListing) -> dict[str, Any]:
    record = asdict(flag)
    record["created_at"] = flag.created_at.isoformat()
    return record


def _cmd_flags(args: argparse.Namespace, settings: Settings) -> int:
    kinds: tuple[str, ...] = tuple(args.kind) if args.kind else store.FLAG_KINDS
    if args.related:
        kinds = (*kinds, "related")
    with open_database(settings) as conn:
        flags = store.list_flags(conn, kinds, args.limit)
    if args.format == "jsonl":
        for flag in flags:
            print(json.dumps(flag_record(flag), ensure_ascii=False))
    else:
        _print_flags(flags)
    return 0


def _print_flags(flags: Sequence[FlagListing]) -> None:
    print_table(
        ("id", "kind", "status", "score", "claim", "matched claim", "reason"),
        [
            (
                f.id,
                f.kind,
                f.status,
                f"{f.score:.2f}",
                f"#{f.claim_id} {f.claim_text}",
                f"#{f.matched_claim_id} {f.matched_claim_text}",
                f.reason,
            )
            for f in flags
        ],
        widths={"claim": 48, "matched claim": 48, "reason": 60},
    )


def _cmd_families(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        families = store.list_families(conn, args.min_count, args.limit)
    if args.format == "jsonl":
        for family in families:
            print(json.dumps(asdict(family), ensure_ascii=False, default=str))
        return 0
    print_table(
        ("id", "claims", "first seen", "last seen", "contra", "speakers", "canonical claim"),
        [
            (
                f.id,
                f.claim_count,
                f.first_seen_at.date(),
                f.last_seen_at.date(),
                f.contradictions,
                ", ".join(f.speakers),
                f.canonical_text,
            )
            for f in families
        ],
        widths={"speakers": 40, "canonical claim": 80},
    )
    return 0


def _cmd_rematch(args: argparse.Namespace, settings: Settings) -> int:
    resolve_database_url(settings)
    mode = prefect_defaults()
    log_line(f"starting the rematch flow ({mode})...", event="flow.starting", flow="rematch")
    from flows.rematch import rematch_flow

    started = time.monotonic()
    claims, flags = rematch_flow(args.since, args.until)
    print(
        f"re-matched {claims} claims; {flags} flags added in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


def _cmd_embed(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.matching.semantic import backfill, embedder_for, require_vector_store

    embedder = embedder_for(settings)
    if embedder is None:
        raise InputError(
            "no embedding model is set: set CLAIMTRACK_EMBEDDING_MODEL (see `claimtrack "
            "settings`), after pip install 'claimtrack[semantic]'"
        )
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"embedded {done:,} of {total:,} claims ({rate:.0f}/s)", file=sys.stderr, flush=True)

    with open_database(settings) as conn:
        require_vector_store(conn, settings)
        done = backfill(conn, embedder, args.since, show)
    print(f"embedded {done:,} claims with {embedder.name}", file=sys.stderr)
    return 0


def sample_articles() -> list[str]:
    """Paths of the bundled sample articles, in publication order (their names sort by date)."""
    folder = resources.files("flows") / "samples"
    return sorted(str(entry) for entry in folder.iterdir() if entry.name.endswith(".html"))


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    started = time.monotonic()
    report = run_ingest(sample_articles(), settings, source=None)
    print_report(report, time.monotonic() - started)
    with open_database(settings) as conn:
        totals = store.counts(conn)
        flags = store.list_flags(conn)
    print(
        f"\nThe store holds {totals['articles']} articles and {totals['claims']} claims: "
        f"{totals['repeats']} repeats, {totals['contradictions']} contradictions and "
        f"{totals['updates']} updates flagged, "
        f"{totals['related']} related pairs.\n"
    )
    _print_flags(flags)
    print(
        "\nNext: `claimtrack claims`, `claimtrack flags --format jsonl`, "
        "`claimtrack ingest YOUR_ARTICLE.html`."
    )
    return EXIT_FAILURES if report.failed else 0


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "sizing":
        from tasks.storage.database import embedded_sizing

        sizing = embedded_sizing(settings)
        print(f"-- for {sizing.memory_mb} MB of memory; shared_buffers needs a restart")
        for name, value in sizing.parameters().items():
            print(f"ALTER SYSTEM SET {name} = '{value}';")
        return 0
    if args.action == "reader-role":
        return _reader_role(args, settings)
    if args.action in ("backup", "restore", "migrate"):
        return db_maintenance(args, settings)
    if settings.database_url:
        if args.action in ("start", "stop"):
            raise InputError("DATABASE_URL is set: claimtrack does not manage that server")
        url = settings.database_url if args.show_password else mask_password(settings.database_url)
        print(
            url
            if args.action == "url"
            else f"using DATABASE_URL (an external server): {url}; nothing embedded is managed"
        )
        return 0
    data_dir = settings.postgres_dir
    if args.action == "stop":
        stopped = embedded_server.stop(data_dir)
        print(f"stopped PostgreSQL in {data_dir}" if stopped else f"not running ({data_dir})")
    elif args.action in ("start", "url"):
        url = resolve_database_url(settings)
        for folder in embedded_server.LAST_OPENED:
            print(f"opened {folder} to other users (go+rx) so the server can reach its data")
        print(url if args.action == "url" else f"running: {url}")
    else:
        state = embedded_server.read_state(data_dir)
        if state.running:
            print(f"running (pid {state.pid}) in {data_dir}: {state.uri(settings.database_name)}")
        else:
            what = "stopped" if state.initialised else "not initialised"
            print(f"{what} ({data_dir}); it starts by itself when needed")
    return 0


def _reader_role(args: argparse.Namespace, settings: Settings) -> int:
    from cli.review import read_password
    from tasks.reporting.roles import create_reader_role
    from tasks.storage.database import open_database

    if not args.name:
        raise InputError("name the role: claimtrack db reader-role NAME")
    password = read_password(args.password_stdin)
    with open_database(settings) as conn:
        created = create_reader_role(conn, args.name, password)
        database = conn.info.dbname
    print(
        f"{'created' if created else 'updated'} role {args.name}: it reads the views of schema "
        f"reporting in database {database} (and nothing else)"
    )
    return 0


def _cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    stored = _stored_settings(settings)
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name == "database_url" and value:
            value = mask_password(value)
        note = ""
        if name in stored and name not in settings.model_fields_set:
            value, note = (
                stored[name]["value"],
                f" (stored in the database: {stored[name]['reason']})",
            )
        print(f"{setting_name([name])}={value}{note}\n    {field.description}")
    return 0


def _stored_settings(settings: Settings) -> dict[str, dict[str, Any]]:
    """Settings stored in the database, when it can be reached without starting a server."""
    from tasks.review.tuning import stored
    from tasks.storage.database import connect, running_database_url

    url = running_database_url(settings)
    if url is None:
        return {}
    try:
        with connect(url, migrate=False) as conn:  # only reads: never migrates
            return {row["name"]: row for row in stored(conn)}
    except ClaimtrackError:
        return {}


_HANDLERS = {
    "ingest": _cmd_ingest,
    "claims": _cmd_claims,
    "flags": _cmd_flags,
    "families": _cmd_families,
    "rematch": _cmd_rematch,
    "embed": _cmd_embed,
    "demo": _cmd_demo,
    "db": _cmd_db,
    "settings": _cmd_settings,
    "sources": cmd_sources,
    "users": cmd_users,
    "review": cmd_review,
    "factchecks": cmd_factchecks,
    "tune": cmd_tune,
    "alerts": cmd_alerts,
    "dashboards": cmd_dashboards,
    "web": cmd_web,
    "eval": cmd_eval,
    "bench": cmd_bench,
    "up": cmd_up,
    "down": cmd_down,
    "status": cmd_status,
    "serve": cmd_serve,
    "doctor": cmd_doctor,
}


if __name__ == "__main__":
    sys.exit(main())
