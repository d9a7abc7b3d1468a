"""Hostile or unlucky pages, networks and neighbours, on a real PostgreSQL and real HTTP over
loopback: no page stops a run, loses an article or hangs it; two runs at once miss nothing."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from schemas.settings import Settings
from tasks import ingest as ingest_module
from tasks.errors import DatabaseUnavailable, FetchError, InputError, ValueTooLarge
from tasks.fetching.fetch import Fetcher
from tasks.ingest import ingest_source, ingest_targets
from tasks.storage import store
from tasks.storage.database import connect, ensure_database
from tests.conftest import in_threads
from tests.integration.test_sources import site_settings
from tests.scriptedserver import Handler, fails_first, page, scripted_site

pytestmark = pytest.mark.integration


def story(*sentences: str, title: str = "Kestrel news", extra_head: str = "") -> bytes:
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    return (
        f"<html><head><title>{title}</title>{extra_head}</head>"
        f"<body><article>{paragraphs}</article></body></html>"
    ).encode()


BRIDGE = story(
    "The council said the Kestrel Dale bridge will cost $450 million to build.",
    "Work on the bridge is due to start in 2026, according to the council.",
)
RESERVOIR = story("The Kestrel Dale reservoir holds 38 percent of its capacity, officials said.")


def web_settings(db_url: str, site, tmp_path: Path, **overrides) -> Settings:
    """The fetching tests' settings, with no retries within a run and no wait between runs."""
    values = dict(fetch_timeout_s=2, fetch_retries=0, article_retry_backoff_s=0.0)
    values.update(overrides)
    return site_settings(db_url, site.port, tmp_path, fetch_max_bytes=5_000_000, **values)


def feed(site, paths) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>{site.base}/</link>{items}</channel></rss>"
    ).encode()


def run_source(conn, settings, source):
    with Fetcher(settings, sleep=lambda _s: None) as fetcher:
        return ingest_source(conn, fetcher, store.get_source(conn, source.name), settings)


def add_feed(conn, name, url):
    return store.add_source(
        conn, name=name, kind="feed", url=url, schedule_minutes=60, max_articles=20
    )


# 1. a failed feed article is retried on later runs, behind the feed's 304


def test_an_article_that_failed_is_retried_although_its_feed_is_unchanged(conn, db_url, tmp_path):
    with scripted_site() as site:
        site.routes["/bridge"] = fails_first(1, page(BRIDGE))
        site.routes["/reservoir"] = page(RESERVOIR)
        site.routes["/feed.xml"] = page(
            feed(site, ["/bridge", "/reservoir"]), "application/rss+xml", etag='"v1"'
        )
        settings = web_settings(db_url, site, tmp_path)
        source = add_feed(conn, "kestrel", site.url("/feed.xml"))

        first = run_source(conn, settings, source)
        assert {o.target: o.status for o in first.outcomes} == {
            site.url("/bridge"): "failed",
            site.url("/reservoir"): "ingested",
        }
        assert [r["url"] for r in store.source_retries(conn, source.id)] == [site.url("/bridge")]

        second = run_source(conn, settings, source)
        feed_requests = [h for p, h in site.requests if p == "/feed.xml"]
        assert feed_requests[-1].get("If-None-Match") == '"v1"'  # the feed answered 304
        assert [(o.target, o.status) for o in second.outcomes] == [
            (site.url("/bridge"), "ingested")
        ]
        assert store.source_retries(conn, source.id) == []
        assert store.counts(conn)["articles"] == 2

        third = run_source(conn, settings, source)
        assert [o.status for o in third.outcomes] == ["unchanged"]  # only the 304, nothing lost


def test_an_article_that_keeps_failing_is_given_up_after_the_limit(conn, db_url, tmp_path):
    with scripted_site() as site:
        site.routes["/down"] = fails_first(1000, page(BRIDGE))
        site.routes["/feed.xml"] = page(feed(site, ["/down"]), "application/rss+xml", etag='"v1"')
        settings = web_settings(db_url, site, tmp_path, article_retry_limit=2)
        source = add_feed(conn, "kestrel", site.url("/feed.xml"))
        for _ in range(5):
            run_source(conn, settings, source)
        assert site.hits["/down"] == 3  # the first try and two retries
        (retry,) = store.source_retries(conn, source.id)
        assert retry["attempts"] == 3 and retry["next_attempt_at"] is None
        assert "HTTP 503" in retry["last_error"]


def test_two_sources_on_one_feed_each_list_its_articles(conn, db_url, tmp_path):
    with scripted_site() as site:
        site.routes["/reservoir"] = page(RESERVOIR)
        site.routes["/feed.xml"] = page(feed(site, ["/reservoir"]), "application/rss+xml", '"v1"')
        settings = web_settings(db_url, site, tmp_path)
        first = add_feed(conn, "kestrel", site.url("/feed.xml"))
        second = add_feed(conn, "kestrel-again", site.url("/feed.xml"))
        run_source(conn, settings, first)
        report = run_source(conn, settings, second)
        # the second source read the feed itself (no 304 from the first source's validators)
        assert [o.target for o in report.outcomes] == [site.url("/reservoir")]
        assert store.get_source(conn, "kestrel-again").listing_etag == '"v1"'


# 2. one page's surprise fails that page only; the run goes on and is closed


def test_an_unexpected_error_fails_one_target_and_the_run_goes_on(
    conn, settings, tmp_path, monkeypatch
):
    files = []
    for name, body in (("a.html", BRIDGE), ("boom.html", RESERVOIR), ("c.html", RESERVOIR)):
        path = tmp_path / name
        path.write_bytes(body.replace(b"Kestrel news", name.encode()))
        files.append(str(path))
    real_parse = ingest_module.parse_document

    def parse_or_explode(document):
        if document.target.endswith("boom.html"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(document)

    monkeypatch.setattr(ingest_module, "parse_document", parse_or_explode)
    report = ingest_targets(
        conn, files, settings=settings, fetch=lambda t, _v: Fetcher(settings).fetch(t)
    )
    assert [o.status for o in report.outcomes] == ["ingested", "failed", "ingested"]
    assert "unexpected RecursionError" in report.outcomes[1].reason
    run = store.get_run(conn, report.run_id)
    assert run["status"] == "finished" and run["targets_failed"] == 1


def test_a_listing_that_breaks_unexpectedly_fails_its_source_only(
    conn, db_url, tmp_path, monkeypatch
):
    with scripted_site() as site:
        site.routes["/reservoir"] = page(RESERVOIR)
        site.routes["/good.xml"] = page(feed(site, ["/reservoir"]), "application/rss+xml")
        site.routes["/evil.xml"] = page(b"<rss>" * 10, "application/rss+xml")
        settings = web_settings(db_url, site, tmp_path)
        evil = add_feed(conn, "evil", site.url("/evil.xml"))
        good = add_feed(conn, "good", site.url("/good.xml"))
        real_read = ingest_module.read_listing

        def read_or_explode(document, kind):
            if document.url.endswith("/evil.xml"):
                raise RecursionError("maximum recursion depth exceeded")
            return real_read(document, kind)

        monkeypatch.setattr(ingest_module, "read_listing", read_or_explode)
        broken = run_source(conn, settings, evil)
        assert broken.outcomes[0].status == "failed"
        assert "unexpected RecursionError" in broken.outcomes[0].reason
        assert store.get_source(conn, "evil").last_status == "failed"
        assert run_source(conn, settings, good).outcomes[0].status == "ingested"
        assert store.get_run(conn, broken.run_id)["status"] == "finished"


def test_deep_json_ld_overflowing_numbers_and_nul_bytes_are_stored(conn, settings, tmp_path):
    deep = tmp_path / "deep.html"
    deep.write_bytes(
        BRIDGE.replace(
            b"</head>",
            b'<script type="application/ld+json">' + b"[" * 200_000 + b"</script>"
            b'<script type="application/ld+json">{"@type": "ClaimReview", "ratingValue": 1e400}'
            b"</script></head>",
        )
    )
    text = tmp_path / "nul.txt"
    text.write_bytes(b"The reservoir holds 38 percent\x00 of its capacity, officials said.\n")
    report = ingest_targets(
        conn,
        [str(deep), str(text)],
        settings=settings,
        fetch=lambda t, _v: Fetcher(settings).fetch(t),
    )
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"], report.outcomes
    review = conn.execute("SELECT claim_reviews FROM article_revisions ORDER BY id").fetchone()
    assert review["claim_reviews"] == [{"@type": "ClaimReview", "ratingValue": "1e400"}]
    texts = [c.text for c in store.list_claims(conn)]
    assert "The reservoir holds 38 percent of its capacity, officials said." in texts


def test_a_binary_file_fails_with_a_clear_reason(conn, settings, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 100)
    report = ingest_targets(
        conn, [str(binary)], settings=settings, fetch=lambda t, _v: Fetcher(settings).fetch(t)
    )
    assert report.outcomes[0].status == "failed"
    assert "binary file" in report.outcomes[0].reason


# 3. time limits: per article, per request


def test_an_article_over_its_time_budget_fails_and_the_run_goes_on(conn, db_url, tmp_path):
    settings = Settings(database_url=db_url, home=tmp_path / "home", target_time_budget_s=1e-6)
    path = tmp_path / "a.html"
    path.write_bytes(BRIDGE)
    report = ingest_targets(
        conn, [str(path)], settings=settings, fetch=lambda t, _v: Fetcher(settings).fetch(t)
    )
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and "CLAIMTRACK_TARGET_TIME_BUDGET_S" in outcome.reason
    assert store.counts(conn)["articles"] == 0


def trickle(handler: Handler) -> None:
    """Headers at once, then one byte of body every 0.3 s for ten seconds."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(33):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.3)


def test_a_server_trickling_bytes_is_cut_off_at_the_deadline(db_url, tmp_path):
    with scripted_site({"/slow": trickle}) as site:
        for deadline, expected in ((1.5, 1.5), (None, 3.0)):  # unset: three times the timeout
            settings = web_settings(
                db_url, site, tmp_path, fetch_timeout_s=1, fetch_deadline_s=deadline
            )
            started = time.monotonic()
            with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
                fetcher.fetch(site.url("/slow"))
            assert time.monotonic() - started < expected + 2  # not the 10 s the server takes
            assert f"not complete after {expected:g} s" in str(caught.value)
            assert "CLAIMTRACK_FETCH_DEADLINE_S" in str(caught.value)


# 4. claim-dense pages


def test_claims_per_article_and_flags_per_claim_are_capped(conn, db_url, tmp_path):
    settings = Settings(
        database_url=db_url,
        home=tmp_path / "home",
        max_claims_per_article=40,
        max_flags_per_claim=3,
    )
    dense = tmp_path / "dense.html"
    dense.write_bytes(
        story(
            *(
                f"The council said the Kestrel Dale bridge will cost ${n} million to build."
                for n in range(100, 180)
            )
        )
    )
    later = tmp_path / "later.html"
    later.write_bytes(BRIDGE.replace(b"Kestrel news", b"Later"))
    fetch = lambda t, _v: Fetcher(settings).fetch(t)  # noqa: E731
    first = ingest_targets(conn, [str(dense)], settings=settings, fetch=fetch)
    assert first.outcomes[0].claims_added == 40
    assert "kept the 40 most check-worthy of 80 claims" in first.outcomes[0].reason
    dropped = conn.execute("SELECT claims_dropped FROM article_revisions").fetchone()
    assert dropped["claims_dropped"] == 40
    second = ingest_targets(conn, [str(later)], settings=settings, fetch=fetch)
    per_claim = conn.execute(
        "SELECT claim_id, count(*) AS n FROM matches m JOIN claims c ON c.id = m.claim_id "
        "JOIN articles a ON a.id = c.article_id WHERE a.url LIKE %s GROUP BY claim_id",
        ("%later.html",),
    ).fetchall()
    assert per_claim and max(row["n"] for row in per_claim) == 3
    assert second.flags_added >= 3


# 5. two runs at once


def test_concurrent_runs_see_each_others_claims(db_url, tmp_path):
    settings = Settings(database_url=db_url, home=tmp_path / "home")
    texts = [
        "The council said the {} bridge will cost $450 million to build.",
        "The {} bridge will cost $540 million to build, the council said.",
        "The council said the {} bridge will cost $450 million to build in total.",
    ]
    for trial, place in enumerate(("Kestrel Dale", "Harlow Bay", "Fennick Point")):
        paths = []
        for i, template in enumerate(texts):
            text = template.format(place)
            path = tmp_path / f"trial{trial}-{i}.html"
            path.write_bytes(story(text, title=f"trial {trial} story {i}"))
            paths.append(str(path))
        barrier = threading.Barrier(len(paths))
        errors = []

        def ingest_one(target: str, barrier=barrier, errors=errors) -> None:
            try:
                with connect(db_url) as conn:
                    barrier.wait()
                    ingest_targets(
                        conn,
                        [target],
                        settings=settings,
                        fetch=lambda t, _v: Fetcher(settings).fetch(t),
                    )
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ingest_one, args=(p,)) for p in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        with connect(db_url) as conn:
            rows = conn.execute(
                "SELECT m.kind FROM matches m "
                "JOIN claims c ON c.id = m.claim_id JOIN articles a ON a.id = c.article_id "
                "JOIN claims mc ON mc.id = m.matched_claim_id "
                "JOIN articles ma ON ma.id = mc.article_id "
                "WHERE a.url LIKE %(trial)s AND ma.url LIKE %(trial)s AND m.kind <> 'related'",
                {"trial": f"%trial{trial}-%"},
            ).fetchall()
            # the two $450m claims repeat each other, and the $540m one contradicts them: flagged
            # against each, or once against their family when both were stored before it
            kinds = sorted(r["kind"] for r in rows)
            assert kinds in (
                ["contradiction", "contradiction", "repeat"],
                ["contradiction", "repeat"],
            ), kinds
            families = conn.execute(
                "SELECT f.id, f.claim_count, f.canonical_claim_id, "
                "(SELECT count(*) FROM claims c WHERE c.family_id = f.id) AS members "
                "FROM claim_families f"
            ).fetchall()
            assert all(f["claim_count"] == f["members"] for f in families)


def test_two_processes_creating_the_database_at_once_both_succeed(pg_admin_url):
    name = "claimtrack_test_race"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    barrier = threading.Barrier(4)

    def create() -> None:
        barrier.wait()
        ensure_database(pg_admin_url, name)

    errors = in_threads(create, 4)
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    assert errors == []


# 7. secrets


def test_credentials_in_a_url_are_used_but_never_stored(conn, db_url, tmp_path):
    with scripted_site() as site:
        site.routes["/private-story"] = page(BRIDGE)
        settings = web_settings(db_url, site, tmp_path)
        url = f"http://reader:hunter2@127.0.0.1:{site.port}/private-story"
        with Fetcher(settings) as fetcher:
            report = ingest_targets(conn, [url], settings=settings, fetch=fetcher.fetch)
        assert report.outcomes[0].status == "ingested"
        assert report.outcomes[0].target == site.url("/private-story")
        (headers,) = [h for p, h in site.requests if p == "/private-story"]
        assert headers["Authorization"].startswith("Basic ")
        for table in ("fetch_log", "articles", "http_cache", "ingest_runs", "article_revisions"):
            dump = conn.execute(
                sql.SQL("SELECT string_agg(t::text, ' ') AS all FROM {} t").format(
                    sql.Identifier(table)
                )
            ).fetchone()["all"]
            assert "hunter2" not in (dump or ""), table


# 8. faults


def test_a_lost_database_stops_the_run_and_the_next_run_closes_it(db_url, tmp_path):
    settings = Settings(database_url=db_url, home=tmp_path / "home")
    paths = []
    for i in range(3):
        path = tmp_path / f"{i}.html"
        path.write_bytes(story(f"The reservoir holds {30 + i} percent of its capacity, they said."))
        paths.append(str(path))
    conn = connect(db_url)
    backend = conn.info.backend_pid

    def fetch_then_lose_database(target, _validators):
        if target.endswith("2.html"):  # the first chunk of two is stored by then
            with psycopg.connect(db_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        return Fetcher(settings).fetch(target)

    settings_one_at_a_time = settings.model_copy(update={"fetch_concurrency": 1})
    with pytest.raises(DatabaseUnavailable):
        ingest_targets(conn, paths, settings=settings_one_at_a_time, fetch=fetch_then_lose_database)
    conn.close()
    with connect(db_url) as fresh:
        (stuck,) = fresh.execute("SELECT id FROM ingest_runs").fetchall()
        closed = store.close_abandoned_runs(fresh)
        assert closed == [stuck["id"]]
        run = store.get_run(fresh, stuck["id"])
        assert run["status"] == "failed" and "ended without closing" in run["error"]
        assert store.counts(fresh)["articles"] == 2  # what was stored before stays


def test_a_value_over_the_index_limit_is_a_clear_error(conn, settings, tmp_path):
    with pytest.raises(ValueTooLarge, match="too large"):
        store.add_source(
            conn,
            name=secrets.token_hex(5_000),  # random: a repeated letter compresses to fit
            kind="url",
            url="https://example.org/",
            schedule_minutes=1,
            max_articles=1,
        )
    store.rollback(conn)
    path = tmp_path / "a.html"
    path.write_bytes(story("The council said the bridge will cost $450 million to build."))
    with pytest.raises(InputError, match="source name"):
        ingest_targets(
            conn,
            [str(path)],
            settings=settings,
            source="y" * 10_000,
            fetch=lambda t, _v: Fetcher(settings).fetch(t),
        )
    huge_site = path.with_name("site.html")
    huge_site.write_bytes(
        story(
            "The council said the bridge will cost $450 million to build.",
            extra_head=f'<meta property="og:site_name" content="{"z" * 10_000}">',
        )
    )
    report = ingest_targets(
        conn, [str(huge_site)], settings=settings, fetch=lambda t, _v: Fetcher(settings).fetch(t)
    )
    assert report.outcomes[0].status == "ingested", report.outcomes[0].reason


def test_a_huge_url_fails_or_passes_alone_and_never_stops_the_run(conn, db_url, tmp_path):
    with scripted_site() as site:
        long_path = "/story-" + secrets.token_hex(3_000)
        site.routes[long_path] = page(BRIDGE, etag='"v1"')
        site.routes["/reservoir"] = page(RESERVOIR, etag='"v2"')
        site.routes["/feed.xml"] = page(
            feed(site, [long_path, "/reservoir"]), "application/rss+xml"
        )
        settings = web_settings(db_url, site, tmp_path)
        source = add_feed(conn, "kestrel", site.url("/feed.xml"))
        report = run_source(conn, settings, source)
        by_path = {o.target.removeprefix(site.base): o for o in report.outcomes}
        assert by_path["/reservoir"].status == "ingested"
        assert by_path[long_path].status == "failed"
        assert "too large" in by_path[long_path].reason
        assert store.get_run(conn, report.run_id)["status"] == "finished"
