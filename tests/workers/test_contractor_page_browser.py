"""The contractor's page (#19.13) and the residents' sign-in pages (#19.2) in
real Chromium (Debian's package, Playwright): 0 axe-core WCAG 2.1 A/AA
violations, and the forms really work (the database is read to check).
Data is committed for the live server and deleted afterwards."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from dansmarue.access import auth
from dansmarue.models import OutboxJob, Report, ReportEvent, ResidentSignIn, User, db, utcnow
from dansmarue.workflow import contractors
from tests import axe as axe_core
from tests.agents.conftest import make_report
from tests.browser import ARTIFACTS, browser_fixture, needs_chromium
from tests.live_server import LiveServer

pytestmark = needs_chromium
browser = browser_fixture()
PHONE = {"width": 390, "height": 844}
RESIDENT = "chromium.habitant@example.org"
RAW = "jeton-de-test-du-navigateur-0123456789"


@pytest.fixture(scope="module")
def live(app):
    with app.app_context():
        mark = db.session.scalar(select(func.coalesce(func.max(OutboxJob.id), 0)))
        report = make_report("transferred", reporter_email=RESIDENT, address="8 rue du Navigateur")
        db.session.add(
            ResidentSignIn(
                email=RESIDENT, token_hash=auth.digest(RAW), expires_at=utcnow() + timedelta(minutes=30)
            )
        )
        db.session.commit()
        data = {"id": report.id, "reference": report.reference, "secret": contractors.secret_for(report)}
        db.session.remove()
    try:
        with LiveServer(app) as server:
            yield {**data, "url": server.url}
    finally:
        with app.app_context():
            db.session.execute(delete(OutboxJob).where(OutboxJob.id > mark))  # the jobs the pages queued
            db.session.execute(delete(Report).where(Report.id == data["id"]))
            db.session.execute(delete(ResidentSignIn).where(ResidentSignIn.email == RESIDENT))
            db.session.execute(delete(User).where(User.email == RESIDENT))
            db.session.commit()
            db.session.remove()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    axe_core.serve(context, axe_core.source())  # from the app's origin: the CSP allows it
    yield context.new_page()
    context.close()


def axe(page, name: str) -> None:
    violations = axe_core.violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public-{name}.png"), full_page=True)
    assert violations == [], (name, violations)


def _state_and_events(app, report_id: int) -> tuple[str, list[str]]:
    with app.app_context():
        state = db.session.scalar(select(Report.state).where(Report.id == report_id))
        events = db.session.scalars(
            select(ReportEvent.action).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        ).all()
        db.session.remove()
        return state, list(events)


def test_the_contractor_page_reports_back_with_no_axe_violation(app, live, page):
    page.goto(f"{live['url']}/prestataire/{live['reference']}?t={live['secret']}")
    assert page.get_by_role("heading", level=1).inner_text() == f"Signalement {live['reference']}"
    axe(page, "contractor-form")
    before = _state_and_events(app, live["id"])
    page.get_by_label("Service fait : l'intervention est terminée").check()
    page.get_by_label("Commentaire (facultatif)").fill("Fait ce matin")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_role("status").wait_for()
    assert "votre retour est enregistré" in page.get_by_role("status").inner_text()
    axe(page, "contractor-done")
    state, events = _state_and_events(app, live["id"])
    assert state == "done" and events == [*before[1], "done"]

    page.goto(f"{live['url']}/prestataire/{live['reference']}?t={'0' * 64}")
    assert "Jeton du prestataire invalide" in page.get_by_role("alert").inner_text()
    axe(page, "contractor-refused")


def test_the_residents_sign_in_pages_with_no_axe_violation(live, page):
    page.goto(f"{live['url']}/moi/")
    assert page.get_by_label("Adresse e-mail").is_visible()
    axe(page, "resident-ask-link")
    page.goto(f"{live['url']}/moi/connexion/{RAW}")
    axe(page, "resident-landing")
    page.get_by_role("button", name="Me connecter").click()
    page.wait_for_url(f"{live['url']}/moi/")
    assert live["reference"] in page.content() and "8 rue du Navigateur" in page.content()
    axe(page, "resident-lists")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live['url']}/moi/")
    assert page.get_by_role("button", name="Recevoir un lien de connexion").is_visible()
