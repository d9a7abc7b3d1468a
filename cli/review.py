"""`claimtrack users ...` and `claimtrack review ...`: accounts, and the queue from a terminal.

The review commands act as a named account (`--as NAME`, or CLAIMTRACK_REVIEWER) through the
same functions as the JSON API and the web pages (tasks/review/queue.py)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.terminal import positive_int, print_table, setting_name
from schemas.review import RATINGS, ReviewItem
from schemas.settings import Settings
from tasks.errors import InputError
from tasks.review import accounts, queue
from tasks.storage.database import Connection, open_database


def add_users_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser(
        "users",
        help="manage reviewer and editor accounts and their API tokens",
        description="Reviewers work the queue; editors also manage accounts and publish verdicts.",
    )
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("name")
    add.add_argument("--role", choices=("reviewer", "editor"), required=True)
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of the terminal",
    )
    token = actions.add_parser("token", help="print a new API token for the account")
    token.add_argument("name")
    revoke = actions.add_parser("revoke", help="revoke every API token of the account")
    revoke.add_argument("name")
    disable = actions.add_parser(
        "disable", help="stop the account's sign-in, sessions and tokens at once"
    )
    disable.add_argument("name")
    enable = actions.add_parser("enable", help="let a disabled account sign in again")
    enable.add_argument("name")
    actions.add_parser("list", help="list accounts")


def add_review_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = commands.add_parser(
        "review",
        help="work the reviewers' queue from the terminal",
        description="Take the next item, decide it, skip or release it, and see the queue and "
        "your history. Acts as the account given by --as (or CLAIMTRACK_REVIEWER).",
    )
    actions = review.add_subparsers(dest="action", required=True, metavar="ACTION")

    def acting(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument(
            "--as",
            dest="account",
            default=os.environ.get("CLAIMTRACK_REVIEWER"),
            metavar="NAME",
            help="the account to act as (default: CLAIMTRACK_REVIEWER)",
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        return parser

    acting(actions.add_parser("next", help="lease the top item (or the one you hold) and show it"))

    def deciding(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "decision",
            choices=("confirm", "dismiss", "verdict"),
            help="confirm or dismiss a match, or give a verdict (--rating)",
        )
        parser.add_argument("--rating", choices=RATINGS, help="the verdict's rating")
        parser.add_argument("--note", default="", help="why")
        parser.add_argument(
            "--evidence", action="append", default=[], metavar="URL", help="a link (repeatable)"
        )
        parser.add_argument(
            "--family", action="store_true", help="the verdict covers the claim's whole family"
        )
        parser.add_argument("--publish", action="store_true", help="publish the verdict (editors)")

    decide = acting(actions.add_parser("decide", help="decide an item you hold"))
    decide.add_argument("item", type=positive_int, metavar="ITEM")
    deciding(decide)
    bulk = acting(
        actions.add_parser(
            "decide-family",
            help="the same decision on every undecided item of a claim family",
            description="Decide every undecided item whose claim belongs to the family at once "
            "(items another reviewer holds under a live lease are left, and named).",
        )
    )
    bulk.add_argument("family_id", type=positive_int, metavar="FAMILY")
    deciding(bulk)
    skip = acting(actions.add_parser("skip", help="give an item back; not offered to you again"))
    skip.add_argument("item", type=positive_int, metavar="ITEM")
    skip.add_argument("--reason", required=True)
    release = acting(actions.add_parser("release", help="give an item you hold back"))
    release.add_argument("item", type=positive_int, metavar="ITEM")
    reopen = acting(actions.add_parser("reopen", help="undo a decision (yours, or as an editor)"))
    reopen.add_argument("item", type=positive_int, metavar="ITEM")
    reopen.add_argument("--reason", default="")
    listing = actions.add_parser("list", help="the queue, top first")
    listing.add_argument("--status", choices=("waiting", "leased", "decided"))
    listing.add_argument("--limit", type=positive_int, default=50)
    listing.add_argument("--format", choices=("table", "jsonl"), default="table")
    history = acting(actions.add_parser("history", help="your decisions and other changes"))
    history.add_argument("--limit", type=positive_int, default=50)
    actions.add_parser("refresh", help="queue new flags and check-worthy claims now")


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        if args.action == "add":
            password = read_password(args.password_stdin)
            account = accounts.add_account(conn, args.name, args.role, password)
            print(f"added {account.role} {account.name}")
        elif args.action == "token":
            token = accounts.new_token(conn, args.name)
            print(token)
            print(
                "keep it secret: it is shown once; send it as 'Authorization: Bearer TOKEN'",
                file=sys.stderr,
            )
        elif args.action == "revoke":
            revoked = accounts.revoke_tokens(conn, args.name)
            print(f"revoked {revoked} token(s) of {args.name}")
        elif args.action in ("disable", "enable"):
            accounts.set_disabled(conn, args.name, args.action == "disable")
            print(f"{args.action}d {args.name}")
        else:
            rows = [
                (a.name, a.role, "yes" if a.disabled else "", tokens, f"{a.created_at:%Y-%m-%d}")
                for a, tokens in accounts.list_accounts(conn)
            ]
            print_table(("name", "role", "disabled", "tokens", "created"), rows)
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the password; use --password-stdin")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise InputError("the two passwords differ")
    return password


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as conn:
        if args.action == "refresh":
            added = queue.refresh_queue(conn, settings.review_check_threshold)
            print(f"queued {added} new item(s)")
            return 0
        if args.action == "list":
            items = queue.list_items(conn, args.status, args.limit)
            if args.format == "jsonl":
                for item in items:
                    print(json.dumps(item_json(item)))
            else:
                rows = [
                    (i.id, i.match_kind or i.kind, i.status, f"{i.priority:.0f}", i.claim.text,
                     "; ".join(i.reasons))
                    for i in items
                ]  # fmt: skip
                headers = ("id", "kind", "status", "priority", "claim", "why")
                print_table(headers, rows, {"claim": 60, "why": 60})
            return 0
        return _act(conn, args, settings)


def _act(conn: Connection, args: argparse.Namespace, settings: Settings) -> int:
    if not args.account:
        raise InputError("say who you are: --as NAME (or set CLAIMTRACK_REVIEWER)")
    account = accounts.get_account(conn, args.account)
    if args.action == "history":
        entries = queue.history(conn, account, limit=args.limit)
        if args.format == "json":
            print(json.dumps([asdict(e) for e in entries], default=str))
        else:
            rows = [
                (f"{e.at:%Y-%m-%d %H:%M}", e.action, e.item_id, json.dumps(e.after))
                for e in entries
            ]
            print_table(("when", "action", "item", "after"), rows, {"after": 70})
        return 0
    item: ReviewItem | None
    if args.action == "next":
        item = queue.next_item(conn, account, settings.review_lease_s)
        if item is None:
            print("nothing is waiting", file=sys.stderr)
            return 0
    elif args.action == "decide":
        item = queue.decide(conn, account, args.item, _decision(args))
    elif args.action == "decide-family":
        decided, held = queue.decide_family(conn, account, args.family_id, _decision(args))
        item = None
        if args.format == "json":
            print(json.dumps({"decided": decided, "held_by_others": held}))
        else:
            print(f"decided {len(decided)} item(s) of family {args.family_id}")
            if held:
                print(f"left {len(held)} held by other reviewers: {', '.join(map(str, held))}")
    elif args.action == "skip":
        queue.skip(conn, account, args.item, args.reason)
        item = None
        print(f"skipped item {args.item}")
    elif args.action == "release":
        queue.release(conn, account, args.item)
        item = None
        print(f"released item {args.item}")
    else:
        item = queue.reopen(conn, account, args.item, args.reason)
    if item is not None:
        if args.format == "json":
            print(json.dumps(item_json(item)))
        else:
            print_item(item)
    return 0


def _decision(args: argparse.Namespace) -> queue.Decision:
    evidence = tuple(args.evidence)
    return queue.Decision(
        args.decision, args.rating, args.note, evidence, args.family, args.publish
    )


def item_json(item: ReviewItem) -> dict[str, Any]:
    return json.loads(json.dumps(asdict(item), default=str))  # type: ignore[no-any-return]


def print_item(item: ReviewItem) -> None:
    title = f"item {item.id}: {item.match_kind or 'check-worthy claim'} [{item.status}]"
    if item.status == "leased" and item.lease_expires_at:
        title += f", yours until {item.lease_expires_at:%H:%M:%S}"
    if item.decision:
        title += f", {item.decision} by {item.decided_by}"
    print(title)
    print(f"  why:      {'; '.join(item.reasons)}")
    print(f"  claim:    {item.claim.text}")
    print(f"            {_said(item.claim)}")
    if item.matched is not None:
        print(f"  earlier:  {item.matched.text}")
        print(f"            {_said(item.matched)}")
        print(f"  matcher:  {item.match_reason} (score {item.match_score:.2f})")
        if item.differences:
            print(f"  differs:  {'; '.join(item.differences)}")
    if item.status == "leased":
        print(
            f"  decide:   claimtrack review decide {item.id} "
            + ("confirm|dismiss" if item.kind == "match" else "verdict --rating RATING")
        )


def _said(side: Any) -> str:
    parts = [side.speaker or "unattributed", side.source or "", side.url]
    if side.said_at:
        parts.insert(1, f"{side.said_at:%Y-%m-%d}")
    return " · ".join(p for p in parts if p)


def add_factchecks_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    factchecks = commands.add_parser(
        "factchecks",
        help="import ClaimReview fact-checks, export our published verdicts",
        description="Imported fact-checks become claims of their own kind with a verdict, so "
        "later claims repeating them are queued with it; exports are schema.org ClaimReview.",
    )
    actions = factchecks.add_subparsers(dest="action", required=True, metavar="ACTION")
    imports = actions.add_parser(
        "import", help="import ClaimReview JSON (files, folders, or the pages already ingested)"
    )
    imports.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    imports.add_argument(
        "--from-pages",
        action="store_true",
        help="also import the ClaimReview JSON-LD of fact-check pages already ingested",
    )
    export = actions.add_parser("export", help="print our published verdicts")
    export.add_argument("--format", choices=("jsonld", "csv"), default="jsonld")


def cmd_factchecks(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.review import factchecks

    with open_database(settings) as conn:
        if args.action == "export":
            records = factchecks.published_reviews(conn, settings)
            if args.format == "csv":
                sys.stdout.write(factchecks.reviews_csv(records))
            else:
                print(json.dumps(records, ensure_ascii=False, indent=2))
            return 0
        if not args.paths and not args.from_pages:
            raise InputError("give JSON files or folders to import, or --from-pages")
        result = factchecks.import_paths(conn, args.paths, settings)
        if args.from_pages:
            pages = factchecks.import_stored_pages(conn, settings)
            result += pages
        for reason in result.skipped:
            print(f"skipped {reason}", file=sys.stderr)
        print(
            f"imported {result.imported} fact-check(s), {result.unchanged} already stored, "
            f"{len(result.skipped)} skipped"
        )
        added = queue.refresh_queue(conn, settings.review_check_threshold)
        if added:
            print(f"queued {added} new item(s)")
    return 0


def add_tune_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tune = commands.add_parser(
        "tune",
        help="learn settings from reviewers' decisions",
        description="Reviewers' confirmed and dismissed flags are labelled data.",
    )
    what = tune.add_subparsers(dest="what", required=True, metavar="WHAT")
    thresholds = what.add_parser(
        "thresholds",
        help="precision and recall of the match score per kind; the thresholds that keep "
        "the target precision",
    )
    thresholds.add_argument(
        "--target",
        type=float,
        help="precision to keep (default: CLAIMTRACK_REVIEW_TARGET_PRECISION)",
    )
    thresholds.add_argument(
        "--apply",
        action="store_true",
        help="store them as settings in the database (an environment variable still wins)",
    )


def cmd_tune(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.review import tuning

    target = args.target if args.target is not None else settings.review_target_precision
    if not 0.0 < target <= 1.0:
        raise InputError("--target is a precision between 0 and 1")
    with open_database(settings) as conn:
        learned = tuning.tune(conn, target, settings)
        if not learned.decided:
            print("no flag has been confirmed or dismissed by a person yet: nothing to learn")
            return 0
        for kind, points in learned.curves.items():
            print(f"{kind}: {learned.decided[kind]} decisions")
            rows = [
                (f"{p.threshold:.2f}", p.flagged, f"{p.precision:.3f}", f"{p.recall:.3f}")
                for p in points
            ]
            print_table(("threshold", "flagged", "precision", "recall"), rows)
        current = settings.match_suggest_threshold
        print(
            f"flags under today's suggest threshold ({current:.2f}) were never shown to a "
            "reviewer, so no lower threshold can be judged from these decisions"
        )
        for name, value in zip(
            tuning.TUNABLE, (learned.suggest, learned.auto_confirm), strict=True
        ):
            shown = (
                f"{value:.4f}"
                if value is not None
                else f"not learned (needs {tuning.MIN_DECISIONS} decisions reaching precision "
                f"{target:.2f})"
            )
            print(f"{setting_name([name])}: {shown} (now {getattr(settings, name)})")
        if args.apply:
            for name, value in tuning.apply(conn, learned):
                print(f"stored {setting_name([name])}={value:.4f} in the database")
    return 0
