"""The review pages in a real browser: Debian's chromium, headless, driven by Playwright.

Signs in and works three items with the keyboard alone, then finds them in the history. A
screenshot of an item page is kept in test-output/ for people to look at."""

import shutil
from pathlib import Path

import pytest

from tasks.review import queue
from tasks.storage.database import connect
from tests.integration.test_review_api import served  # noqa: F401  (a fixture)
from tests.integration.test_review_queue import PASSWORD

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def page():
    if CHROMIUM is None:
        pytest.skip("no chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1366, "height": 800})
        yield context.new_page()
        browser.close()


def test_a_reviewer_works_three_items_with_the_keyboard_only(served, page):  # noqa: F811
    url, _, db_url = served
    with connect(db_url) as conn:
        queue.refresh_queue(conn, 0.0)  # a check item as well as the two matches
    page.goto(f"{url}/signin")
    page.keyboard.type("ann")  # the name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")
    worked = []
    for n in range(3):
        page.keyboard.press("n")
        page.wait_for_url(f"{url}/items/*")
        worked.append(int(page.url.rsplit("/", 1)[-1]))
        if n == 0:
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "item-page.png"), full_page=True)
            assert page.locator("mark.new").count() >= 1
        if page.locator('[data-key="c"]').count():
            page.keyboard.press("c")  # confirm the match
        else:
            page.keyboard.press("v")  # the verdict list gets the focus
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/?notice=*")
        assert "Decided item" in page.text_content(".notice")
    page.goto(f"{url}/history")
    history = page.text_content("table")
    assert history.count("decide") == 3
    for item_id in worked:
        assert page.locator(f'a[href="/items/{item_id}"]').count() >= 1
    with connect(db_url) as conn:
        decided = conn.execute(
            "SELECT count(*) AS n FROM audit_log l JOIN accounts a ON a.id = l.account_id "
            "WHERE a.name = 'ann' AND l.action = 'decide'"
        ).fetchone()["n"]
    assert decided == 3


def test_an_editor_decides_a_family_and_adds_an_account_in_the_browser(served, page):  # noqa: F811
    url, _, db_url = served
    with connect(db_url) as conn:
        repeat = next(i for i in queue.list_items(conn) if i.match_kind == "repeat")
    page.goto(f"{url}/signin")
    page.fill('input[name="name"]', "eve")
    page.fill('input[name="password"]', PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/families/{repeat.family_id}")
    page.select_option('form[action$="/decide"] select[name="rating"]', "mostly_false")
    page.click("text=Verdict on the family")
    page.wait_for_url(f"{url}/families/*?notice=*")
    assert "Decided 1 item(s)" in page.text_content(".notice")
    assert "rated mostly false" in page.text_content("h1")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "family-page.png"), full_page=True)
    page.click("text=Accounts")
    page.fill('input[name="name"]', "kim")
    page.fill('input[name="password"]', PASSWORD)
    page.click("button:has-text('Add')")
    page.wait_for_url(f"{url}/accounts?notice=*")
    page.click("tr:has-text('kim') button:has-text('New token')")
    assert len(page.text_content("code.token").strip()) >= 40
    page.screenshot(path=str(OUTPUT / "accounts-page.png"), full_page=True)


def test_the_dashboard_renders_its_charts_in_the_browser(served, page):  # noqa: F811
    url, _, _ = served
    page.goto(f"{url}/signin")
    page.fill('input[name="name"]', "ben")
    page.fill('input[name="password"]', PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(f"{url}/")
    page.click("text=Dashboard")
    page.wait_for_url(f"{url}/dashboard")
    assert page.locator(".chart svg").count() >= 2
    box = page.locator(".chart svg").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80  # drawn, not empty
    assert "Harlow ferry" in page.text_content("table.dash")
    page.select_option('select[name="verdict"]', "unrated")
    page.click("button:has-text('Show')")
    page.wait_for_url(f"{url}/dashboard?*verdict=unrated*")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "dashboard.png"), full_page=True)
