"""The story claimtrack was sketched from, read from ../shared at run time (never copied here)."""

import pytest

from tasks.fetching.fetch import fetch_document
from tasks.ingest import ingest_targets
from tasks.storage import store
from tests.conftest import SHARED

pytestmark = pytest.mark.integration
SEED = SHARED / "seed" / "000_23ed38cb849fc279.txt"


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside this clone")
def test_seed_article_yields_the_bombers_claim_said_by_putin(conn, settings):
    report = ingest_targets(
        conn,
        [str(SEED)],
        settings=settings,
        fetch=lambda t, _validators: fetch_document(t, settings),
    )
    assert report.outcomes[0].status == "ingested"
    claims = store.list_claims(conn)
    bombers = [c for c in claims if "strategic bombers" in c.text]
    assert len(bombers) == 1
    claim = bombers[0]
    assert claim.speaker is not None and "Putin" in claim.speaker
    lengths = [q for q in claim.quantities if q.kind == "length"]
    assert [(q.value, q.unit, q.surface) for q in lengths] == [(20000.0, "m", "20 km")]
    speakers = {c.speaker for c in claims}
    assert {"Vladimir Putin", "Sergey Lavrov"} <= speakers
