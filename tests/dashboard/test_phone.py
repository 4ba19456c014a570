"""The dashboard on a phone (#19.10): 390x844 with a touch screen, in real Chromium.

Key figures above the fold, every chart label at 12 px or more as the phone
draws it (an SVG text's font size times the SVG's scale), no sideways
scrolling (the page, and every table inside its frame), no "hover or Tab"
hint on a touch screen, no label overflowing its box or its chart (HTML
scrollWidth, SVG text inside the viewBox; "PARTENAIRES" was clipped),
category labels written "Type : Sous-type", and axe-core at 0 violations.
Screenshots under tests/artifacts/dashboard/.
"""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from dansmarue.models import db, utcnow
from tests import axe
from tests.browser import ARTIFACTS, browser_fixture, needs_chromium
from tests.dashboard import seed

pytestmark = needs_chromium
browser = browser_fixture()
PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "dashboard"
PAGES = ("/dashboard", "/dashboard?district=4", "/dashboard?period=4&sort=category&order=asc")

# Every visible SVG text as drawn: [text, px on screen, inside its viewBox].
SVG_TEXTS = """[...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length > 0)
  .map(t => {
    const svg = t.ownerSVGElement, box = t.getBBox(), view = svg.viewBox.baseVal;
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.abs(svg.getScreenCTM().a);
    const inside = box.x >= view.x - 0.5 && box.x + box.width <= view.x + view.width + 0.5;
    return [t.textContent, Math.round(px * 10) / 10, inside];
  })"""
# HTML text of the charts' surroundings and tables: [text, computed px].
HTML_SIZES = """[...document.querySelectorAll(
    'main .legend li, main figcaption, main .map-info, main .kpis span, main th, main td, main label')]
  .filter(e => e.getClientRects().length > 0 && !e.closest('.visually-hidden'))
  .map(e => [e.innerText.slice(0, 40), parseFloat(getComputedStyle(e).fontSize)])"""
# Boxes whose content is wider than the box (clipped or spilling), tables' frames included.
OVERFLOWING = """[...document.querySelectorAll('body *')]
  .filter(e => !(e instanceof SVGElement) && e.getClientRects().length > 0)
  .filter(e => !e.closest('.visually-hidden, .skip-link'))  // not shown
  .filter(e => getComputedStyle(e).display !== 'inline')
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 40))"""
FIGURES = """[...document.querySelectorAll('.kpis li')].map(e => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  })"""


@pytest.fixture(scope="module")
def partner_report(app: Any, seeded: Any) -> None:
    """An open report of the PARTENAIRES direction (the longest direction code)."""
    with app.app_context():
        from sqlalchemy import select

        from dansmarue.models import Unit

        partners = db.session.scalar(select(Unit.id).where(Unit.code == "PARTENAIRES"))
        category = seed._leaf_categories("PARTENAIRES", 1)[0]
        now = utcnow()
        db.session.add(
            seed._report(900, category, partners, 7, now - timedelta(days=3), now + timedelta(days=2))
        )
        db.session.commit()  # deleted with the seeded reports (same reference prefix)
        seed.fold()
        db.session.remove()


def _sign_in(page: Any, live_server: str, seeded: Any) -> None:
    page.goto(f"{live_server}/dashboard")
    page.get_by_label("Adresse e-mail").fill(seeded.admin_email)
    page.get_by_label("Mot de passe").fill(seeded.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/dashboard")


@pytest.fixture
def phone(browser: Any, live_server: str, seeded: Any, partner_report: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    axe.serve(context, axe.source())
    page = context.new_page()
    _sign_in(page, live_server, seeded)
    yield page
    context.close()


def _open_tables(page: Any) -> None:
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")


def test_phone_figures_labels_width_and_hints(phone: Any, live_server: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert phone.evaluate("matchMedia('(hover: none)').matches")  # a touch screen indeed
    for n, path in enumerate(PAGES):
        phone.goto(f"{live_server}{path}")
        assert phone.evaluate("scrollY") == 0
        figures = phone.evaluate(FIGURES)
        assert figures and all(figures), (path, "key figures below the fold")
        phone.screenshot(path=str(SHOTS / f"phone-{n}-first-screen.png"))
        _open_tables(phone)
        texts = phone.evaluate(SVG_TEXTS)
        assert len(texts) > 40, path
        small = [t for t in texts if t[1] < 12]
        assert not small, (path, small[:10])
        outside = [t[0] for t in texts if not t[2]]
        assert not outside, (path, outside)
        tiny = [t for t in phone.evaluate(HTML_SIZES) if t[1] < 12]
        assert not tiny, (path, tiny[:10])
        assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth"), path
        overflowing = phone.evaluate(OVERFLOWING)
        assert not overflowing, (path, overflowing[:10])
        body = phone.evaluate("document.body.innerText")
        assert not re.search(r"survol|touche Tab|hover", body, re.I), path
        assert axe.violations(phone) == [], path
        phone.screenshot(path=str(SHOTS / f"phone-{n}.png"), full_page=True)
    phone.goto(f"{live_server}/dashboard")
    assert "Touchez un arrondissement" in phone.locator("#map-info").inner_text()
    # The map's legend is painted (a style attribute, which the CSP blocks, left it blank).
    swatches = phone.evaluate(
        "[...document.querySelectorAll('.legend .swatch rect')].map(r => getComputedStyle(r).fill)"
    )
    assert len(swatches) == 6 and len(set(swatches)) == 6, swatches
    # The longest direction code is drawn whole, in both drawings of the chart.
    assert "PARTENAIRES" in (phone.locator("#chart-backlog-n").text_content() or "")


def test_category_labels_take_french_spacing(phone: Any, live_server: str) -> None:
    _open_tables(phone)
    cells = phone.locator("#overdue-table td[data-label='Catégorie']").all_inner_texts()
    top = phone.locator("section[aria-labelledby=top-h] tbody th").all_inner_texts()
    drawn = [t[0] for t in phone.evaluate(SVG_TEXTS.replace("svg text", "#chart-top-n text"))]
    for label in [*cells, *top]:
        assert " : " in label and not re.search(r"\S:|:\S", label), label
    assert drawn and not [t for t in drawn if re.search(r"\S:|:\S", t)], drawn


def test_other_dashboard_pages_fit_a_phone(phone: Any, live_server: str) -> None:
    phone.goto(f"{live_server}/dashboard?periode=4")  # the error page (an unknown parameter)
    assert "Paramètre(s) inconnu(s) : periode." in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert not phone.evaluate(OVERFLOWING)
    assert axe.violations(phone) == []
    phone.screenshot(path=str(SHOTS / "phone-error.png"), full_page=True)
    phone.goto(f"{live_server}/dashboard/logout")
    for name in ("logout", "login"):
        assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
        assert not phone.evaluate(OVERFLOWING), name
        assert axe.violations(phone) == [], name
        phone.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
        if name == "logout":
            phone.get_by_role("button", name="Se déconnecter").first.click()
            phone.wait_for_url("**/dashboard/login")


def test_wide_screen_labels_stay_inside_their_charts(browser: Any, live_server: str, seeded: Any) -> None:
    """The desktop drawing too: "PARTENAIRES" used to start left of the chart."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    _sign_in(page, live_server, seeded)
    _open_tables(page)
    texts = page.evaluate(SVG_TEXTS)
    assert "PARTENAIRES" in [t[0] for t in texts]
    assert not [t[0] for t in texts if not t[2]]
    assert not page.evaluate(OVERFLOWING)
    context.close()
