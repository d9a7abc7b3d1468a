"""Alerts sent to local receivers: an HTTP server on loopback for the webhook, aiosmtpd for
email. One alert for a repeated false claim, none for the next repeat inside the period, a failed
delivery retried and nothing sent twice, contradictions of watched speakers, the daily digest."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tasks.alerts import alerts
from tasks.review import accounts, queue
from tests.integration.test_reporting import THIRD
from tests.integration.test_review_api import free_port
from tests.integration.test_review_queue import FIRST, PASSWORD, SECOND, ingest

pytestmark = pytest.mark.integration

FOURTH = """Last year the Harlow ferry carried 1.2 million passengers, Senator Ames claimed.
"""
BRIDGE_AGAIN = """The Kestrel bridge will cost $610 million to build, the county council said.
"""


class Receiver:
    """A webhook receiver on loopback: it records each JSON body; the first `fail` requests get
    a 500."""

    def __init__(self, fail: int = 0):
        self.bodies: list[dict] = []
        self.attempts = 0
        self.fail = fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.attempts += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.attempts <= receiver.fail:
                    self.send_response(500)
                else:
                    receiver.bodies.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}?from=desk@example.org&to=editors@example.org", received
    controller.stop()


def rated_family(conn, settings, tmp_path):
    ingest(conn, settings, tmp_path, [FIRST, SECOND])
    queue.refresh_queue(conn, 1.0)
    editor = accounts.add_account(conn, "rae", "editor", PASSWORD)
    repeat = next(i for i in queue.list_items(conn) if i.match_kind == "repeat")
    verdict = queue.Decision("verdict", "false", whole_family=True)
    queue.decide_family(conn, editor, repeat.family_id, verdict)
    return repeat.family_id


def test_a_repeated_false_claim_alerts_once_by_webhook_and_email(conn, settings, tmp_path, mailbox):
    smtp_url, received = mailbox
    hook = Receiver()
    settings = settings.model_copy(update={"alert_channels": f"{hook.url},{smtp_url}"})
    try:
        family = rated_family(conn, settings, tmp_path)
        ingest(conn, settings, tmp_path, [THIRD])
        done = alerts.deliver(conn, settings)
        assert (done.sent, done.failed) == (2, [])
        (body,) = hook.bodies
        assert body["kind"] == "rated-repeat" and body["verdict"] == "false"
        assert body["speaker"] == "Councillor Reyes" and body["family_id"] == family
        assert "Harlow ferry" in body["claim"] and body["item_id"]
        assert f"/items/{body['item_id']}" in body["text"]
        (mail,) = received
        assert mail["Subject"] == "claimtrack: a claim rated false was said again"
        assert "Councillor Reyes" in mail.get_payload()
        ingest(conn, settings, tmp_path, [FOURTH])  # the same family, inside the period
        assert alerts.deliver(conn, settings).sent == 0
        assert len(hook.bodies) == 1 and len(received) == 1
        statuses = {(r["channel"], r["status"]) for r in alerts.recent(conn)}
        assert statuses == {(hook.url, "sent"), (smtp_url, "sent")}
    finally:
        hook.close()


def test_a_failed_delivery_is_retried_and_never_sent_twice(conn, settings, tmp_path):
    hook = Receiver(fail=1)
    settings = settings.model_copy(update={"alert_channels": hook.url})
    try:
        rated_family(conn, settings, tmp_path)
        ingest(conn, settings, tmp_path, [THIRD])
        first = alerts.deliver(conn, settings)
        assert first.sent == 0 and "500" in first.failed[0]
        (row,) = alerts.recent(conn)
        assert row["status"] == "failed" and row["attempts"] == 1 and "500" in row["last_error"]
        assert alerts.deliver(conn, settings).sent == 1
        assert alerts.deliver(conn, settings).sent == 0
        assert hook.attempts == 2 and len(hook.bodies) == 1
    finally:
        hook.close()


def test_contradictions_alert_only_for_watched_speakers(conn, settings, tmp_path):
    hook = Receiver()
    settings = settings.model_copy(update={"alert_channels": hook.url})
    try:
        ingest(conn, settings, tmp_path, [FIRST, SECOND])  # a contradiction nobody watches
        assert alerts.deliver(conn, settings).sent == 0
        assert alerts.watch(conn, "speaker", "County council") is True
        assert alerts.watch(conn, "speaker", "County council") is False
        ingest(conn, settings, tmp_path, [BRIDGE_AGAIN])
        assert alerts.deliver(conn, settings).sent == 1
        assert hook.bodies[0]["kind"] == "contradiction"
        assert [w["value"] for w in alerts.watches(conn)] == ["County council"]
        assert alerts.unwatch(conn, "speaker", "County council") is True
    finally:
        hook.close()


def test_the_digest_is_made_once_a_day(conn, settings, tmp_path):
    hook = Receiver()
    settings = settings.model_copy(update={"alert_channels": hook.url})
    try:
        rated_family(conn, settings, tmp_path)
        ingest(conn, settings, tmp_path, [THIRD])
        assert alerts.queue_digest(conn, settings) is not None
        assert alerts.queue_digest(conn, settings) is None
        assert alerts.deliver(conn, settings).sent == 2  # the alert and the digest
        digest = next(b for b in hook.bodies if b["kind"] == "digest")
        assert digest["claims"] >= 5 and len(digest["alerts"]) == 1
        assert digest["title"].startswith("claimtrack digest for ")
    finally:
        hook.close()


def test_the_alerts_command_watches_and_sends(db_url):
    from tests.integration.test_cli import assert_one_line_error, claimtrack

    env = {"DATABASE_URL": db_url}
    watched = claimtrack("alerts", "watch", "source", "Coastal Times", env=env)
    assert watched.stdout.strip() == "watching source Coastal Times"
    assert "Coastal Times" in claimtrack("alerts", "list", env=env).stdout
    assert claimtrack("alerts", "send", env=env).stdout.strip() == "sent 0 alert(s)"
    digest = claimtrack("alerts", "digest", env=env)
    assert digest.returncode == 0 and "queued today's digest" in digest.stdout
    assert "digest" in claimtrack("alerts", "recent", env=env).stdout
    wrong = claimtrack("alerts", "send", env={**env, "CLAIMTRACK_ALERT_CHANNELS": "nowhere"})
    assert_one_line_error(wrong, "is not a URL")
