"""The JSON API as a client sees it: the real app under uvicorn on loopback, real PostgreSQL."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from schemas.settings import Settings
from tasks.review import accounts, queue
from tests.integration.test_review_queue import FIRST, PASSWORD, SECOND, ingest
from web.app import PUBLIC_PATHS, create_app

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(db_url, tmp_path):
    """The app on a loopback port, with two flags queued and three accounts; yields its URL."""
    settings = Settings(database_url=db_url, home=tmp_path / "home")
    app = create_app(settings, db_url)
    from tasks.storage.database import connect

    with connect(db_url) as conn:
        ingest(conn, settings, tmp_path, [FIRST, SECOND])
        queue.refresh_queue(conn, 1.0)
        tokens = {}
        for name, role in (("ann", "reviewer"), ("ben", "reviewer"), ("eve", "editor")):
            accounts.add_account(conn, name, role, PASSWORD)
            tokens[name] = accounts.new_token(conn, name)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tokens, db_url
    server.should_exit = True
    thread.join(timeout=10)


def client(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=30)


def test_only_health_and_the_openapi_document_answer_without_a_token(served):
    url, _, _ = served
    with client(url) as anonymous:
        assert anonymous.get("/healthz").status_code == 200
        document = anonymous.get("/openapi.json").json()
        refused = []
        for path, operations in document["paths"].items():
            if path in PUBLIC_PATHS:
                continue
            concrete = path.replace("{item_id}", "1").replace("{claim_id}", "1")
            concrete = concrete.replace("{family_id}", "1")
            for method in operations:
                for headers in ({}, {"Authorization": "Bearer not-a-token"}):
                    answer = anonymous.request(method, concrete, headers=headers, json={})
                    refused.append((method, path, answer))
        assert refused
        for method, path, answer in refused:
            if path.startswith("/api/"):
                assert answer.status_code == 401, (method, path, answer.status_code)
            else:  # a page: off to the sign-in form
                assert answer.status_code == 303, (method, path, answer.status_code)
                assert answer.headers["location"].startswith("/signin?next="), path
        assert "/api/queue/next" in document["paths"]
        assert anonymous.get("/docs").status_code == 404  # no unauthenticated pages
        assert {"/", "/items/{item_id}", "/history"} <= set(document["paths"])


def test_next_decide_and_a_double_click_answered_409(served):
    url, tokens, _ = served
    with client(url, tokens["ann"]) as ann, client(url, tokens["ben"]) as ben:
        taken = ann.post("/api/queue/next")
        assert taken.status_code == 200
        item = taken.json()
        assert item["status"] == "leased" and item["leased_by"] == "ann"
        assert item["lease_expires_at"] and item["match_kind"] == "contradiction"
        assert ben.post("/api/queue/next").json()["id"] != item["id"]
        decided = ann.post(f"/api/queue/{item['id']}/decision", json={"action": "confirm"})
        assert decided.status_code == 200 and decided.json()["status"] == "decided"
        again = ann.post(f"/api/queue/{item['id']}/decision", json={"action": "dismiss"})
        assert again.status_code == 409 and "already decided" in again.json()["error"]
        taken_by_ben = ben.post(f"/api/queue/{item['id']}/decision", json={"action": "confirm"})
        assert taken_by_ben.status_code == 409
        assert ann.post("/api/queue/next").status_code == 204  # ben holds the other one
        claim = ann.get(f"/api/claims/{item['claim']['id']}").json()
        assert "$540 million" in claim["paragraph"]
        assert ann.get("/api/flags", params={"kind": "contradiction"}).json()[0]["kind"] == (
            "contradiction"
        )
        assert [e["action"] for e in ann.get("/api/history").json()] == ["decide", "lease"]


def test_bad_input_is_422_a_reviewer_cannot_publish_and_sql_text_is_only_text(served):
    url, tokens, _ = served
    with client(url, tokens["ann"]) as ann:
        item = ann.post("/api/queue/next").json()
        path = f"/api/queue/{item['id']}/decision"
        assert ann.post(path, json={"action": "verdict", "rating": "wrong"}).status_code == 422
        assert ann.post(path, json={"action": "explode"}).status_code == 422
        published = ann.post(path, json={"action": "verdict", "rating": "false", "publish": True})
        assert published.status_code == 403 and "editors" in published.json()["error"]
        hostile = "'); DROP TABLE claims; -- \" OR 1=1"
        fine = ann.post(path, json={"action": "verdict", "rating": "false", "note": hostile})
        assert fine.status_code == 200
        assert ann.get("/api/history").json()[0]["after"]["note"] == hostile
        assert ann.get("/api/claims/999999").status_code == 404
        assert ann.get("/api/claims/1").status_code == 200  # the claims table is still there


def test_many_reviewers_over_http_get_disjoint_items(served):
    url, tokens, db_url = served
    from tasks.storage.database import connect

    with connect(db_url) as conn:
        queue.refresh_queue(conn, 0.0)  # every claim: check items as well as the two matches
        count = conn.execute("SELECT count(*) AS n FROM review_items").fetchone()["n"]
        total = int(count)
        conn.commit()
        names = [f"r{n}" for n in range(6)]
        for name in names:
            accounts.add_account(conn, name, "reviewer", PASSWORD)
            tokens[name] = accounts.new_token(conn, name)

    def work(name):
        taken = []
        with client(url, tokens[name]) as me:
            while (answer := me.post("/api/queue/next")).status_code == 200:
                item = answer.json()
                taken.append(item["id"])
                decision = {"action": "verdict", "rating": "unverifiable"}
                if item["kind"] == "match":
                    decision = {"action": "confirm"}
                assert (
                    me.post(f"/api/queue/{item['id']}/decision", json=decision).status_code == 200
                )
        return taken

    with ThreadPoolExecutor(len(names)) as pool:
        handed = [i for taken in pool.map(work, names) for i in taken]
    assert len(handed) == len(set(handed)) == total


def test_bench_review_hands_every_item_out_once_and_loses_none(db_url):
    from tests.integration.test_cli import claimtrack
    from tests.integration.test_retrieval import figures

    result = claimtrack(
        "bench", "review", "--items", "60", "--reviewers", "3",
        env={"DATABASE_URL": db_url}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = figures(result.stdout.strip().splitlines()[-1])
    assert list(found) == [
        "items", "reviewers", "next_p50_ms", "next_p95_ms", "decide_p95_ms", "decisions_per_s",
        "handed_twice", "lost",
    ]  # fmt: skip
    assert (found["items"], found["handed_twice"], found["lost"]) == (60, 0, 0)
    assert found["decisions_per_s"] > 0


def test_an_editor_manages_accounts_and_tokens_through_the_api(served):
    url, tokens, _ = served
    with client(url, tokens["eve"]) as eve, client(url, tokens["ann"]) as ann:
        assert ann.get("/api/accounts").status_code == 403
        new = {"name": "fay", "role": "reviewer", "password": PASSWORD}
        assert ann.post("/api/accounts", json=new).status_code == 403
        added = eve.post("/api/accounts", json=new)
        assert added.status_code == 201 and added.json()["role"] == "reviewer"
        assert eve.post("/api/accounts", json=new).status_code == 422  # the name is taken
        short = {**new, "name": "gus", "password": "short"}
        assert eve.post("/api/accounts", json=short).status_code == 422
        token = eve.post("/api/accounts/fay/tokens").json()["token"]
        listed = {a["name"]: a for a in eve.get("/api/accounts").json()}
        assert listed["fay"]["tokens"] == 1 and not listed["fay"]["disabled"]
        with client(url, token) as fay:
            assert fay.get("/api/history").status_code == 200
            assert eve.post("/api/accounts/fay/disable").json()["disabled"]
            assert fay.get("/api/history").status_code == 401  # at once
            assert not eve.post("/api/accounts/fay/enable").json()["disabled"]
            assert fay.get("/api/history").status_code == 200
            assert eve.delete("/api/accounts/fay/tokens").json() == {"revoked": 1}
            assert fay.get("/api/history").status_code == 401
        assert eve.post("/api/accounts/eve/disable").status_code == 422  # not oneself
        assert eve.post("/api/accounts/nobody/disable").status_code == 404
        actions = [e["action"] for e in eve.get("/api/history").json()]
        assert actions == [
            "revoke tokens",
            "enable account",
            "disable account",
            "new token",
            "add account",
        ]
