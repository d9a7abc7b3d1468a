"""Sources shared by runs at once under row locks, a failing source backing off, the fetch
log pruned: on a real PostgreSQL and real HTTP over loopback."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from cli.sources import print_sources
from tasks.fetching.fetch import Fetcher
from tasks.ingest import claim_and_ingest, ingest_source
from tasks.storage import store
from tasks.storage.database import connect
from tests.conftest import in_threads
from tests.integration.test_hostile_runs import feed, story, web_settings
from tests.scriptedserver import page, scripted_site

pytestmark = pytest.mark.integration

TOWNS = ("Kestrel Dale", "Harlow Bay", "Fennick Point", "Ashby Moor", "Corran Vale", "Drummond")


def article(town: str) -> bytes:
    return story(
        f"The council said the {town} bridge will cost $450 million to build.",
        f"Work on the {town} bridge is due to start in 2026, according to the council.",
        title=f"{town} bridge",
    )


def add_feed(conn, name, url, every=60):
    return store.add_source(
        conn, name=name, kind="feed", url=url, schedule_minutes=every, max_articles=20
    )


def test_two_claimers_never_hold_the_same_source(db_url):
    with connect(db_url) as first, connect(db_url) as second:
        for name in ("a", "b"):
            add_feed(first, name, f"http://127.0.0.1:1/{name}.xml")
        one = store.claim_source(first)
        other = store.claim_source(second)
        assert {one.name, other.name} == {"a", "b"}
        assert store.claim_source(second, done=[other.id]) is None  # `a` is held by `first`
        assert store.held_sources(second, ["a", "b"]) == [one.name]
        store.mark_source_checked(first, one.id, "ok", None)
        # checked: no longer due, so nobody claims it again in this window
        assert store.claim_source(second, done=[other.id]) is None
        listed = {s.name: s for s in store.list_sources(second)}
        assert listed[other.name].being_fetched and not listed[one.name].being_fetched


def test_a_claim_ends_with_the_session_that_held_it(db_url):
    with connect(db_url) as conn:
        add_feed(conn, "a", "http://127.0.0.1:1/a.xml")
    holder = connect(db_url)
    assert store.claim_source(holder).name == "a"
    with connect(db_url) as other:
        assert store.claim_source(other) is None
        holder.close()  # a crash or a kill ends the session the same way
        assert store.claim_source(other).name == "a"


def test_named_and_every_source_runs_skip_what_another_lane_already_did(db_url):
    with connect(db_url) as conn:
        for name in ("a", "b"):
            add_feed(conn, name, f"http://127.0.0.1:1/{name}.xml")
        started = store.database_now(conn)
        a = store.claim_source(conn, names=["a"])
        store.mark_source_checked(conn, a.id, "ok", None)
        # `a` is not due any more, but named or --all it may be fetched again: not by this run
        assert store.claim_source(conn, names=["a"], checked_before=started) is None
        assert store.claim_source(conn, every_source=True, checked_before=started).name == "b"
        assert store.claim_source(conn, names=["a"]).name == "a"  # a new run may


def test_a_failing_source_backs_off_without_holding_up_the_others(db_url, tmp_path, capsys):
    with scripted_site() as site, connect(db_url) as conn:
        site.routes["/good.xml"] = page(feed(site, ["/story"]), "application/rss+xml")
        site.routes["/story"] = page(article("Kestrel Dale"))
        # /dead.xml is not routed: HTTP 404 every time
        settings = web_settings(db_url, site, tmp_path)
        good = add_feed(conn, "good", site.url("/good.xml"), every=10)
        dead = add_feed(conn, "dead", site.url("/dead.xml"), every=10)
        waits = []
        with Fetcher(settings, sleep=lambda _s: None) as fetcher:
            for _ in range(4):
                reports = claim_and_ingest(
                    conn, settings, lambda s: ingest_source(conn, fetcher, s, settings)
                )
                assert {r.outcomes[0].target for r in reports} >= {site.url("/dead.xml")}
                failing = store.get_source(conn, "dead")
                waits.append(failing.next_due_at - failing.last_checked_at)
                conn.execute("UPDATE sources SET next_due_at = now()")  # due again at once
                conn.commit()
        assert store.counts(conn)["articles"] == 1  # the good source's story, stored once
        assert store.get_source(conn, "good").last_status in ("ok", "unchanged")
        failing = store.get_source(conn, "dead")
        assert failing.consecutive_failures == 4 and failing.last_status == "failed"
        assert "404" in failing.last_error
        minutes = [round(w / timedelta(minutes=1)) for w in waits]
        assert minutes == [10, 20, 40, 80]
        print_sources(store.list_sources(conn), "table")
        listing = capsys.readouterr().out
        assert "failed 4 times in a row, backing off" in listing
        store.mark_source_checked(conn, dead.id, "ok", None)  # it recovers: back on schedule
        recovered = store.get_source(conn, "dead")
        assert recovered.consecutive_failures == 0
        assert round((recovered.next_due_at - recovered.last_checked_at).total_seconds()) == 600
        assert good.id != dead.id


def test_a_failing_source_waits_at_most_a_day(db_url):
    with connect(db_url) as conn:
        source = add_feed(conn, "weekly-broken", "http://127.0.0.1:1/x.xml", every=600)
        for _ in range(6):
            store.mark_source_checked(conn, source.id, "failed", "HTTP 500")
        stored = store.get_source(conn, "weekly-broken")
        assert stored.next_due_at - stored.last_checked_at == timedelta(days=1)


def test_two_runs_at_once_over_overlapping_sources_store_everything_once(db_url, tmp_path):
    with scripted_site() as site:
        paths = [f"/story/{i}" for i in range(len(TOWNS))]
        for path, town in zip(paths, TOWNS, strict=True):
            site.routes[path] = page(article(town))
        # four feeds, each listing three of the six stories: every story is in two feeds
        for i in range(4):
            listed = [paths[(i + k) % len(paths)] for k in (0, 1, 3)]
            site.routes[f"/feed{i}.xml"] = page(feed(site, listed), "application/rss+xml")
        settings = web_settings(db_url, site, tmp_path)
        with connect(db_url) as conn:
            for i in range(4):
                add_feed(conn, f"feed{i}", site.url(f"/feed{i}.xml"))
            started = store.database_now(conn)
        barrier = threading.Barrier(2)
        reports = []

        def run() -> None:
            with connect(db_url) as conn, Fetcher(settings, sleep=lambda _s: None) as fetch:
                barrier.wait()
                reports.extend(
                    claim_and_ingest(
                        conn,
                        settings,
                        lambda s: ingest_source(conn, fetch, s, settings),
                        every_source=True,
                        checked_before=started,
                    )
                )

        errors = in_threads(run, 2)
        assert not errors
        assert len(reports) == 4  # each source once, over both runs
        assert all(site.hits[f"/feed{i}.xml"] == 1 for i in range(4))
        with connect(db_url) as conn:
            counts = store.counts(conn)
            assert counts["articles"] == len(TOWNS)
            duplicates = conn.execute(
                "SELECT (SELECT count(*) FROM claims) - (SELECT count(DISTINCT (article_id, text)) "
                "FROM claims) AS claims, (SELECT count(*) FROM matches) - (SELECT count(DISTINCT "
                "(claim_id, matched_claim_id)) FROM matches) AS matches"
            ).fetchone()
            assert duplicates == {"claims": 0, "matches": 0}
            ingested = conn.execute(
                "SELECT count(*) AS n FROM fetch_log WHERE outcome = 'ingested'"
            ).fetchone()
            assert ingested["n"] == len(TOWNS)  # a story listed twice is ingested once


def test_old_fetch_log_lines_are_pruned(db_url, tmp_path):
    with scripted_site() as site, connect(db_url) as conn:
        site.routes["/story"] = page(article("Harlow Bay"))
        settings = web_settings(db_url, site, tmp_path)
        from tasks.ingest import ingest_targets

        with Fetcher(settings, sleep=lambda _s: None) as fetcher:
            for _ in range(3):
                ingest_targets(conn, [site.url("/story")], settings=settings, fetch=fetcher.fetch)
        conn.execute(
            "UPDATE fetch_log SET created_at = now() - interval '100 days' "
            "WHERE id IN (SELECT id FROM fetch_log ORDER BY id LIMIT 2)"
        )
        conn.commit()
        assert store.prune_fetch_log(conn, keep_days=90, batch=1) == 2
        assert conn.execute("SELECT count(*) AS n FROM fetch_log").fetchone()["n"] == 1
        assert store.counts(conn)["articles"] == 1  # what the lines were about stays
