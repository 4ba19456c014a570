"""The admin pages in real Chromium (Debian's, driven by Playwright), at phone
size and on a desktop: sign in, create a user, rename a category (the public
catalogue shows it with a new version), replace a sector polygon and see the
routing preview change; axe-core finds 0 WCAG 2.1 A/AA violations on every
/admin page. Screenshots under tests/artifacts/admin/.

The live server runs in another thread with its own connections, so the
set-up is committed and undone afterwards (label, polygon, accounts, jobs).
"""

import json
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import delete, func, select, text, update

from dansmarue.models import Category, OutboxJob, Sector, User, db
from dansmarue.models.audit import AuditEntry
from tests import axe
from tests.browser import ARTIFACTS, browser_fixture, needs_chromium
from tests.live_server import LiveServer

pytestmark = needs_chromium
browser = browser_fixture()

ADMIN_EMAIL = "admin.navigateur@example.org"
PASSWORD = "mot-de-passe-admin-42"
GRASS = 17
HOTEL_DE_VILLE = (2.3522, 48.8566)
SQUARE = '{"type": "Polygon", "coordinates": [[[2.29, 48.86], [2.30, 48.86], [2.30, 48.87], [2.29, 48.86]]]}'
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SHOTS = ARTIFACTS / "admin"


@dataclass
class Seeded:
    sector_id: int
    sector_name: str
    label: str
    geom: str  # EWKT of the sector's polygon before the tests


def _restore(data: Seeded) -> None:
    db.session.execute(update(Category).where(Category.id == GRASS).values(label=data.label))
    db.session.execute(
        text("UPDATE sector SET geom = ST_GeomFromEWKT(:g), name = :n WHERE id = :id"),
        {"g": data.geom, "n": data.sector_name, "id": data.sector_id},
    )
    db.session.commit()


@pytest.fixture(scope="module")
def seeded(app):
    from dansmarue.access import auth

    with app.app_context():
        _purge()
        marks = db.session.scalar(select(func.coalesce(func.max(OutboxJob.id), 0)))
        trail = db.session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
        auth.create_user(ADMIN_EMAIL, PASSWORD, "admin", full_name="Admin Navigateur")
        sector = db.session.scalar(select(Sector).where(Sector.number == "DPE-00"))
        geom = db.session.scalar(select(func.ST_AsEWKT(Sector.geom)).where(Sector.id == sector.id))
        data = Seeded(sector.id, sector.name, db.session.get(Category, GRASS).label, geom)
        db.session.commit()
        db.session.remove()
    yield data
    with app.app_context():
        _restore(data)
        db.session.execute(delete(OutboxJob).where(OutboxJob.id > marks))
        db.session.execute(delete(AuditEntry).where(AuditEntry.id > trail))  # this module's only
        db.session.commit()
        _purge()
        db.session.remove()


def _purge() -> None:
    db.session.execute(delete(User).where(User.email.like("%navigateur%@example.org")))
    db.session.commit()


@pytest.fixture(scope="module")
def live_server(app, seeded):
    with LiveServer(app) as server:
        yield server.url


@pytest.fixture(params=list(VIEWPORTS))
def page(request, app, browser, live_server, seeded):
    with app.app_context():
        _restore(seeded)  # each viewport starts from the reference polygon
        db.session.remove()
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="fr-FR")
    axe.serve(context, axe.source())
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    page.goto(f"{live_server}/admin/users")
    assert "/admin/login" in page.url
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/admin/users")
    yield page
    context.close()


def _check(page, name: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, (name, f"the page is {wide}px wider than the screen")
    found = axe.violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.size_name}.png"), full_page=True)
    assert found == [], (name, found)


def _categories_version(live_server) -> tuple[int, str]:
    answer = requests.get(f"{live_server}/api/v1/categories", timeout=10)
    return answer.json()["version"], json.dumps(answer.json(), ensure_ascii=False)


def test_an_admin_creates_renames_replaces_and_previews(page, live_server, seeded):
    size = page.size_name
    # Create a user (no password: the one-time link is mailed).
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Adresse e-mail").fill(f"agent.navigateur.{size}@example.org")
    page.get_by_label("Nom").fill(f"Agent {size}")
    page.get_by_label("Unités (agents)").select_option("DPE-STPP-DT")
    _check(page, "user-new")
    page.get_by_role("button", name="Créer le compte").click()
    assert page.locator(".notice").inner_text() == f"Compte agent.navigateur.{size}@example.org créé."
    _check(page, "user-edit")

    # A refusal: the French message next to the field, the input kept.
    page.goto(f"{live_server}/admin/users/new")
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_role("button", name="Créer le compte").click()
    assert "existe déjà" in page.locator(".alert").inner_text()
    assert page.get_by_label("Adresse e-mail").input_value() == ADMIN_EMAIL
    _check(page, "user-refused")

    # Rename a category: the public catalogue shows it, with a new version.
    version, _ = _categories_version(live_server)
    page.goto(f"{live_server}/admin/categories?q=herbes")
    page.locator(f'a[href$="/admin/categories/{GRASS}"]').first.click()
    label = f"Herbes éparses ({size})"
    page.get_by_label("Libellé (obligatoire)", exact=True).fill(label)
    page.get_by_role("button", name="Enregistrer").click()
    assert "Version du catalogue" in page.locator(".notice").inner_text()
    new_version, body = _categories_version(live_server)
    assert new_version > version and label in body
    _check(page, "category-edit")

    # Replace the sector's polygon: the preview at the Hôtel de Ville changes.
    preview = (
        f"{live_server}/admin/preview?category_id={GRASS}"
        f"&latitude={HOTEL_DE_VILLE[1]}&longitude={HOTEL_DE_VILLE[0]}"
    )
    page.goto(preview)
    assert seeded.sector_name in page.locator("#r-sector").inner_text()
    page.goto(f"{live_server}/admin/sectors/{seeded.sector_id}")
    assert page.locator("svg.admin-map .sector-shape path").count() == 1
    page.get_by_label("Polygone (GeoJSON collé)").fill(SQUARE)
    page.get_by_role("button", name="Enregistrer").click()
    assert "nouveaux signalements suivent ce polygone" in page.locator(".notice").inner_text()
    _check(page, "sector-edit")
    page.goto(preview)
    after = page.locator("#r-sector").inner_text() if page.locator("#r-sector").count() else ""
    assert seeded.sector_name not in after
    _check(page, "preview")

    # A click on the map picks the point (admin.js) and shows its routing.
    page.get_by_label("Catégorie").select_option(str(GRASS))
    box = page.locator("svg.pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**latitude=**")
    assert page.get_by_label("Latitude").input_value() != ""
    assert page.locator("#preview-result, .alert").count() >= 1


ADMIN_PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/units/1",
    "/admin/categories",
    "/admin/categories/new",
    f"/admin/categories/{GRASS}",
    "/admin/sla-targets",
    "/admin/sla-targets/new",
    "/admin/texts",
    "/admin/rejection-reasons",
    "/admin/rejection-reasons/new",
    "/admin/done-messages",
    "/admin/requalification-rules",
    "/admin/requalification-rules/new",
    "/admin/sectors",
    "/admin/sectors/new",
    "/admin/audit",
    "/admin/users?role=chef",
]


def test_every_admin_page_has_no_axe_violation(page, live_server, seeded):
    for path in ADMIN_PAGES:
        page.goto(live_server + path)
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        _check(page, name)
    page.goto(f"{live_server}/admin/sectors/{seeded.sector_id}")
    _check(page, "sector")
