"""The reviewers' queue on a real PostgreSQL: leases, decisions, conflicts, undo, audit log."""

import threading
import time

import pytest

from tasks.errors import (
    AuthenticationFailed,
    DatabaseError,
    InputError,
    NotAllowed,
    QueueConflict,
)
from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tasks.review import accounts, queue
from tasks.review.queue import Decision
from tasks.storage.database import connect, wrap_exceptions

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"

FIRST = """The Harlow ferry carried 1.2 million passengers last year, the port authority said.

The Kestrel bridge will cost $450 million to build, the county council said on Monday.
"""
SECOND = """\
The Harlow ferry carried about 1.2 million passengers in total last year, its operator said.

The Kestrel bridge will cost $540 million to build, the county council said on Monday.
"""


def ingest(conn, settings, tmp_path, texts):
    """Ingest these texts; the run queues its flags (check items are left to each test)."""
    settings = settings.model_copy(update={"review_check_threshold": 1.0})
    targets = []
    for n, text in enumerate(texts):
        path = tmp_path / f"article-{len(list(tmp_path.iterdir()))}-{n}.txt"
        path.write_text(text, encoding="utf-8")
        targets.append(str(path))
    return ingest_targets(
        conn, targets, settings=settings, fetch=lambda t, _v: fetch_document(t, settings)
    )


@pytest.fixture
def flagged(conn, settings, tmp_path):
    ingest(conn, settings, tmp_path, [FIRST, SECOND])
    return conn


@pytest.fixture
def alice(conn):
    return accounts.add_account(conn, "alice", "reviewer", PASSWORD)


@pytest.fixture
def bob(conn):
    return accounts.add_account(conn, "bob", "reviewer", PASSWORD)


@pytest.fixture
def erin(conn):
    return accounts.add_account(conn, "erin", "editor", PASSWORD)


def test_open_flags_become_items_contradictions_first_with_their_reasons(flagged):
    assert queue.refresh_queue(flagged, 1.0) == 0  # the ingestion run queued its two flags
    items = queue.list_items(flagged)
    assert [i.match_kind for i in items] == ["contradiction", "repeat"]
    top = items[0]
    assert "contradicts an earlier claim" in top.reasons
    assert top.matched is not None and "$450 million" in top.matched.text
    assert "$540 million" in top.claim.text
    assert top.differences  # the flag's differing parts travel with the item


def test_next_leases_one_item_per_reviewer_and_gives_the_same_again(flagged, alice, bob):
    queue.refresh_queue(flagged, 1.0)
    first = queue.next_item(flagged, alice, 600)
    again = queue.next_item(flagged, alice, 600)  # a double click
    other = queue.next_item(flagged, bob, 600)
    assert first is not None and again is not None and other is not None
    assert first.id == again.id != other.id
    assert first.leased_by == "alice" and other.leased_by == "bob"
    assert (
        queue.next_item(flagged, accounts.add_account(flagged, "carol", "reviewer", PASSWORD), 600)
        is None
    )


def test_a_second_decision_on_an_item_changes_nothing_and_says_why(flagged, alice):
    queue.refresh_queue(flagged, 1.0)
    item = queue.next_item(flagged, alice, 600)
    decided = queue.decide(flagged, alice, item.id, Decision("confirm", note="same claim"))
    assert decided.status == "decided" and decided.decision == "confirm"
    with pytest.raises(QueueConflict, match=r"already decided .*by you"):
        queue.decide(flagged, alice, item.id, Decision("dismiss"))
    assert queue.view_item(flagged, item.id).decision == "confirm"
    status = flagged.execute("SELECT status FROM matches WHERE id = %s", (item.match_id,))
    assert status.fetchone()["status"] == "confirmed"


def test_an_expired_lease_returns_the_item_and_a_late_decision_is_refused(flagged, alice, bob):
    queue.refresh_queue(flagged, 1.0)
    item = queue.next_item(flagged, alice, 10)
    flagged.execute(
        "UPDATE review_items SET lease_expires_at = now() - interval '1 second' WHERE id = %s",
        (item.id,),
    )
    flagged.commit()
    with pytest.raises(QueueConflict, match=r"lease on item .* expired"):
        queue.decide(flagged, alice, item.id, Decision("confirm"))
    taken = queue.next_item(flagged, bob, 600)
    assert taken.id == item.id and taken.leased_by == "bob"
    with pytest.raises(QueueConflict, match=r"not leased to you .*bob holds it"):
        queue.decide(flagged, alice, item.id, Decision("confirm"))


def test_a_skipped_item_is_not_offered_to_the_same_reviewer_again(flagged, alice, bob):
    queue.refresh_queue(flagged, 1.0)
    top = queue.next_item(flagged, alice, 600)
    with pytest.raises(InputError, match="say why"):
        queue.skip(flagged, alice, top.id, " ")
    queue.skip(flagged, alice, top.id, "needs a specialist")
    assert queue.next_item(flagged, alice, 600).id != top.id
    assert queue.next_item(flagged, bob, 600).id == top.id
    entry = queue.history(flagged, alice)[1]
    assert entry.action == "skip" and entry.after == {"reason": "needs a specialist"}


def test_a_dismissed_repeat_leaves_its_family_and_undo_puts_it_back(flagged, alice, bob):
    queue.refresh_queue(flagged, 1.0)
    queue.next_item(flagged, alice, 600)  # the contradiction
    repeat = queue.next_item(flagged, bob, 600)
    assert repeat.match_kind == "repeat" and repeat.family_id is not None
    dismissed = queue.decide(flagged, bob, repeat.id, Decision("dismiss", note="other route"))
    assert dismissed.family_id is None
    with pytest.raises(NotAllowed):
        queue.reopen(flagged, alice, repeat.id)  # neither the decider nor an editor
    reopened = queue.reopen(flagged, bob, repeat.id, "clicked the wrong key")
    assert reopened.status == "waiting" and reopened.family_id is not None
    status = flagged.execute("SELECT status FROM matches WHERE id = %s", (repeat.match_id,))
    assert status.fetchone()["status"] == "open"
    actions = [e.action for e in queue.history(flagged, item_id=repeat.id)]
    assert actions == ["reopen", "decide", "lease"]


def test_a_family_verdict_covers_its_repeats_and_only_editors_publish(flagged, alice, erin):
    queue.refresh_queue(flagged, 1.0)
    queue.next_item(flagged, alice, 600)
    queue.release(flagged, alice, queue.list_items(flagged)[0].id)
    repeat = next(i for i in queue.list_items(flagged) if i.match_kind == "repeat")
    flagged.execute("UPDATE review_items SET priority = 1e6 WHERE id = %s", (repeat.id,))
    flagged.commit()
    held = queue.next_item(flagged, alice, 600)
    assert held.id == repeat.id
    with pytest.raises(NotAllowed, match="only editors publish"):
        queue.decide(flagged, alice, held.id, Decision("verdict", "false", publish=True))
    with pytest.raises(InputError, match="rating 'wrong'"):
        queue.decide(flagged, alice, held.id, Decision("verdict", "wrong"))
    queue.decide(
        flagged,
        alice,
        held.id,
        Decision("verdict", "false", "ferry figures were 0.8m", ("https://example.org/x",), True),
    )
    verdict = flagged.execute("SELECT family_id, rating, evidence FROM verdicts").fetchone()
    assert verdict["family_id"] == held.family_id and verdict["rating"] == "false"
    # a claim in a family that has a verdict is never queued for triage
    assert queue.refresh_queue(flagged, 0.0) > 0
    triage = [i for i in queue.list_items(flagged, limit=100) if i.kind == "check"]
    assert all(i.family_id != held.family_id for i in triage)


def test_the_audit_log_cannot_be_changed(flagged, alice):
    queue.refresh_queue(flagged, 1.0)
    queue.next_item(flagged, alice, 600)
    for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), wrap_exceptions():
            flagged.execute(statement)
        flagged.rollback()
    assert [entry.action for entry in queue.history(flagged)] == ["lease", "add account"]


def test_accounts_sign_in_and_tokens(conn, alice):
    assert accounts.sign_in(conn, "alice", PASSWORD).name == "alice"
    for name, password in (("alice", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationFailed, match="wrong name or password"):
            accounts.sign_in(conn, name, password)
    with pytest.raises(InputError, match="exists already"):
        accounts.add_account(conn, "alice", "editor", PASSWORD)
    with pytest.raises(InputError, match="at least 10"):
        accounts.add_account(conn, "dave", "reviewer", "short")
    stored = conn.execute("SELECT password_hash FROM accounts").fetchone()["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    token = accounts.new_token(conn, "alice")
    assert accounts.account_for_token(conn, token).name == "alice"
    assert token not in str(conn.execute("SELECT * FROM api_tokens").fetchall())
    assert accounts.revoke_tokens(conn, "alice") == 1
    with pytest.raises(AuthenticationFailed):
        accounts.account_for_token(conn, token)


def test_many_reviewers_at_once_each_item_is_handed_out_and_decided_once(
    conn, settings, tmp_path, db_url
):
    texts = [
        f"The Lowmoor depot number {n} stores {100 + n} tonnes of grit, the council said.\n\n"
        f"Bus route {n} carried {2000 + n} passengers in March, the operator said.\n"
        for n in range(20)
    ]
    ingest(conn, settings, tmp_path, texts)
    queue.refresh_queue(conn, 0.0)  # check items for every claim, beside the run's flags
    total = conn.execute("SELECT count(*) AS n FROM review_items").fetchone()["n"]
    conn.commit()
    assert total >= 30
    reviewers = [accounts.add_account(conn, f"r{n}", "reviewer", PASSWORD) for n in range(8)]
    handed: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(reviewer):
        try:
            with connect(db_url) as own:
                while (item := queue.next_item(own, reviewer, 600)) is not None:
                    with lock:
                        handed.append((reviewer.name, item.id))
                    queue.decide(own, reviewer, item.id, Decision("verdict", "unverifiable"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(r,)) for r in reviewers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert time.monotonic() - started < 120
    ids = [item_id for _, item_id in handed]
    assert len(ids) == len(set(ids)) == total  # none handed twice, none lost
    decided = conn.execute("SELECT count(*) AS n FROM review_items WHERE status = 'decided'")
    assert decided.fetchone()["n"] == total


def test_thresholds_learned_from_decisions_are_stored_and_used(flagged, alice, monkeypatch):
    from schemas.settings import Settings
    from tasks.review import tuning

    monkeypatch.setattr(tuning, "MIN_DECISIONS", 2)  # two decisions stand for many here
    queue.refresh_queue(flagged, 1.0)
    for decision in ("confirm", "dismiss"):
        item = queue.next_item(flagged, alice, 600)
        queue.decide(flagged, alice, item.id, Decision(decision))
    learned = tuning.tune(flagged, 0.95)
    assert learned.decided == {"contradiction": 1, "repeat": 1}
    assert learned.suggest is not None and learned.auto_confirm is None  # the repeat was wrong
    assert tuning.apply(flagged, learned) == [("match_suggest_threshold", learned.suggest)]
    url = flagged.info.dsn
    assert tuning.with_stored(flagged, Settings(database_url=url)).match_suggest_threshold == (
        pytest.approx(learned.suggest)
    )
    explicit = Settings(database_url=url, match_suggest_threshold=0.5)
    assert tuning.with_stored(flagged, explicit).match_suggest_threshold == 0.5


def test_a_bulk_decision_covers_the_family_but_not_what_another_reviewer_holds(flagged, alice, bob):
    queue.refresh_queue(flagged, 0.0)  # a check item for the family, beside its repeat
    repeat = next(i for i in queue.list_items(flagged) if i.match_kind == "repeat")
    family = repeat.family_id
    in_family = [i for i in queue.list_items(flagged) if i.family_id == family]
    assert len(in_family) == 2
    flagged.execute("UPDATE review_items SET priority = 1e6 WHERE id = %s", (repeat.id,))
    flagged.commit()
    assert queue.next_item(flagged, bob, 600).id == repeat.id
    verdict = Decision("verdict", "false", "the ferry figures were 0.8m")
    decided, others = queue.decide_family(flagged, alice, family, verdict)
    assert decided == [i.id for i in in_family if i.id != repeat.id] and others == [repeat.id]
    assert [e.action for e in queue.history(flagged, alice)] == ["decide family"]
    # only bob's item is left: nothing to decide, and it says whose it is
    assert queue.decide_family(flagged, alice, family, Decision("confirm")) == ([], [repeat.id])


def test_confirming_a_whole_family_leaves_its_check_items_waiting(flagged, alice):
    queue.refresh_queue(flagged, 0.0)  # a check item for the family, beside its repeat
    repeat = next(i for i in queue.list_items(flagged) if i.match_kind == "repeat")
    check = next(
        i
        for i in queue.list_items(flagged)
        if i.family_id == repeat.family_id and i.kind == "check"
    )
    decided, held = queue.decide_family(flagged, alice, repeat.family_id, Decision("confirm"))
    assert decided == [repeat.id] and held == []
    assert queue.view_item(flagged, repeat.id).decision == "confirm"
    assert queue.view_item(flagged, check.id).status == "waiting"
