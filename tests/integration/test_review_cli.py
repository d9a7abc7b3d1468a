"""`claimtrack users` and `claimtrack review` as a person at a terminal runs them."""

import json
import subprocess
import sys

import pytest

from schemas.settings import Settings
from tasks.storage.database import connect
from tests.integration.test_cli import ROOT, assert_one_line_error, claimtrack
from tests.integration.test_review_queue import FIRST, SECOND, ingest

pytestmark = pytest.mark.integration


def add_user(db_url, name, role="reviewer", password="correct horse battery"):
    return subprocess.run(
        [sys.executable, "-m", "cli", "users", "add", name, "--role", role, "--password-stdin"],
        cwd=ROOT,
        env={"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"},
        input=password + "\n",
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_reviewer_works_the_queue_from_the_terminal(db_url, tmp_path):
    with connect(db_url) as conn:
        ingest(conn, Settings(database_url=db_url), tmp_path, [FIRST, SECOND])
    env = {"DATABASE_URL": db_url}
    assert add_user(db_url, "ann").returncode == 0
    short = add_user(db_url, "bea", password="short")
    assert_one_line_error(short, "at least 10 characters")
    assert "queued" in claimtrack("review", "refresh", env=env).stdout
    taken = claimtrack("review", "next", "--as", "ann", "--format", "json", env=env)
    assert taken.returncode == 0, taken.stderr
    item = json.loads(taken.stdout)
    assert item["status"] == "leased" and item["match_kind"] == "contradiction"
    decided = claimtrack("review", "decide", str(item["id"]), "confirm", "--as", "ann", env=env)
    assert decided.returncode == 0 and "confirm by ann" in decided.stdout
    again = claimtrack("review", "decide", str(item["id"]), "dismiss", "--as", "ann", env=env)
    assert_one_line_error(again, "already decided (confirm) by you")
    history = claimtrack("review", "history", "--as", "ann", "--format", "json", env=env)
    assert [e["action"] for e in json.loads(history.stdout)] == ["decide", "lease"]
    nobody = claimtrack("review", "next", env=env)
    assert_one_line_error(nobody, "--as NAME")
    token = claimtrack("users", "token", "ann", env=env)
    assert token.returncode == 0 and len(token.stdout.strip()) >= 40
    assert "shown once" in token.stderr
    listing = claimtrack("users", "list", env=env)
    assert "ann" in listing.stdout and "reviewer" in listing.stdout


def test_a_whole_family_is_decided_from_the_terminal(db_url, tmp_path):
    with connect(db_url) as conn:
        ingest(conn, Settings(database_url=db_url), tmp_path, [FIRST, SECOND])
    env = {"DATABASE_URL": db_url}
    assert add_user(db_url, "ann").returncode == 0
    claimtrack("review", "refresh", env=env)
    listed = claimtrack("review", "list", "--format", "jsonl", env=env).stdout.splitlines()
    items = [json.loads(line) for line in listed]
    repeat = next(i for i in items if i["match_kind"] == "repeat")
    in_family = [i["id"] for i in items if i["family_id"] == repeat["family_id"]]
    family = str(repeat["family_id"])
    verdict = ("verdict", "--rating", "false", "--family", "--as", "ann", "--format", "json")
    bulk = claimtrack("review", "decide-family", family, *verdict, env=env)
    assert bulk.returncode == 0, bulk.stderr
    assert json.loads(bulk.stdout) == {"decided": sorted(in_family), "held_by_others": []}
    assert repeat["id"] in in_family
    again = claimtrack("review", "decide-family", family, *verdict, env=env)
    assert_one_line_error(again, f"nothing waits for a decision in claim family {family}")


def test_an_account_is_disabled_and_enabled_from_the_terminal(db_url):
    env = {"DATABASE_URL": db_url}
    assert add_user(db_url, "ivy").returncode == 0
    assert claimtrack("users", "disable", "ivy", env=env).stdout.strip() == "disabled ivy"
    assert "yes" in claimtrack("users", "list", env=env).stdout
    assert claimtrack("users", "enable", "ivy", env=env).stdout.strip() == "enabled ivy"
    assert_one_line_error(claimtrack("users", "disable", "nobody", env=env), "no account named")
