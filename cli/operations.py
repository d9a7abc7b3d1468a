"""`claimtrack doctor` and `claimtrack db migrate|backup|restore`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from cli.terminal import EXIT_FAILURES
from schemas.settings import Settings
from tasks.errors import InputError
from tasks.operations import backup, doctor
from tasks.storage.database import apply_migrations, connect, resolve_database_url


def add_doctor_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "doctor",
        help="check the database, Prefect, workers, disk and settings; say what to fix",
        description="Check that claimtrack can run: the settings; the database (reachable, "
        "PostgreSQL 15 or later, the extensions it needs, every migration applied); the "
        "Prefect server; a worker or `claimtrack serve` to run the schedules; free disk "
        "space. Each failure says what to do. Nothing is started or changed. Exit status 1 "
        "when a check fails.",
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=doctor.CHECKS,
        default=[],
        help="leave this check out (repeatable), e.g. prefect-worker on a machine that only "
        "serves the web app",
    )
    parser.add_argument("--format", choices=("table", "jsonl"), default="table")


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    findings = doctor.run_checks(settings, args.skip)
    for finding in findings:
        if args.format == "jsonl":
            print(json.dumps(asdict(finding)))
            continue
        print(f"{finding.status:<4}  {finding.check:<15} {finding.detail}")
        if finding.fix and finding.status != "ok":
            print(f"{'':<21}fix: {finding.fix}")
    failed = [f for f in findings if f.status == "fail"]
    if args.format == "table":
        print(
            f"\n{len(failed)} of {len(findings)} checks failed"
            if failed
            else f"\nall {len(findings)} checks passed"
        )
    return EXIT_FAILURES if failed else 0


def db_maintenance(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "migrate":
        with connect(resolve_database_url(settings), migrate=False) as conn:
            applied = apply_migrations(conn)
        print(f"applied {len(applied)} migrations" + (f": {', '.join(applied)}" if applied else ""))
        return 0
    if not args.name:
        raise InputError(f"name the file: claimtrack db {args.action} PATH")
    path = Path(args.name).expanduser()
    url = resolve_database_url(settings)
    if args.action == "backup":
        size = backup.backup(url, path)
        print(f"backed up the database to {path} ({size / 1e6:.1f} MB)")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError("restore replaces the whole database: add --yes to confirm")
        answer = input(f"replace everything in the database with {path}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing restored")
            return EXIT_FAILURES
    backup.restore(url, path)
    with connect(url):  # a backup from an older claimtrack is migrated at once
        pass
    print(f"restored the database from {path}")
    return 0
