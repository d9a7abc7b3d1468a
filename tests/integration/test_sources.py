"""Sources fetched over real HTTP from a local news site: politeness, safety, conditional GET,
retries, encodings, and every failure logged with its reason."""

from pathlib import Path

import pytest

from schemas.settings import Settings
from tasks.fetching.fetch import Fetcher
from tasks.ingest import ingest_source
from tasks.storage import store
from tests.newsserver import BAD, GOOD, news_site

pytestmark = pytest.mark.integration


class Sleeps(list):
    """A stand-in for time.sleep that records the delays asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def site_settings(db_url: str, port: int, tmp_path: Path, **overrides) -> Settings:
    values = dict(
        database_url=db_url,
        home=tmp_path / "home",
        allow_hosts=[f"127.0.0.1:{port}"],
        fetch_timeout_s=0.5,
        fetch_host_delay_s=0.0,
        fetch_backoff_s=0.01,
        fetch_max_bytes=100_000,
        fetch_retries=2,
    )
    values.update(overrides)
    return Settings(**values)


def add_source(conn, name, kind, url, *, every=60, max_articles=50):
    return store.add_source(
        conn, name=name, kind=kind, url=url, schedule_minutes=every, max_articles=max_articles
    )


def run_source(conn, settings, source, sleeps=None):
    with Fetcher(settings, sleep=sleeps if sleeps is not None else Sleeps()) as fetcher:
        return ingest_source(conn, fetcher, source, settings)


def test_feed_twice_ingests_each_good_article_once_and_logs_every_failure(conn, db_url, tmp_path):
    with news_site() as site:
        settings = site_settings(db_url, site.port, tmp_path)
        source = add_source(
            conn, "kestrel", "feed", f"{site.base}/feed.xml", every=60, max_articles=50
        )
        sleeps = Sleeps()
        first = run_source(conn, settings, source, sleeps)
        by_target = {o.target.removeprefix(site.base): o for o in first.outcomes}
        assert {p for p, o in by_target.items() if o.status == "ingested"} == set(GOOD)
        for path, words in BAD.items():
            outcome = by_target[path]
            assert outcome.status == "failed" and words in outcome.reason, (path, outcome)
        assert by_target["/down"].attempts == 3  # transient: retried twice
        assert by_target["/missing"].attempts == 1  # final: not retried
        assert by_target["/flaky"].attempts == 2 and 1.0 in sleeps  # Retry-After honoured
        assert site.hits.get("/internal") is None  # the private redirect was never followed
        claims_after_first = store.counts(conn)["claims"]

        second = run_source(conn, settings, source)
        statuses = {o.target.removeprefix(site.base): o.status for o in second.outcomes}
        assert {p for p, s in statuses.items() if s == "ingested"} == set()
        assert {p for p, s in statuses.items() if s == "unchanged"} == set(GOOD)
        assert store.counts(conn)["claims"] == claims_after_first
        for path in ("/news/reservoir", "/news/hosepipe", "/latin1"):
            first_request, second_request = site.requests_for(path)[:2]
            assert "If-None-Match" not in first_request
            assert second_request.get("If-None-Match", "").startswith('"')

        logged = store.source_fetches(conn, source.id, limit=100)
        reasons = {
            row["target"].removeprefix(site.base): row["reason"]
            for row in logged
            if row["outcome"] == "failed"
        }
        assert set(BAD) <= set(reasons)
        assert any(row["conditional"] and row["http_status"] == 304 for row in logged)
        # the failed articles wait for their retry (backoff), so the second run did not ask again
        waiting = {
            r["url"].removeprefix(site.base): r for r in store.source_retries(conn, source.id)
        }
        assert set(waiting) == set(BAD)
        assert all(r["attempts"] == 1 and r["next_attempt_at"] for r in waiting.values())
        assert not set(BAD) & set(statuses)
        checked = store.get_source(conn, "kestrel")
        assert checked.last_status == "ok" and checked.next_due_at is not None


def test_unchanged_feed_costs_one_conditional_request(conn, db_url, tmp_path):
    with news_site(feed_etag=True) as site:
        settings = site_settings(db_url, site.port, tmp_path)
        source = add_source(
            conn, "kestrel", "feed", f"{site.base}/feed.xml", every=60, max_articles=3
        )
        run_source(conn, settings, source)
        requests_before = len(site.requests)
        second = run_source(conn, settings, source)
        assert [o.status for o in second.outcomes] == ["unchanged"]
        assert "not modified" in second.outcomes[0].reason
        new_requests = [(p, h) for p, h in site.requests[requests_before:] if p != "/robots.txt"]
        assert [p for p, _ in new_requests] == ["/feed.xml"]
        assert new_requests[0][1].get("If-None-Match")


def test_sitemap_source(conn, db_url, tmp_path):
    with news_site() as site:
        settings = site_settings(db_url, site.port, tmp_path)
        source = add_source(
            conn, "map", "sitemap", f"{site.base}/sitemap.xml", every=60, max_articles=10
        )
        report = run_source(conn, settings, source)
        assert [o.status for o in report.outcomes] == ["ingested"] * 3


def test_mis_declared_encodings_are_read_correctly(conn, db_url, tmp_path):
    with news_site() as site:
        settings = site_settings(db_url, site.port, tmp_path)
        for path in ("/latin1", "/utf8-as-latin1"):
            source = add_source(conn, path, "url", f"{site.base}{path}", every=60, max_articles=1)
            assert run_source(conn, settings, source).outcomes[0].status == "ingested"
        texts = [c.text for c in store.list_claims(conn)]
        assert texts and all("Café" in t and "Ã" not in t for t in texts)


def test_loopback_is_refused_unless_allowed(conn, db_url, tmp_path):
    with news_site() as site:
        settings = site_settings(db_url, site.port, tmp_path, allow_hosts=[])
        source = add_source(conn, "k", "url", f"{site.base}/news/ban", every=60, max_articles=1)
        outcome = run_source(conn, settings, source).outcomes[0]
        assert outcome.status == "failed" and "refused" in outcome.reason
        assert site.requests == []  # not even robots.txt was asked for


def test_due_sources(conn, db_url, tmp_path):
    with news_site() as site:
        settings = site_settings(db_url, site.port, tmp_path)
        source = add_source(conn, "k", "url", f"{site.base}/news/ban", every=30, max_articles=1)
        claimed = store.claim_source(conn)  # the one due source
        assert claimed is not None and claimed.name == "k"
        store.release_source(conn, claimed.id)
        run_source(conn, settings, source)
        assert store.claim_source(conn) is None  # checked: not due for 30 minutes
