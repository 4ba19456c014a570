"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

The app is served by a real werkzeug server thread; data is committed by
the `seeded` fixture and deleted afterwards. A screenshot is saved under
tests/artifacts/ for a person to look at.
"""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from dansmarue.dashboard.colours import NO_DATA, classify
from tests import axe
from tests.browser import ARTIFACTS, browser_fixture, needs_chromium
from tests.dashboard import seed

pytestmark = needs_chromium
browser = browser_fixture()


@pytest.fixture
def page(browser, live_server, seeded):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    axe.serve(context, axe.source())
    page = context.new_page()
    page.goto(f"{live_server}/dashboard")
    assert "/dashboard/login" in page.url
    page.get_by_label("Adresse e-mail").fill(seeded.manager_email)
    page.get_by_label("Mot de passe").fill(seeded.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/dashboard")
    # The tab title is text only (a <script> once sat inside <title>, shown as markup).
    assert page.title() == "Délais de traitement · DansMaRue"
    yield page
    context.close()


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _listed(page) -> list[str]:
    return page.locator("#overdue-table tbody th a").all_inner_texts()


def test_manager_sees_the_map_clicks_filters_and_exports(page, live_server, seeded):
    shapes = page.locator("svg.paris-map a.district path")
    assert shapes.count() == 20
    fills = {
        int(a.get_attribute("data-district")): a.locator("path").get_attribute("fill")
        for a in page.locator("svg.paris-map a.district").all()
    }
    for district in range(1, 21):
        open_count, overdue = seeded.expected.get(district, (0, 0))
        assert fills[district] == classify(overdue, open_count).fill, district
    assert fills[6] == NO_DATA.fill  # another direction's late reports are not shown
    # The browser really painted the class colour (CSS must not override it).
    painted = page.locator('svg.paris-map a[data-district="5"] path').evaluate(
        "el => getComputedStyle(el).fill"
    )
    assert painted == "rgb(153, 52, 4)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # Click an arrondissement: its overdue list.
    page.locator('svg.paris-map a[data-district="4"]').click()
    page.wait_for_url("**district=4**")
    assert page.locator("#overdue-h").inner_text().endswith("4ème Ardt · Hôtel-de-Ville")
    assert len(_listed(page)) == seed.PLAN[4][1]

    # Keyboard: focus the 5th and follow the link with Enter.
    page.locator('svg.paris-map a[data-district="5"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**district=5**")
    assert len(_listed(page)) == seed.PLAN[5][1]

    # A filter through the form: the state lives in the URL.
    page.get_by_role("link", name="Tout Paris").click()
    page.wait_for_load_state()
    category = seeded.categories[0]
    page.get_by_label("Catégorie", exact=True).select_option(str(category))
    page.get_by_label("Période", exact=True).select_option("4")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**category=**")
    assert _query(page)["category"] == str(category) and _query(page)["period"] == "4"
    filtered = _listed(page)
    assert filtered and len(filtered) < sum(o for _, o in seed.PLAN.values())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"), full_page=True)

    # Back to everything, then the CSV of the page against the API's figures.
    page.get_by_role("link", name="Réinitialiser").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter toute la liste filtrée en CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [r[0] for r in rows] == _listed(page)

    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {seeded.token}"
    listed = api.get(f"{live_server}/api/v1/stats/overdue", params={"limit": 100}, timeout=10)
    assert listed.status_code == 200, listed.text
    api_refs = [item["reference"] for item in _items(listed.json())]
    # The page's default order is the API's: most overdue first.
    assert [r[0] for r in rows] == api_refs
    by_category = {r[1] for r in rows}
    assert by_category == {item["category_label"] for item in _items(listed.json())}

    # The map's figures are the API's backlog by district, plus the overdue list counted.
    backlog = api.get(f"{live_server}/api/v1/stats/backlog", params={"by": "district"}, timeout=10)
    assert backlog.status_code == 200, backlog.text
    api_open = {item["key"]: item["open"] for item in backlog.json()["items"]}
    api_late: dict[int, int] = {}
    for item in _items(listed.json()):
        api_late[item["district_id"]] = api_late.get(item["district_id"], 0) + 1
    for link in page.locator("svg.paris-map a.district").all():
        district = int(link.get_attribute("data-district"))
        label = link.get_attribute("aria-label")
        match = re.search(r"(\d+) en retard sur (\d+) ouverts", label)
        shown = (int(match.group(2)), int(match.group(1))) if match else (0, 0)
        assert shown == (api_open.get(district, 0), api_late.get(district, 0)), label

    # The backlog table is the API's backlog by direction.
    by_direction = api.get(
        f"{live_server}/api/v1/stats/backlog", params={"by": "direction"}, timeout=10
    ).json()["items"]
    page.get_by_text("Tableau du stock par direction").click()
    cells = page.locator("section[aria-labelledby=backlog-h] tbody tr").first.locator("td")
    assert [int(c.replace("\u202f", "")) for c in cells.all_inner_texts()] == [
        by_direction[0]["lt_48h"],
        by_direction[0]["lt_10d"],
        by_direction[0]["ge_10d"],
        by_direction[0]["open"],
    ]


def _items(body):
    return body["items"] if isinstance(body, dict) else body


def test_tablet_layout_and_keyboard(page):
    """On a tablet (portrait) the page fits its width; the map is reachable by Tab."""
    page.set_viewport_size({"width": 820, "height": 1180})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-tablet.png"), full_page=True)
    # Every form control has a label; the first districts come after the filters in Tab order.
    unlabelled = page.evaluate("""[...document.querySelectorAll('select, input:not([type=hidden])')]
        .filter(el => !el.labels || el.labels.length === 0).length""")
    assert unlabelled == 0
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('svg.paris-map a.district')"):
            break
    else:
        pytest.fail("no arrondissement reached with the Tab key")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert page.locator("#map-info").inner_text() == label


def test_dashboard_pages_have_no_axe_violations(page, live_server):
    """WCAG 2.1 A/AA (axe-core): the dashboard, filtered, and its login page."""
    assert axe.violations(page) == []
    page.goto(f"{live_server}/dashboard?district=4")
    assert axe.violations(page) == []
    page.goto(f"{live_server}/dashboard/logout")
    assert axe.violations(page) == []
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_url("**/dashboard/login")
    assert axe.violations(page) == []
