"""The agents' app in real Chromium (Debian's package, Playwright) at phone size.

Reports are created by the real intake and dispatched by a real RQ worker;
actions go through the pages, and the database is read to check what the
server really did. Screenshots go to tests/artifacts/.
"""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from dansmarue.models import Photo, Report, ReportEvent, db
from tests import axe as axe_core
from tests.agentapp.conftest import AGENT_EMAIL, PASSWORD, ZIGZAG, drain
from tests.browser import ARTIFACTS, browser_fixture, needs_chromium

PHONE = {"width": 390, "height": 844}

pytestmark = needs_chromium
browser = browser_fixture()


def _login(browser, live_server, axe_source, email=AGENT_EMAIL, **options):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True, **options)
    axe_core.serve(context, axe_source)  # from the app's origin: the CSP allows it
    page = context.new_page()
    page.goto(f"{live_server}/agent/")
    assert "/agent/login" in page.url
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server}/agent/")
    return context, page


@pytest.fixture
def agent(browser, live_server, seeded, axe_source):
    context, page = _login(browser, live_server, axe_source)
    yield page
    context.close()


def wait_js(page, expression: str, seconds: float = 15) -> None:
    """Poll a page expression until it is truthy. (Playwright's wait_for_function
    evaluates strings inside the page, which the pages' CSP rightly forbids.)"""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def axe(page, name: str) -> None:
    """0 WCAG 2.1 A/AA violations on this page; a screenshot for a person."""
    violations = axe_core.violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"agent-{name}.png"), full_page=True)
    assert violations == [], (name, violations)


def _report(app, reference):
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        events = list(
            db.session.scalars(
                select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
            )
        )
        db.session.expunge_all()
        db.session.remove()
        return report, events


def _act(page, live_server, reference, action):
    page.goto(f"{live_server}/agent/r/{reference}")
    page.get_by_role("link", name=action, exact=True).click()


def test_queue_lists_scope_filters_and_is_accessible(agent, live_server, seeded):
    listed = agent.locator("ul.queue li").evaluate_all("items => items.map(i => i.dataset.reference)")
    assert set(listed) == set(seeded.refs)  # the other unit's report is not there
    assert seeded.other_ref not in listed
    assert agent.locator("svg.agent-map .districts path").count() == 20
    assert agent.locator("svg.agent-map .sectors path").count() >= 1
    assert agent.locator("svg.agent-map a[data-reference]").count() == len(seeded.refs)
    axe(agent, "queue")
    # Filter: free text on one reference; the state of the filters is in the URL.
    agent.locator("summary").click()
    agent.get_by_label("Recherche (référence, adresse, description)").fill(seeded.refs[7])
    agent.get_by_role("button", name="Appliquer", exact=True).click()
    agent.wait_for_url(re.compile(r"q=" + seeded.refs[7]))
    assert agent.locator("ul.queue li").evaluate_all("items => items.map(i => i.dataset.reference)") == [
        seeded.refs[7]
    ]
    axe(agent, "queue-filtered")
    agent.goto(f"{live_server}/agent/?state=scheduled")
    assert set(
        agent.locator("ul.queue li").evaluate_all("items => items.map(i => i.dataset.reference)")
    ) == set(seeded.stops)
    # Another unit's report cannot be opened by address either.
    response = agent.goto(f"{live_server}/agent/r/{seeded.other_ref}")
    assert response.status == 404


def test_take_charge_schedule_and_done_with_photo(agent, live_server, seeded, app, tmp_path):
    ref = seeded.refs[6]
    agent.goto(f"{live_server}/agent/r/{ref}")
    axe(agent, "report")
    _act(agent, live_server, ref, "Prendre en charge")
    axe(agent, "form-take-charge")
    agent.get_by_role("button", name="Prendre en charge").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    assert _report(app, ref)[0].state == "to_process"

    _act(agent, live_server, ref, "Programmer")
    date_input = agent.get_by_label("Date d'intervention")
    assert date_input.get_attribute("min")  # no day in the past
    axe(agent, "form-schedule")
    date_input.fill("2099-01-15")
    agent.get_by_role("button", name="Programmer").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    report, _ = _report(app, ref)
    assert (report.state, report.scheduled_for.isoformat()) == ("scheduled", "2099-01-15")

    big = tmp_path / "chantier.jpg"
    Image.new("RGB", (3200, 2400), (40, 160, 60)).save(big, "JPEG")
    _act(agent, live_server, ref, "Service fait")
    axe(agent, "form-done")
    with agent.expect_file_chooser() as chooser:
        agent.get_by_label("Photo du travail fait").click()
    chooser.value.set_files(str(big))
    wait_js(agent, "document.getElementById('p-photo').dataset.width")
    assert agent.locator("#p-photo").get_attribute("data-width") == "1600"
    agent.get_by_label("Texte libre au demandeur").fill("Herbes arrachées ce matin.")
    agent.get_by_role("button", name="Service fait").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    report, events = _report(app, ref)
    assert report.state == "done" and events[-1].public_message == "Herbes arrachées ce matin."
    drain(app)  # the photo job
    with app.app_context():
        photo = db.session.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == "done"))
        assert (photo.status, max(photo.width, photo.height)) == ("ready", 800) or photo.status == "ready"
        db.session.remove()
    agent.reload()
    shown = agent.locator('img[data-view="done"]')
    assert shown.get_attribute("data-status") == "ready"
    thumb = agent.request.get(f"{live_server}{shown.get_attribute('src')}")
    assert Image.open(io.BytesIO(thumb.body())).size[0] <= 100


def test_reject_requalify_and_duplicate(agent, live_server, seeded, app):
    ref = seeded.refs[8]
    _act(agent, live_server, ref, "Rejeter")
    axe(agent, "form-reject")
    reason = agent.get_by_label("Motif de rejet").locator("option").nth(1)
    agent.get_by_label("Motif de rejet").select_option(reason.get_attribute("value"))
    agent.get_by_role("button", name="Rejeter").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    report, events = _report(app, ref)
    assert report.state == "rejected" and events[-1].data["reason_id"]

    ref = seeded.refs[9]
    before, _ = _report(app, ref)
    _act(agent, live_server, ref, "Requalifier")
    axe(agent, "form-requalify")
    pin = agent.locator("#pin").bounding_box()
    agent.mouse.move(pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2)
    agent.mouse.down()
    agent.mouse.move(pin["x"] + 120, pin["y"] - 90, steps=5)
    agent.mouse.up()
    moved = float(agent.get_by_label("Longitude").input_value())
    assert moved > before.longitude
    agent.get_by_role("button", name="Requalifier").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    assert _report(app, ref)[0].state == "verification"
    drain(app)  # dispatch re-routes it
    after, events = _report(app, ref)
    assert after.state == "new" and abs(after.longitude - moved) < 1e-5
    assert [e.action for e in events[-2:]] == ["requalify", "route_to_unit"]

    ref, original = seeded.refs[10], seeded.refs[11]
    _act(agent, live_server, ref, "Doublon")
    agent.get_by_label("Chercher une référence ou une adresse proche").fill(original)
    agent.get_by_role("button", name="Chercher").click()
    agent.get_by_label(re.compile(original)).check()
    axe(agent, "form-duplicate")
    agent.get_by_role("button", name="Doublon").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    report, _ = _report(app, ref)
    assert report.state == "done" and report.duplicate_of_id == _report(app, original)[0].id


def test_mass_action_shows_each_result(agent, live_server, seeded, app):
    chosen = [seeded.refs[12], seeded.refs[13], seeded.refs[8]]  # the last one is rejected
    agent.goto(f"{live_server}/agent/?state=new&state=rejected")
    for ref in chosen[:2]:
        agent.get_by_label(f"Sélectionner {ref}").check()
    agent.get_by_label("Action", exact=True).select_option("take_charge")
    agent.get_by_role("button", name="Appliquer aux signalements cochés").click()
    agent.wait_for_url(f"{live_server}/agent/mass")
    rows = agent.locator("table.results tbody tr")
    assert rows.count() == 2 and agent.locator("tr.ok").count() == 2
    axe(agent, "mass-result")
    assert {_report(app, r)[0].state for r in chosen[:2]} == {"to_process"}


def test_two_agents_same_ticket_one_sees_the_conflict(browser, live_server, seeded, app, axe_source):
    ref = seeded.refs[14]
    first = _login(browser, live_server, axe_source)
    second = _login(browser, live_server, axe_source)
    try:
        for _, page in (first, second):
            _act(page, live_server, ref, "Commentaire interne")
        first[1].get_by_label("Commentaire interne").fill("Vu sur place")
        first[1].get_by_role("button", name="Commentaire interne").click()
        first[1].wait_for_url(f"{live_server}/agent/r/{ref}")
        page = second[1]
        page.get_by_label("Commentaire interne").fill("Passage prévu demain")
        page.get_by_role("button", name="Commentaire interne").click()
        assert page.get_by_role("heading", name="Ce signalement a changé entre-temps").count() == 1
        assert "Vu sur place" not in page.locator("#conflict").inner_text()
        assert page.locator("ul.changes li").count() == 1
        assert page.get_by_label("Commentaire interne").input_value() == "Passage prévu demain"
        axe(page, "conflict")
        page.get_by_role("button", name="Commentaire interne").click()  # redo on the fresh state
        page.wait_for_url(f"{live_server}/agent/r/{ref}")
        comments = [e.comment for e in _report(app, ref)[1] if e.action == "comment"]
        assert comments == ["Vu sur place", "Passage prévu demain"]
    finally:
        first[0].close()
        second[0].close()


def test_offline_action_is_applied_once_when_back_online(agent, live_server, seeded, app):
    ref = seeded.refs[15]
    _act(agent, live_server, ref, "Prendre en charge")
    wait_js(agent, "navigator.serviceWorker.controller !== null || true")
    agent.context.set_offline(True)
    agent.get_by_label("Commentaire interne (facultatif)").fill("Pris hors ligne")
    agent.get_by_role("button", name="Prendre en charge").click()
    banner = agent.locator("#offline-banner")
    banner.filter(has_text="Hors ligne — 1 action en attente").wait_for()
    axe(agent, "offline")
    assert _report(app, ref)[0].state == "new"  # nothing reached the server
    agent.context.set_offline(False)
    banner.filter(has_text="envoyée").wait_for()
    report, events = _report(app, ref)
    assert report.state == "to_process"
    assert [e.comment for e in events if e.action == "take_charge"] == ["Pris hors ligne"]


def test_queue_and_report_readable_offline(agent, live_server, seeded):
    agent.goto(f"{live_server}/agent/r/{seeded.refs[7]}")
    wait_js(agent, "navigator.serviceWorker.ready.then(() => true)")
    agent.goto(f"{live_server}/agent/")
    agent.goto(f"{live_server}/agent/r/{seeded.refs[7]}")  # now under the worker's control
    agent.goto(f"{live_server}/agent/tournee")
    agent.context.set_offline(True)
    for path in ("/agent/", f"/agent/r/{seeded.refs[7]}", "/agent/tournee"):
        agent.goto(f"{live_server}{path}")
        assert agent.locator("h1").count() == 1 and "Hors ligne" not in agent.locator("h1").inner_text()
    agent.context.set_offline(False)


def test_route_sheet_is_shorter_than_queue_order(agent, live_server, seeded, app):
    agent.goto(f"{live_server}/agent/tournee")
    order = agent.locator("table.route tbody tr").evaluate_all("rows => rows.map(r => r.dataset.reference)")
    assert sorted(order) == sorted(seeded.stops) and order != seeded.stops
    total = agent.locator("#route-total").inner_text()
    route_km, queue_km = [float(x.replace(",", ".")) for x in re.findall(r"(\d+[.,]\d) km", total)]
    assert route_km < queue_km
    assert agent.locator("svg.agent-map polyline.route").count() == 1
    axe(agent, "route-sheet")
    agent.emulate_media(media="print")
    assert agent.locator("header.topbar").evaluate("e => getComputedStyle(e).display") == "none"


def test_login_and_logout_pages_are_accessible(browser, live_server, seeded, axe_source):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    axe_core.serve(context, axe_source)
    page = context.new_page()
    page.goto(f"{live_server}/agent/login")
    axe(page, "login")
    page.get_by_label("Adresse e-mail").fill(AGENT_EMAIL)
    page.get_by_label("Mot de passe").fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").count() == 1
    axe(page, "login-error")
    context.close()


def _perform(app, reference, action, **params):
    """An action by the agent straight through the service (another agent, meanwhile)."""
    from dansmarue.models import User
    from dansmarue.workflow import perform as workflow

    with app.app_context():
        agent = db.session.scalar(select(User).where(User.email == AGENT_EMAIL))
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        workflow.perform(report.id, action, agent, **params)
        db.session.commit()
        db.session.remove()


def test_photo_chosen_before_a_conflict_is_kept(agent, live_server, seeded, app, tmp_path):
    """Item 4: a 412 re-shows the form with the photo kept server-side; sending
    it again without choosing the photo again closes the ticket with it."""
    ref = seeded.refs[16]
    _perform(app, ref, "take_charge")
    photo = tmp_path / "trottoir.jpg"
    Image.new("RGB", (2000, 1500), (90, 90, 200)).save(photo, "JPEG")
    _act(agent, live_server, ref, "Service fait")
    with agent.expect_file_chooser() as chooser:
        agent.get_by_label("Photo du travail fait").click()
    chooser.value.set_files(str(photo))
    wait_js(agent, "document.getElementById('p-photo').dataset.width")
    agent.get_by_label("Texte libre au demandeur").fill("Trottoir nettoyé.")
    _perform(app, ref, "comment", comment="Vu par un collègue")  # the ticket changes first
    agent.get_by_role("button", name="Service fait").click()
    assert agent.get_by_role("heading", name="Ce signalement a changé entre-temps").count() == 1
    assert "trottoir.jpg" in agent.locator("#photo-kept").inner_text()
    assert agent.get_by_label("Texte libre au demandeur").input_value() == "Trottoir nettoyé."
    assert agent.locator("#p-photo").evaluate("i => i.files.length") == 0  # nothing to choose again
    axe(agent, "conflict-photo-kept")
    agent.get_by_role("button", name="Service fait").click()
    agent.wait_for_url(f"{live_server}/agent/r/{ref}")
    report, events = _report(app, ref)
    assert report.state == "done" and [e.action for e in events].count("done") == 1
    drain(app)  # the photo job
    with app.app_context():
        done = db.session.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == "done"))
        assert done is not None and done.status == "ready"
        assert max(done.width, done.height) <= 1600  # the browser's resize reached the server
        db.session.remove()


def test_offline_action_meeting_a_conflict_shows_the_conflict_page(
    browser, live_server, seeded, app, axe_source
):
    """Item 7: one context acts offline, the other changes the ticket meanwhile;
    back online, the replay meets a 412 and the conflict page is shown (not the
    banner alone), the offline input kept; redone, it is applied once."""
    ref = seeded.refs[17]
    offline, other = _login(browser, live_server, axe_source), _login(browser, live_server, axe_source)
    try:
        page = offline[1]
        _act(page, live_server, ref, "Prendre en charge")
        page.context.set_offline(True)
        page.get_by_label("Commentaire interne (facultatif)").fill("Pris hors ligne, rue barrée")
        page.get_by_role("button", name="Prendre en charge").click()
        page.locator("#offline-banner").filter(has_text="Hors ligne — 1 action en attente").wait_for()

        _act(other[1], live_server, ref, "Commentaire interne")
        other[1].get_by_label("Commentaire interne").fill("Passé avant vous")
        other[1].get_by_role("button", name="Commentaire interne").click()
        other[1].wait_for_url(f"{live_server}/agent/r/{ref}")

        page.context.set_offline(False)
        page.get_by_role("heading", name="Ce signalement a changé entre-temps").wait_for(timeout=15000)
        assert page.locator("ul.changes li").count() == 1  # the other agent's comment
        assert "Commentaire interne" in page.locator("ul.changes li").inner_text()  # its label, not its code
        assert page.get_by_label("Commentaire interne (facultatif)").input_value() == (
            "Pris hors ligne, rue barrée"
        )
        assert _report(app, ref)[0].state == "new"  # nothing applied behind the agent's back
        axe(page, "offline-conflict")
        page.get_by_role("button", name="Prendre en charge").click()  # redo on the fresh state
        page.wait_for_url(f"{live_server}/agent/r/{ref}")
        report, events = _report(app, ref)
        assert report.state == "to_process"
        assert [e.comment for e in events if e.action == "take_charge"] == ["Pris hors ligne, rue barrée"]
        page.goto(f"{live_server}/agent/")
        wait_js(page, "document.getElementById('offline-banner').hidden")  # nothing left pending
    finally:
        offline[0].close()
        other[0].close()


def test_queue_page_weight_is_at_most_300_kb(browser, live_server, seeded, axe_source):
    """Item 8: every response the queue page loads (HTML, CSS, JS, service
    worker, thumbnails, the inline SVG map) adds up to at most 300 KB, with a
    seeded queue of about 20 reports each with a photo, empty cache."""
    signed_in, _ = _login(browser, live_server, axe_source)
    state = signed_in.storage_state()
    signed_in.close()
    context = browser.new_context(viewport=PHONE, locale="fr-FR", storage_state=state)
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(f"{live_server}/agent/")
        listed = page.locator("ul.queue li").count()  # earlier tests closed a few
        assert listed >= len(seeded.refs) - 6 and page.locator("ul.queue img").count() == listed
        page.locator("ul.queue li").last.scroll_into_view_if_needed()  # lazy thumbnails load too
        wait_js(
            page, "[...document.querySelectorAll('ul.queue img')].every(i => i.complete && i.naturalWidth)"
        )
        page.wait_for_load_state("networkidle")
        sizes = {r.url: len(r.body()) for r in responses if not 300 <= r.status < 400}
        total = sum(sizes.values())
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "agent-queue-weight.txt").write_text(
            "\n".join(f"{n:>8} {url}" for url, n in sorted(sizes.items(), key=lambda x: -x[1]))
            + f"\n{total:>8} total\n",
            encoding="utf-8",
        )
        assert any("/media/" in url for url in sizes)  # thumbnails were counted
        assert total <= 300 * 1024, (total, sizes)
    finally:
        context.close()


def test_sort_by_distance_from_the_phones_position(browser, live_server, seeded, axe_source):
    """The browser's geolocation fills the position; the nearest report comes first."""
    lon, lat = ZIGZAG[0]
    context, page = _login(
        browser,
        live_server,
        axe_source,
        geolocation={"longitude": lon, "latitude": lat},
        permissions=["geolocation"],
    )
    try:
        page.locator("summary").click()
        page.get_by_label("Trier par").select_option("distance")
        page.locator("#geo-status").filter(has_text="Position trouvée.").wait_for()
        page.get_by_role("button", name="Appliquer", exact=True).click()
        page.wait_for_url(re.compile(r"sort=distance"))
        listed = page.locator("ul.queue li").evaluate_all("items => items.map(i => i.dataset.reference)")
        assert listed[0] == seeded.refs[0] and len(listed) >= len(seeded.refs) - 6
        distances = [
            int(m) for m in re.findall(r"à (\d+) m", " ".join(page.locator("ul.queue li").all_inner_texts()))
        ]
        assert len(distances) == len(listed) and distances == sorted(distances) and distances[0] == 0
    finally:
        context.close()


def test_session_expires_when_idle(agent, live_server, app):
    """WEB_SESSION_IDLE_MINUTES: an idle session is sent back to the login page."""
    idle = app.config["WEB_SESSION_IDLE_MINUTES"]
    app.config["WEB_SESSION_IDLE_MINUTES"] = -1  # every session is already too old
    try:
        agent.goto(f"{live_server}/agent/")
        assert "/agent/login" in agent.url
    finally:
        app.config["WEB_SESSION_IDLE_MINUTES"] = idle
    assert agent.get_by_label("Adresse e-mail").count() == 1


def test_tile_url_adds_a_street_base_map(agent, live_server, app):
    """Outlines from PostGIS always; AGENT_TILE_URL adds tiles (and only its host in the CSP)."""
    assert agent.locator("svg.agent-map .tiles image").count() == 0
    tiles = app.config["AGENT_TILE_URL"]
    app.config["AGENT_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    try:
        response = agent.goto(f"{live_server}/agent/")
        hrefs = agent.locator("svg.agent-map .tiles image").evaluate_all(
            "images => images.map(i => i.getAttribute('href'))"
        )
        assert hrefs and all(re.fullmatch(r"https://tiles\.example\.org/\d+/\d+/\d+\.png", h) for h in hrefs)
        assert (
            "img-src 'self' data: blob: https://tiles.example.org;"
            in response.headers["content-security-policy"]
        )
        assert agent.locator("svg.agent-map .districts path").count() == 20
    finally:
        app.config["AGENT_TILE_URL"] = tiles


def test_refused_actions_keep_the_input_and_show_what_is_allowed(agent, live_server, seeded, app):
    """Item 4: a 422 shows the field's error, a 409 the actions allowed now; the
    agent's text stays in the form both times and nothing is applied."""
    ref = seeded.refs[18]
    _act(agent, live_server, ref, "Programmer")
    agent.get_by_label("Date d'intervention").fill("2001-01-15")  # in the past (the form is novalidate)
    agent.get_by_label("Commentaire interne (facultatif)").fill("Prévu avec la voirie")
    agent.get_by_role("button", name="Programmer").click()
    assert agent.locator("#err-date").count() == 1
    assert agent.get_by_label("Date d'intervention").get_attribute("aria-invalid") == "true"
    assert agent.get_by_label("Commentaire interne (facultatif)").input_value() == "Prévu avec la voirie"
    axe(agent, "refused-422")

    agent.goto(f"{live_server}/agent/r/{ref}/end_watch")  # not allowed on a new report
    agent.get_by_label("Commentaire interne (facultatif)").fill("Surveillance terminée")
    agent.get_by_role("button", name="Fin de surveillance").click()
    assert agent.get_by_text("Actions possibles maintenant").count() == 1
    assert agent.get_by_role("link", name="Prendre en charge", exact=True).count() == 1
    assert agent.get_by_label("Commentaire interne (facultatif)").input_value() == "Surveillance terminée"
    axe(agent, "refused-409")
    report, events = _report(app, ref)
    assert report.state == "new" and [e.action for e in events if e.action in ("schedule", "end_watch")] == []


def test_logout_ends_the_session(browser, live_server, seeded, axe_source):
    context, page = _login(browser, live_server, axe_source)
    try:
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{live_server}/agent/login")
        page.goto(f"{live_server}/agent/")
        assert "/agent/login" in page.url
    finally:
        context.close()


def test_route_sheet_starts_from_the_point_the_agent_picks(agent, live_server, seeded):
    """From the west end, the first stop is a western one; from the east end, an eastern one."""
    west = min(ZIGZAG)
    east = max(ZIGZAG)
    for (lon, lat), nearest in (
        (west, seeded.stops[ZIGZAG.index(west)]),
        (east, seeded.stops[ZIGZAG.index(east)]),
    ):
        agent.goto(f"{live_server}/agent/tournee")
        agent.get_by_label("Départ : latitude").fill(str(lat))
        agent.get_by_label("Départ : longitude").fill(str(lon))
        agent.locator("#route-form button[type=submit]").click()
        agent.wait_for_url(re.compile(r"lon="))
        order = agent.locator("table.route tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.reference)"
        )
        assert order[0] == nearest


def test_service_fait_with_a_photo_taken_offline_is_sent_once_online(
    agent, live_server, seeded, app, tmp_path
):
    """The issue's "done when", offline: the photo is kept in IndexedDB with the
    action and sent with it when the network returns; the ticket is closed once."""
    ref = seeded.refs[19]
    _perform(app, ref, "take_charge")
    photo = tmp_path / "avaloir.jpg"
    Image.new("RGB", (2400, 1800), (160, 120, 40)).save(photo, "JPEG")
    _act(agent, live_server, ref, "Service fait")
    agent.context.set_offline(True)
    with agent.expect_file_chooser() as chooser:
        agent.get_by_label("Photo du travail fait").click()
    chooser.value.set_files(str(photo))
    wait_js(agent, "document.getElementById('p-photo').dataset.width")
    agent.get_by_label("Texte libre au demandeur").fill("Avaloir débouché.")
    agent.get_by_role("button", name="Service fait").click()
    banner = agent.locator("#offline-banner")
    banner.filter(has_text="Hors ligne — 1 action en attente").wait_for()
    assert _report(app, ref)[0].state == "to_process"
    agent.context.set_offline(False)
    banner.filter(has_text="envoyée").wait_for()
    report, events = _report(app, ref)
    assert report.state == "done" and [e.action for e in events].count("done") == 1
    assert events[-1].public_message == "Avaloir débouché."
    drain(app)  # the photo job
    with app.app_context():
        done = db.session.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == "done"))
        assert done is not None and done.status == "ready" and max(done.width, done.height) <= 1600
        db.session.remove()


def test_offline_action_survives_an_expired_session(agent, live_server, seeded, app):
    """Back online with the session expired, the replay gets a 401 (not the login
    page taken for a success): the action stays in the phone and is sent, once,
    after the agent signs in again."""
    ref = seeded.refs[20]
    _act(agent, live_server, ref, "Prendre en charge")
    agent.context.set_offline(True)
    agent.get_by_label("Commentaire interne (facultatif)").fill("Pris avant la fin de session")
    agent.get_by_role("button", name="Prendre en charge").click()
    banner = agent.locator("#offline-banner")
    banner.filter(has_text="Hors ligne — 1 action en attente").wait_for()
    idle = app.config["WEB_SESSION_IDLE_MINUTES"]
    app.config["WEB_SESSION_IDLE_MINUTES"] = -1  # the session expires meanwhile
    try:
        agent.context.set_offline(False)
        banner.filter(has_text="Session expirée").wait_for()
        assert _report(app, ref)[0].state == "new"
    finally:
        app.config["WEB_SESSION_IDLE_MINUTES"] = idle
    agent.goto(f"{live_server}/agent/login")
    agent.get_by_label("Adresse e-mail").fill(AGENT_EMAIL)
    agent.get_by_label("Mot de passe").fill(PASSWORD)
    agent.get_by_role("button", name="Se connecter").click()
    agent.wait_for_url(f"{live_server}/agent/")
    banner.filter(has_text="envoyée").wait_for()
    report, events = _report(app, ref)
    assert report.state == "to_process"
    assert [e.comment for e in events if e.action == "take_charge"] == ["Pris avant la fin de session"]


def test_two_offline_conflicts_are_shown_one_after_the_other(browser, live_server, seeded, app, axe_source):
    first_ref, second_ref = seeded.refs[2], seeded.refs[3]
    context, page = _login(browser, live_server, axe_source)
    try:
        _act(page, live_server, first_ref, "Commentaire interne")
        tab = context.new_page()
        _act(tab, live_server, second_ref, "Commentaire interne")
        context.set_offline(True)
        for p, text in ((page, "Hors ligne, premier"), (tab, "Hors ligne, second")):
            p.get_by_label("Commentaire interne").fill(text)
            p.get_by_role("button", name="Commentaire interne").click()
            p.get_by_role("status").filter(has_text="enregistrée hors ligne").wait_for()
        tab.close()
        for ref in (first_ref, second_ref):
            _perform(app, ref, "comment", comment="Un collègue avant")
        context.set_offline(False)
        heading = page.get_by_role("heading", name="Ce signalement a changé entre-temps")
        heading.wait_for()
        shown = [page.locator("h1 + .alert").inner_text()]
        page.locator("#offline-banner").filter(has_text="1 conflit à revoir.").wait_for()
        page.get_by_role("button", name="Commentaire interne").click()  # redo the first
        page.wait_for_url(re.compile(r"/agent/r/"))
        heading.wait_for()  # then the second opens
        shown.append(page.locator("h1 + .alert").inner_text())
        page.get_by_role("button", name="Commentaire interne").click()
        page.wait_for_url(re.compile(r"/agent/r/"))
        assert first_ref in shown[0] and second_ref in shown[1]
        for ref, text in ((first_ref, "Hors ligne, premier"), (second_ref, "Hors ligne, second")):
            assert [e.comment for e in _report(app, ref)[1]].count(text) == 1
    finally:
        context.close()


def test_a_refused_mass_action_keeps_the_ticks_and_choices(agent, live_server, seeded, app):
    """Item 4 for mass actions: a 422 shows the queue again, same filters, the same
    reports ticked, the same action and text, and the reason; nothing applied."""
    chosen = [seeded.refs[12], seeded.refs[13]]
    agent.goto(f"{live_server}/agent/?state=to_process")
    for ref in chosen:
        agent.get_by_label(f"Sélectionner {ref}").check()
    agent.get_by_label("Action", exact=True).select_option("reject")
    too_long = "Motif " + "x" * 1000  # the API's bound is 1,000 characters
    agent.get_by_label("Motif de rejet (Rejeter)").fill(too_long)
    agent.get_by_role("button", name="Appliquer aux signalements cochés").click()
    agent.locator("#mass-error").wait_for()
    assert agent.locator("#mass-error").inner_text().startswith("Paramètres de l'action invalides.")
    assert all(agent.get_by_label(f"Sélectionner {ref}").is_checked() for ref in chosen)
    assert agent.get_by_label("Action", exact=True).input_value() == "reject"
    assert agent.get_by_label("Motif de rejet (Rejeter)").input_value() == too_long
    assert agent.get_by_label("Trier par").count() == 1  # the queue page, its filters kept:
    assert agent.locator("#f-state").input_value() == "to_process"
    axe(agent, "mass-refused")
    assert {_report(app, ref)[0].state for ref in chosen} == {"to_process"}
