"""The offline replay's HTTP side (what agent.js sends), through the real app:
one key applies once, a reused key with other content is refused, a stale
version answers 412 with what changed, an expired session answers 401."""

import re
import uuid

from sqlalchemy import select

from dansmarue.models import Report, ReportEvent, db
from tests.agentapp.conftest import AGENT_EMAIL, PASSWORD


def _signed_in(app):
    client = app.test_client()
    page = client.get("/agent/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/agent/login", data={"email": AGENT_EMAIL, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    csrf = re.search(r'data-csrf="([^"]+)"', client.get("/agent/").get_data(as_text=True)).group(1)
    return client, csrf


def _state(app, reference):
    with app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        events = [
            (e.action, e.comment)
            for e in db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id))
        ]
        version = report.version
        db.session.remove()
        return version, events


def _replay(client, csrf, reference, action, version, key, **form):
    return client.post(
        f"/agent/r/{reference}/{action}",
        data=form,
        headers={
            "Idempotency-Key": key,
            "If-Match": f'"{version}"',
            "X-CSRF-Token": csrf,
            "Accept": "application/json",
        },
    )


def test_a_replayed_action_applies_once(app, seeded):
    ref = seeded.refs[3]
    client, csrf = _signed_in(app)
    version, before = _state(app, ref)
    key = str(uuid.uuid4())
    first = _replay(client, csrf, ref, "comment", version, key, comment="Envoyé deux fois")
    again = _replay(client, csrf, ref, "comment", version, key, comment="Envoyé deux fois")
    assert (first.status_code, first.get_json()["replayed"]) == (200, False)
    assert (again.status_code, again.get_json()["replayed"]) == (200, True)
    assert _state(app, ref)[1].count(("comment", "Envoyé deux fois")) == 1
    reused = _replay(client, csrf, ref, "comment", version, key, comment="Autre texte")
    assert reused.status_code == 409 and _state(app, ref)[1].count(("comment", "Autre texte")) == 0


def test_a_stale_version_answers_412_with_what_changed(app, seeded):
    ref = seeded.refs[4]
    client, csrf = _signed_in(app)
    version, _ = _state(app, ref)
    page = client.get(f"/agent/r/{ref}/comment").get_data(as_text=True)
    seen = re.search(r'name="seen_event" value="(\d+)"', page).group(1)
    assert (
        _replay(client, csrf, ref, "comment", version, str(uuid.uuid4()), comment="Premier").status_code
        == 200
    )
    stale = _replay(
        client, csrf, ref, "comment", version, str(uuid.uuid4()), comment="Second", seen_event=seen
    )
    body = stale.get_json()
    assert stale.status_code == 412 and [c["action"] for c in body["changes"]] == ["Commentaire interne"]
    assert ("comment", "Second") not in _state(app, ref)[1]


def test_an_expired_session_answers_401_not_the_login_page(app, seeded):
    ref = seeded.refs[5]
    client, csrf = _signed_in(app)
    version, before = _state(app, ref)
    client.post("/agent/logout", data={"csrf_token": csrf})
    response = _replay(client, csrf, ref, "comment", version, str(uuid.uuid4()), comment="Trop tard")
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert _state(app, ref)[1] == before
