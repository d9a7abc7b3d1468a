"""`claimtrack up|down|status|serve`: the whole local stack in one command, and the scheduler."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cli.terminal import prefect_defaults, print_table
from schemas.records import IngestReport
from schemas.settings import Settings
from tasks.errors import ConfigurationError
from tasks.fetching.fetch import is_url
from tasks.logs import log_line
from tasks.operations import stack


def add_stack_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = commands.add_parser(
        "up",
        help="start the local stack: PostgreSQL, Prefect server, scheduler and web app",
        description="Start, each only when it is not running yet: the embedded PostgreSQL (or "
        "check DATABASE_URL), a Prefect server keeping its state in database `prefect` of that "
        "PostgreSQL (on 127.0.0.1:CLAIMTRACK_PREFECT_PORT), the scheduler (`claimtrack serve`: "
        "every deployment of deploy/prefect.yaml on its schedule) and the web app (on "
        "127.0.0.1:CLAIMTRACK_WEB_PORT). Logs go to CLAIMTRACK_HOME/logs. While it is up, "
        "every flow command (ingest, sources run, rematch, demo) reports to that server "
        "instead of starting a temporary one.",
    )
    up.add_argument(
        "--without",
        action="append",
        choices=("scheduler", "web"),
        default=[],
        help="leave this part out (repeatable)",
    )
    down = commands.add_parser(
        "down",
        help="stop the local stack",
        description="Stop the web app, the scheduler, the Prefect server and the embedded "
        "PostgreSQL that `claimtrack up` started. Flow runs in progress are interrupted and "
        "recorded as failed; a rerun picks up what they left.",
    )
    down.add_argument(
        "--keep-database", action="store_true", help="leave the embedded PostgreSQL running"
    )
    status = commands.add_parser(
        "status",
        help="show each part of the local stack, its address and health",
        description="Each part of the stack: running (and answering its health check), "
        "unhealthy, or stopped; exit status 1 unless every part is running.",
    )
    status.add_argument("--format", choices=("table", "json"), default="table")
    serve = commands.add_parser(
        "serve",
        help="run every scheduled deployment from this one process",
        description="Serve the deployments of deploy/prefect.yaml (ingest due sources, nightly "
        "re-match, dashboard refresh, alerts, alert digest, fetch-log pruning) on their "
        "schedules, from this process, against a long-running Prefect server (the one "
        "`claimtrack up` starts, or PREFECT_API_URL). Each run executes in a process of its "
        "own. For more machines, use `prefect deploy` and workers instead (deploy/README.md).",
    )
    serve.add_argument(
        "--only",
        action="append",
        metavar="DEPLOYMENT",
        help="serve only this deployment (repeatable), e.g. ingest-due-sources",
    )
    serve.add_argument(
        "--limit", type=int, default=4, metavar="N", help="most flow runs at once (default 4)"
    )


def _say(line: str) -> None:
    log_line(line, event="stack")


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    parts = [p for p in stack.PARTS if p not in args.without]
    found = stack.up(settings, _say, parts=parts)
    _print_status([p for p in found if p.name in parts])
    return 0 if all(p.healthy for p in found if p.name in parts) else 1


def cmd_down(args: argparse.Namespace, settings: Settings) -> int:
    stack.down(settings, _say, keep_database=args.keep_database)
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    found = stack.status(settings)
    if args.format == "json":
        print(json.dumps(stack.as_records(found), indent=2))
    else:
        _print_status(found)
    return 0 if all(p.healthy for p in found) else 1


def _print_status(found: list[stack.PartStatus]) -> None:
    print_table(
        ("part", "state", "pid", "address", "detail"),
        [(p.name, p.state, p.pid or "", p.address, p.detail) for p in found],
        widths={"address": 70, "detail": 80},
    )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    prefect_defaults()  # PREFECT_API_URL, else the stack's server when it runs
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        raise ConfigurationError(
            "serving schedules needs a long-running Prefect server: run `claimtrack up` (it "
            "starts one and this scheduler), or set PREFECT_API_URL to a server's API"
        )
    from flows.deployments import DEPLOYMENTS, runner_deployments

    known = {d.name for d in DEPLOYMENTS}
    unknown = set(args.only or ()) - known
    if unknown:
        raise ConfigurationError(
            f"no deployment named {', '.join(sorted(unknown))}; they are: "
            + ", ".join(sorted(known))
        )
    deployments = runner_deployments(
        set(args.only) if args.only else None, {"ingest-due-sources": settings.ingest_schedule}
    )
    return asyncio.run(_serve(deployments, args.limit, api))


async def _serve(deployments: list[object], limit: int, api: str) -> int:
    """The deployments on their schedules (each run in a process of its own), and the
    `ingest-now` task of `claimtrack ingest` in this process, its models loaded once."""
    from prefect.runner import Runner
    from prefect.task_worker import TaskWorker

    from flows.background import ingest_now, warm_up

    runner = Runner(limit=limit)
    for deployment in deployments:
        await runner.add_deployment(deployment)  # type: ignore[arg-type,misc]
    await asyncio.to_thread(warm_up)
    names = ", ".join(getattr(d, "name", "?") for d in deployments)
    print(f"serving {len(deployments)} deployments ({names}) and ingest-now to {api}", flush=True)
    worker = TaskWorker(ingest_now, limit=2)
    await asyncio.gather(runner.start(), worker.start())  # type: ignore[arg-type]
    return 0


def ingest_in_scheduler(
    targets: Sequence[str],
    settings: Settings,
    scheduler: tuple[str, int],
    source: str | None,
    published: datetime | None,
) -> IngestReport:
    """Hand an ingestion to the stack's scheduler (the `ingest-now` background task) and wait
    for its report, printing each target's outcome."""
    api, pid = scheduler
    os.environ["PREFECT_API_URL"] = api
    os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] = str(stack.result_storage(settings))
    prefect_defaults()
    log_line(
        f"handing the ingestion to the stack's scheduler (pid {pid}, Prefect server at {api})...",
        event="flow.starting",
        flow="ingest-now",
    )
    from flows.background import ingest_now
    from flows.ingest import print_outcome

    absolute = [t if is_url(t) else str(Path(t).resolve()) for t in targets]
    future = ingest_now.delay(absolute, source, published)
    while not future.state.is_final():
        future.wait(timeout=1)
        if not stack.alive(pid):
            raise ConfigurationError(
                "the stack's scheduler stopped during the ingestion; `claimtrack up` restarts "
                "it, and a rerun picks up what was not stored"
            )
    report: IngestReport = future.result()
    for outcome in report.outcomes:
        print_outcome(outcome)
    return report
