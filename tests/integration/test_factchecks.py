"""Fact-checks imported as claims with verdicts, repeats of them queued first, and our published
verdicts exported as ClaimReview that our own importer reads back."""

import csv
import io
import json
from pathlib import Path

import pytest

from schemas.review import RATINGS
from tasks.review import accounts, factchecks, queue
from tasks.review.claimreview import read_fact_checks
from tasks.review.queue import Decision
from tests.conftest import FIXTURES
from tests.integration.test_review_queue import PASSWORD, ingest

pytestmark = pytest.mark.integration
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "claimreview_fixtures"


def test_a_repeat_of_a_claim_rated_false_is_queued_first_with_the_fact_check(
    conn, settings, tmp_path
):
    first = factchecks.import_paths(conn, [FIXTURES / "claimreview"], settings)
    assert (first.imported, first.unchanged, first.skipped) == (3, 0, [])
    again = factchecks.import_paths(conn, [FIXTURES / "claimreview"], settings)
    assert (again.imported, again.unchanged) == (0, 3)  # a rerun changes nothing
    kinds = conn.execute("SELECT DISTINCT claim_type FROM claims").fetchall()
    assert [row["claim_type"] for row in kinds] == ["factcheck"]
    ingest(
        conn,
        settings,
        tmp_path,
        [
            "Last year the Harlow ferry carried 1.2 million passengers, Dana Whitfield said.\n\n"
            "The Kestrel bridge will cost $450 million to build, the county council said.\n"
        ],
    )
    queue.refresh_queue(conn, 1.0)
    top = queue.list_items(conn)[0]
    assert top.match_kind == "repeat"
    assert "repeats a claim rated false" in top.reasons
    assert top.matched is not None and top.matched.url == "https://checks.example.org/harlow-ferry"
    stored = conn.execute(
        "SELECT original_rating, rating FROM fact_checks WHERE url LIKE '%%harlow-ferry'"
    ).fetchone()
    assert stored == {"original_rating": "Falso", "rating": "false"}


def test_a_published_verdict_exports_as_claimreview_and_reads_back(conn, settings, tmp_path):
    ingest(
        conn,
        settings,
        tmp_path,
        ["The Tarrow wind farm kills 5,000 birds a year, campaigners said.\n"],
    )
    queue.refresh_queue(conn, 0.0)
    editor = accounts.add_account(conn, "erin", "editor", PASSWORD)
    item = queue.next_item(conn, editor, 600)
    queue.decide(
        conn,
        editor,
        item.id,
        Decision(
            "verdict", "mostly_false", "counts are 400", ("https://example.org/b",), False, True
        ),
    )
    records = factchecks.published_reviews(conn, settings)
    assert len(records) == 1
    record = records[0]
    assert record["@type"] == "ClaimReview" and record["author"]["name"] == "claimtrack"
    assert record["url"].endswith(f"/items/{item.id}")
    assert record["itemReviewed"]["author"]["name"] == "Campaigners"
    (back,) = read_fact_checks(json.loads(json.dumps(records)))
    assert back.rating == "mostly_false" and "5,000 birds" in back.claim_reviewed
    rows = list(csv.DictReader(io.StringIO(factchecks.reviews_csv(records))))
    assert rows[0]["rating"] == "mostly_false" and rows[0]["review_url"] == record["url"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data/claimreview_fixtures")
def test_every_shared_claimreview_fixture_imports_with_its_rating_mapped(conn, settings):
    result = factchecks.import_paths(conn, [SHARED], settings)
    assert result.skipped == [] and result.imported == 18
    rows = conn.execute("SELECT rating, mapped_from, original_rating FROM fact_checks").fetchall()
    assert all(row["rating"] in RATINGS for row in rows)
    unmapped = [row["original_rating"] for row in rows if row["mapped_from"] == "nothing"]
    assert len(unmapped) <= 1, unmapped  # a sentence in place of a rating keeps its words only
