"""The pipeline on a real PostgreSQL: our own articles in, the expected flags out; reruns add
nothing; failures are logged and do not stop the run."""

from pathlib import Path

import pytest

from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tasks.storage import store
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration
ARTICLES = sorted(str(p) for p in (FIXTURES / "articles").iterdir())


def run(conn, settings, targets):
    return ingest_targets(
        conn, targets, settings=settings, fetch=lambda t, _validators: fetch_document(t, settings)
    )


def flags_by_kind(conn):
    found: dict[str, list[tuple[str, str, str]]] = {"repeat": [], "contradiction": [], "update": []}
    for flag in store.list_flags(conn):
        found[flag.kind].append((flag.claim_text, flag.matched_claim_text, flag.reason))
    return found


def has_flag(flags, new_words, old_words, reason_words=""):
    return any(
        new_words in new and old_words in old and reason_words in reason
        for new, old, reason in flags
    )


def test_fixture_articles_give_the_expected_flags(conn, settings):
    report = run(conn, settings, ARTICLES)
    assert [o.status for o in report.outcomes] == ["ingested"] * 4
    flags = flags_by_kind(conn)
    contradictions, repeats = flags["contradiction"], flags["repeat"]
    assert has_flag(
        contradictions,
        "420,000 households",
        "240,000 households",
        "number differs: 420,000 households vs 240,000 households",
    )
    assert has_flag(contradictions, "completed in 1976", "completed in 1967", "year differs")
    assert has_flag(
        contradictions, "have not cut", "cut their use by 9 percent", "polarity differs"
    )
    assert has_flag(repeats, "38 percent", "38%", "38 percent = 38%")
    assert has_flag(repeats, "41 millimetres, according to", "41 millimetres, less than")
    every = contradictions + repeats
    assert not has_flag(every, "tunnel", ""), "the tunnel is another subject"
    assert not has_flag(every, "", "tunnel")


def test_rerun_adds_nothing(conn, settings):
    run(conn, settings, ARTICLES)
    before = store.counts(conn)
    report = run(conn, settings, ARTICLES)
    assert [o.status for o in report.outcomes] == ["unchanged"] * 4
    assert store.counts(conn) == before


def test_failures_are_logged_and_the_rest_is_kept(conn, settings, tmp_path: Path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home | News</nav></body></html>")
    targets = [ARTICLES[0], str(tmp_path / "missing.html"), str(empty), ARTICLES[1]]
    report = run(conn, settings, targets)
    assert [o.status for o in report.outcomes] == ["ingested", "failed", "failed", "ingested"]
    assert "no such file" in report.outcomes[1].reason
    assert "no article text" in report.outcomes[2].reason
    failures = store.run_failures(conn, report.run_id)
    assert [f["target"] for f in failures] == targets[1:3]
    assert store.counts(conn)["articles"] == 2


def test_changed_text_adds_only_its_new_claims(conn, settings, tmp_path: Path):
    page = tmp_path / "story.html"
    original = (FIXTURES / "articles" / "03-valley-post-correction.html").read_text()
    page.write_text(original)
    run(conn, settings, [str(page)])
    claims_before = store.counts(conn)["claims"]
    page.write_text(
        original.replace(
            '</div>\n  <div class="share-tools">',
            "<p>The company will fine customers who break the ban up to £1,000, it said.</p>"
            '</div>\n  <div class="share-tools">',
        )
    )
    report = run(conn, settings, [str(page)])
    assert report.outcomes[0].status == "ingested"
    assert report.outcomes[0].claims_added == 1
    assert store.counts(conn)["claims"] == claims_before + 1


def test_speakers_are_one_name_across_articles(conn, settings, tmp_path: Path):
    early = tmp_path / "early.txt"
    early.write_text("“Inflation will fall to 3% by June,” Petrova told reporters on Monday.\n")
    later = tmp_path / "later.txt"
    later.write_text(
        "Finance Minister Anna Petrova presented the budget on Tuesday.\n"
        "“Inflation will fall to 2% by June,” Petrova said.\n"
    )
    run(conn, settings, [str(early), str(later)])
    speakers = {c.speaker for c in store.list_claims(conn) if "Inflation" in c.text}
    assert speakers == {"Anna Petrova"}
    third = tmp_path / "third.txt"
    third.write_text("“Wages will rise by 5% next year,” Petrova said at the summit in Oslo.\n")
    run(conn, settings, [str(third)])
    assert {c.speaker for c in store.list_claims(conn) if "Wages" in c.text} == {"Anna Petrova"}


def test_repeats_form_families_and_exact_repeats_are_auto_confirmed(conn, settings):
    run(conn, settings, ARTICLES)
    families = store.list_families(conn)
    rainfall = [f for f in families if "Rainfall in June" in f.canonical_text]
    assert len(rainfall) == 1 and rainfall[0].claim_count == 2
    assert rainfall[0].speakers == ("Met Office",)
    levels = next(f for f in families if "fallen to 38%" in f.canonical_text)
    assert levels.claim_count == 2  # 38% and "38 percent"
    assert levels.contradictions >= 1  # the 31% a week later
    # contradicting sentences never share a family, not even through a partial repeat of both
    rows = conn.execute("SELECT family_id FROM claims WHERE text LIKE 'The dam at%%'").fetchall()
    assert len(rows) == 2
    assert rows[0]["family_id"] is None or rows[0]["family_id"] != rows[1]["family_id"]
    assert all(f.status == "open" for f in store.list_flags(conn) if f.kind == "contradiction")


def test_identical_repeat_is_confirmed_without_a_reviewer(conn, settings, tmp_path: Path):
    sentence = "The county spent $4.2 million on road repairs in 2023, the auditor said.\n"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(sentence + f"Filed as {name} by the wire desk today.\n")
    run(conn, settings, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    flags = store.list_flags(conn)
    assert [(f.kind, f.status) for f in flags] == [("repeat", "confirmed")]
    reviews = conn.execute("SELECT reviewer, decision FROM reviews").fetchall()
    assert reviews == [{"reviewer": "claimtrack", "decision": "confirmed"}]


def test_claims_far_apart_in_time_are_not_matched(conn, settings, tmp_path: Path):
    from datetime import UTC, datetime

    from tasks.fetching.fetch import fetch_document as fetch

    old = tmp_path / "old.txt"
    old.write_text("The county spent $4.2 million on road repairs, the auditor said.\n")
    new = tmp_path / "new.txt"
    new.write_text("The county spent $9.9 million on road repairs, the auditor said.\n")
    for path, year in ((old, 2015), (new, 2024)):
        ingest_targets(
            conn,
            [str(path)],
            settings=settings,
            fetch=lambda t, _v: fetch(t, settings),
            published=datetime(year, 1, 1, tzinfo=UTC),
        )
    assert store.list_flags(conn) == []


def test_rematch_is_idempotent_and_keeps_reviewed_matches(conn, settings):
    from tasks.ingest import rematch

    run(conn, settings, ARTICLES)

    def snapshot():
        flags = sorted(
            (f.claim_id, f.matched_claim_id, f.kind, f.status) for f in store.list_flags(conn)
        )
        families = sorted((f.claim_count, f.canonical_claim_id) for f in store.list_families(conn))
        return flags, families

    before = snapshot()
    dismissed = next(f for f in store.list_flags(conn) if f.kind == "contradiction")
    conn.execute("UPDATE matches SET status = 'dismissed' WHERE id = %s", (dismissed.id,))
    conn.commit()
    count, _ = rematch(conn, settings)
    assert count == store.counts(conn)["claims"]
    after = snapshot()
    assert after[1] == before[1]
    expected = [
        (c, m, k, "dismissed" if (c, m) == (dismissed.claim_id, dismissed.matched_claim_id) else s)
        for c, m, k, s in before[0]
    ]
    assert after[0] == expected
    rematch(conn, settings)
    assert snapshot() == after


def test_a_dismissed_repeat_does_not_hold_a_family_together(conn, settings):
    from tasks.ingest import rematch

    run(conn, settings, ARTICLES)
    rainfall = next(f for f in store.list_flags(conn) if "Rainfall" in f.claim_text)
    conn.execute("UPDATE matches SET status = 'dismissed' WHERE id = %s", (rainfall.id,))
    conn.commit()
    rematch(conn, settings)
    assert not [f for f in store.list_families(conn) if "Rainfall" in f.canonical_text]
