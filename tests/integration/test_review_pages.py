"""The review pages over HTTP: sign-in and sessions, CSRF, escaping of hostile text."""

import re
from contextlib import closing

import httpx
import pytest

from schemas.settings import Settings
from tasks.reporting import dashboards
from tasks.review import queue
from tasks.storage.database import connect
from tests.integration.test_review_api import served  # noqa: F401  (a fixture)
from tests.integration.test_review_queue import PASSWORD, ingest

pytestmark = pytest.mark.integration
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_in(url, name="ann", password=PASSWORD):
    browser = httpx.Client(base_url=url, timeout=30)
    form = browser.get("/signin")
    csrf = CSRF.search(form.text).group(1)
    answer = browser.post(
        "/signin", data={"name": name, "password": password, "csrf": csrf, "next": "/"}
    )
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return browser


def page_csrf(browser, path="/"):
    return CSRF.search(browser.get(path).text).group(1)


def test_sign_in_work_an_item_and_sign_out(served):  # noqa: F811
    url, _, _ = served
    with closing(signed_in(url)) as browser:
        home = browser.get("/")
        assert home.status_code == 200 and "Take the next item" in home.text
        forged = browser.post("/queue/next", data={"csrf": "forged"})
        assert forged.status_code == 403
        taken = browser.post("/queue/next", data={"csrf": page_csrf(browser)})
        assert taken.status_code == 303 and taken.headers["location"].startswith("/items/")
        item = browser.get(taken.headers["location"])
        assert '<mark class="new">$540 million</mark>' in item.text
        assert '<mark class="old">$450 million</mark>' in item.text
        assert 'data-key="c"' in item.text and "Keys:" in item.text
        item_path = taken.headers["location"]
        csrf = CSRF.search(item.text).group(1)
        decided = browser.post(f"{item_path}/decide", data={"csrf": csrf, "action": "confirm"})
        assert decided.status_code == 303
        again = browser.post(f"{item_path}/decide", data={"csrf": csrf, "action": "dismiss"})
        assert again.status_code == 409 and "already decided" in again.text
        assert "decide" in browser.get("/history").text
        assert browser.post("/signout", data={"csrf": csrf}).status_code == 303
        assert browser.get("/").status_code == 303  # the session ended on the server


def test_a_wrong_password_is_refused_and_guessing_is_slowed_down(served):  # noqa: F811
    url, _, _ = served
    with httpx.Client(base_url=url, timeout=30) as browser:
        csrf = CSRF.search(browser.get("/signin").text).group(1)
        answer = browser.post("/signin", data={"name": "ann", "password": "nope", "csrf": csrf})
        assert answer.status_code == 401 and "Wrong name or password" in answer.text
        no_token = browser.post("/signin", data={"name": "ann", "password": PASSWORD})
        assert no_token.status_code == 403  # the sign-in form has its own CSRF token
        statuses = [
            browser.post(
                "/signin", data={"name": "ann", "password": f"guess {n}", "csrf": csrf}
            ).status_code
            for n in range(10)
        ]
        assert statuses[-1] == 429
        right = browser.post("/signin", data={"name": "ann", "password": PASSWORD, "csrf": csrf})
        assert right.status_code == 429  # even the right password waits now


def test_hostile_article_text_is_shown_escaped(served, tmp_path):  # noqa: F811
    url, _, db_url = served
    hostile = (
        "The mayor said the <script>alert('x')</script> harbour will cost $90 million, "
        'the council said <img src=x onerror="alert(1)"> on Monday.\n'
    )
    with connect(db_url) as conn:
        ingest(conn, Settings(database_url=db_url), tmp_path, [hostile])
        queue.refresh_queue(conn, 0.0)
        conn.execute(
            "UPDATE review_items SET priority = 1e9 WHERE claim_id = "
            "(SELECT id FROM claims WHERE text LIKE '%%harbour%%')"
        )
        conn.commit()
    with closing(signed_in(url)) as browser:
        taken = browser.post("/queue/next", data={"csrf": page_csrf(browser)})
        page = browser.get(taken.headers["location"]).text
        assert "harbour will cost $90 million" in page
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        assert "<img src=x" not in page and 'onerror="alert' not in page


def test_only_local_paths_are_followed_after_sign_in(served):  # noqa: F811
    url, _, _ = served
    with httpx.Client(base_url=url, timeout=30) as browser:
        form = browser.get("/signin", params={"next": "https://evil.example/"})
        assert 'name="next" value="/"' in form.text
        csrf = CSRF.search(form.text).group(1)
        answer = browser.post(
            "/signin",
            data={"name": "ann", "password": PASSWORD, "csrf": csrf, "next": "//evil.example"},
        )
        assert answer.headers["location"] == "/"


def test_an_editor_gives_a_whole_family_its_verdict_from_its_page(served):  # noqa: F811
    url, _, db_url = served
    with closing(connect(db_url)) as conn:
        repeat = next(i for i in queue.list_items(conn) if i.match_kind == "repeat")
    family_path = f"/families/{repeat.family_id}"
    with closing(signed_in(url, "eve")) as browser:
        page = browser.get(family_path)
        assert "Decide the whole family" in page.text and 'name="publish"' in page.text
        assert "First said by <strong>Port authority</strong>" in page.text
        assert "repeated by Its operator (2 times in all)" in page.text
        verdict = {"csrf": page_csrf(browser, family_path), "action": "verdict", "rating": "false"}
        decided = browser.post(f"{family_path}/decide", data={**verdict, "publish": "1"})
        assert decided.status_code == 303
        assert "Decided 1 item(s)" in browser.get(decided.headers["location"]).text
        assert "rated false" in browser.get(family_path).text
        again = browser.post(f"{family_path}/decide", data=verdict)
        assert again.status_code == 404 and "nothing waits" in again.text
        forged = browser.post(f"{family_path}/decide", data={**verdict, "csrf": "forged"})
        assert forged.status_code == 403
    with closing(signed_in(url, "ann")) as browser:
        assert 'name="publish"' not in browser.get(family_path).text


def test_an_editor_adds_and_disables_an_account_on_the_accounts_page(served):  # noqa: F811
    url, _, _ = served
    with closing(signed_in(url, "ann")) as browser:
        assert browser.get("/accounts").status_code == 403
        forbidden = browser.post("/accounts/ben/disable", data={"csrf": page_csrf(browser)})
        assert forbidden.status_code == 403 and "nly editors manage accounts" in forbidden.text
    with closing(signed_in(url, "eve")) as browser:
        csrf = page_csrf(browser, "/accounts")
        form = {"csrf": csrf, "name": "hal", "role": "editor", "password": PASSWORD}
        added = browser.post("/accounts", data=form)
        assert added.status_code == 303
        assert "Added hal." in browser.get(added.headers["location"]).text
        again = browser.post("/accounts", data=form)
        assert again.status_code == 422 and "exists already" in again.text
        token = browser.post("/accounts/hal/token", data={"csrf": csrf})
        assert token.status_code == 200 and "shown this once" in token.text
        assert browser.post("/accounts/hal/disable", data={"csrf": csrf}).status_code == 303
        assert browser.post("/accounts/hal/disable", data={"csrf": "forged"}).status_code == 403
    with httpx.Client(base_url=url, timeout=30) as stranger:
        csrf = page_csrf(stranger, "/signin")
        denied = stranger.post(
            "/signin", data={"name": "hal", "password": PASSWORD, "csrf": csrf, "next": "/"}
        )
        assert denied.status_code == 401 and "Wrong name or password" in denied.text


def test_the_dashboard_shows_charts_and_its_csv_downloads_equal_the_tables(served):  # noqa: F811
    url, _, db_url = served
    with closing(signed_in(url, "ben")) as browser:  # a reviewer may look
        page = browser.get("/dashboard")
        assert page.status_code == 200
        assert page.text.count("<svg") >= 3 and "<script" not in page.text.split("<main>")[1]
        assert "Most recurring claim families" in page.text
        window = re.search(
            r'name="from" value="([\d-]+)".*name="to" value="([\d-]+)"', page.text, re.S
        )
        query = {"from": window.group(1), "to": window.group(2)}
        with closing(connect(db_url)) as conn:
            filters = dashboards.Filters.from_query(query, lambda: dashboards.latest_day(conn))
            expected = {
                name: dashboards.csv_text(dashboards.table(conn, name, filters, limit=10_000))
                for name in ("families", "speakers", "sources", "contradictions", "occurrences")
            }
        for name, text in expected.items():
            download = browser.get(f"/dashboard/{name}.csv", params=query)
            assert download.status_code == 200 and download.text == text, name
            assert download.headers["content-type"].startswith("text/csv")
        assert expected["contradictions"].count("\n") == 2  # a header and the bridge
        filtered = browser.get("/dashboard", params={**query, "speaker": "nobody at all"})
        assert "No claim family was said in this window." in filtered.text
        assert browser.get("/dashboard", params={"from": "soon"}).status_code == 422
    assert httpx.get(f"{url}/dashboard/families.csv").status_code == 303  # sign in first
