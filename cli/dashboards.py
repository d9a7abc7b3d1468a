"""`claimtrack dashboards refresh`: bring the summary tables under the dashboards up to date."""

from __future__ import annotations

import argparse

from schemas.settings import Settings
from tasks.reporting import summaries
from tasks.storage.database import open_database


def add_dashboards_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "dashboards",
        help="refresh the summary tables the dashboards and the reporting views read",
        description="The dashboards and the `reporting` views read summary tables. Each "
        "ingestion run refreshes them for what it stored, and a dashboard page refreshes them "
        "when claims changed since (a verdict, a merged family); a BI tool reading the views "
        "sees the state of the last refresh. This command (and the refresh-dashboards flow) "
        "refreshes them now.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    refresh = actions.add_parser(
        "refresh",
        help="recompute what changed since the last refresh",
        description="Recompute the summary rows of every claim changed since the last refresh "
        "(new, moved to another family, given a verdict...). With --full, rebuild every table "
        "from the claims: about 30 s for a million claims, during which dashboard reads wait.",
    )
    refresh.add_argument(
        "--full", action="store_true", help="rebuild every summary table from the claims"
    )


def cmd_dashboards(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        done = summaries.refresh(conn, full=args.full)
    what = "rebuilt from" if args.full else "refreshed for"
    print(f"summary tables {what} {done.claims:,} claims in {done.seconds:.1f} s")
    return 0
