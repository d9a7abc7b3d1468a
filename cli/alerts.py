"""`claimtrack alerts`: watch speakers and sources, send what is due, the daily digest."""

from __future__ import annotations

import argparse
import json

from cli.terminal import positive_int, print_table
from schemas.settings import Settings
from tasks.alerts import alerts
from tasks.storage.database import open_database


def add_alerts_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "alerts",
        help="alerts when a claim rated false comes back, or a watched one is contradicted",
        description="Each ingestion run queues an alert for every repeat of a claim rated "
        "false, mostly false or mixed, and every new contradiction that involves a watched "
        "speaker or source (at most one per claim family per CLAIMTRACK_ALERT_PERIOD_H), and "
        "sends them to CLAIMTRACK_ALERT_CHANNELS. Failed deliveries are retried by the next "
        "sending; none is sent twice.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("watch", "alert on contradictions involving this speaker or source"),
                       ("unwatch", "stop watching a speaker or source")):  # fmt: skip
        watching = actions.add_parser(name, help=text)
        watching.add_argument("kind", choices=alerts.WATCH_KINDS)
        watching.add_argument("value", metavar="NAME", help="as `claimtrack claims` shows it")
    actions.add_parser("list", help="the speakers and sources watched")
    actions.add_parser("send", help="send every alert due now (the send-alerts flow's work)")
    digest = actions.add_parser("digest", help="queue today's digest and send what is due")
    digest.add_argument("--hours", type=positive_int, default=24, help="default 24")
    recent = actions.add_parser("recent", help="the latest alerts and their deliveries")
    recent.add_argument("--limit", type=positive_int, default=20)
    recent.add_argument("--format", choices=("table", "jsonl"), default="table")


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        if args.action == "watch":
            new = alerts.watch(conn, args.kind, args.value)
            print(f"{'watching' if new else 'already watching'} {args.kind} {args.value}")
        elif args.action == "unwatch":
            gone = alerts.unwatch(conn, args.kind, args.value)
            print(f"{'stopped watching' if gone else 'was not watching'} {args.kind} {args.value}")
        elif args.action == "list":
            rows = [
                (w["kind"], w["value"], f"{w['created_at']:%Y-%m-%d}") for w in alerts.watches(conn)
            ]
            print_table(("kind", "watched", "since"), rows)
        elif args.action == "recent":
            found = alerts.recent(conn, args.limit)
            if args.format == "jsonl":
                for row in found:
                    print(json.dumps(row, default=str))
            else:
                table: list[tuple[object, ...]] = [
                    (
                        r["id"],
                        r["kind"],
                        f"{r['created_at']:%Y-%m-%d %H:%M}",
                        r["payload"].get("claim") or r["payload"].get("day"),
                        r["channel"] or "(no channel)",
                        r["status"] or "",
                        r["attempts"] or 0,
                    )
                    for r in found
                ]
                headers = ("id", "kind", "when", "claim", "channel", "status", "tries")
                print_table(headers, table, {"claim": 50, "channel": 40})
        else:
            if args.action == "digest":
                made = alerts.queue_digest(conn, settings, args.hours)
                print("queued today's digest" if made else "today's digest was queued already")
            done = alerts.deliver(conn, settings)
            print(
                f"sent {done.sent} alert(s)"
                + (f", {len(done.failed)} failed" if done.failed else "")
            )
            for failure in done.failed:
                print(f"failed     {failure}")
            return 1 if done.failed else 0
    return 0
