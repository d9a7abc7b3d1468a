"""What the command line prints: tables, run reports, exit codes, and Prefect's defaults."""

from __future__ import annotations

import os
from argparse import ArgumentTypeError
from collections.abc import Sequence
from typing import Any

from schemas.records import IngestReport
from tasks.logs import log_line, prefect_json_logging

EXIT_FAILURES = 1
EXIT_ERROR = 2


def prefect_defaults() -> str:
    """Quiet, offline-friendly Prefect defaults (the user's environment wins), and the server
    flows report to: PREFECT_API_URL, else the server of `claimtrack up` when it runs, else a
    temporary one. Says which."""
    from schemas.settings import get_settings
    from tasks.operations.stack import running_prefect_api

    if not os.environ.get("PREFECT_API_URL"):
        running = running_prefect_api(get_settings())
        if running:
            os.environ["PREFECT_API_URL"] = running
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # claimtrack reports each failed target itself, in one line; Prefect's task tracebacks are noise
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "CRITICAL")
    # a flow that stops (lost database, interrupt) is reported by our one error line
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    prefect_json_logging()
    api = os.environ.get("PREFECT_API_URL")
    return f"Prefect server at {api}" if api else "Prefect local mode: a temporary server"


def print_report(report: IngestReport, seconds: float) -> None:
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    by_status: dict[str, Any] = {f"targets_{status}": n for status, n in counts.items()}
    log_line(
        f"run {report.run_id}: {summary}; {report.claims_added} new claims, "
        f"{report.flags_added} new flags in {seconds:.1f} s",
        event="run.finished",
        run_id=report.run_id,
        **by_status,
        claims_added=report.claims_added,
        flags_added=report.flags_added,
        seconds=round(seconds, 2),
    )


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], widths: dict[str, int] | None = None
) -> None:
    limits = {"text": 90, **(widths or {})}
    cells = [
        [cut(str(v), limits.get(h, 30)) for h, v in zip(headers, row, strict=True)] for row in rows
    ]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(s) for h, s in zip(headers, sizes, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(s) for c, s in zip(row, sizes, strict=True)).rstrip())
    print(f"({len(rows)} rows)")


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def positive_int(value: str) -> int:
    """An option that counts something: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1 or str(number) != value.strip().lstrip("+"):
        raise ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


def unit_fraction(value: str) -> float:
    """An option between 0 and 1 (a threshold)."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise ArgumentTypeError(f"must be a number from 0 to 1, not {value!r}")
    return number


def setting_name(location: Sequence[int | str]) -> str:
    """The environment variable behind a settings field (what the user set)."""
    field = str(location[0]) if location else ""
    if not field:
        return "settings"
    if field in ("database_url", "DATABASE_URL"):
        return "DATABASE_URL"
    return f"CLAIMTRACK_{field.upper()}"
