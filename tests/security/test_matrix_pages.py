"""The authorisation matrix of the server-rendered pages (#21.5): every page
and form x every kind of caller, from ONE table, with the cookie session the
pages really use. (The JSON API's matrix is tests/agents/test_matrix.py; the
apps' RPC is tests/security/test_matrix_mobile.py.)

The report belongs to the agent's unit (DPE-STPP-DT, direction DPE); the
resident is its reporter; "other_agent" works for DVD-STV.
"""

import time

import pytest

from dansmarue.models import Report, ReportEvent, db
from dansmarue.web_session import CSRF_KEY, EPOCH_KEY, SEEN_KEY, USER_KEY
from tests.agents.conftest import ROLES_CASES, make_report, people  # noqa: F401

CSRF = "jeton-csrf-de-la-matrice"
R = "/agent/r/{ref}"
#            anonymous resident other_agent agent manager admin
STAFF_PAGE = (302, 403, 200, 200, 200, 200)
SCOPED_PAGE = (302, 403, 404, 200, 200, 200)
MANAGERS_PAGE = (302, 403, 403, 403, 200, 200)
SCOPED_FORM = (302, 403, 404, 302, 302, 302)  # done: back to the report page

MATRIX = [
    # method, path, form, expected statuses per caller
    ("GET", "/agent/", None, STAFF_PAGE),
    ("GET", "/agent/tournee", None, STAFF_PAGE),
    ("GET", R, None, SCOPED_PAGE),
    ("GET", R + "/take_charge", None, SCOPED_PAGE),
    ("POST", R + "/take_charge", {}, SCOPED_FORM),
    ("GET", "/dashboard", None, MANAGERS_PAGE),
    ("GET", "/dashboard/overdue.csv", None, MANAGERS_PAGE),
]
CASES = [
    pytest.param(method, path, form, who, expected[i], id=f"{method} {path} as {who}")
    for method, path, form, expected in MATRIX
    for i, who in enumerate(ROLES_CASES)
]


def _sign_in(client, user) -> None:
    """The session a successful login writes (web_session.log_in), without the
    password round-trip: the login form itself is tested in tests/agentapp."""
    with client.session_transaction() as cookie:
        cookie.update(
            {USER_KEY: user.id, EPOCH_KEY: user.session_epoch, CSRF_KEY: CSRF, SEEN_KEY: int(time.time())}
        )


@pytest.mark.parametrize(("method", "path", "form", "who", "expected"), CASES)
def test_page_matrix(client, people, method, path, form, who, expected):
    report = make_report("new", reporter_email=people["users"]["resident"].email)
    events = db.session.query(ReportEvent).filter_by(report_id=report.id).count()
    if who != "anonymous":
        _sign_in(client, people["users"][who])
    url = path.format(ref=report.reference)
    if method == "GET":
        answer = client.get(url)
    else:
        answer = client.post(url, data={**form, "csrf_token": CSRF, "version": report.version})
    assert answer.status_code == expected, answer.data[:300]

    db.session.expire_all()
    changed = db.session.get(Report, report.id).state != "new"
    performed = method == "POST" and expected == 302 and who != "anonymous"
    if performed:
        assert changed, "the allowed caller's action was not performed"
        assert answer.headers["Location"].endswith(f"/agent/r/{report.reference}")
    else:
        assert not changed and db.session.query(ReportEvent).filter_by(report_id=report.id).count() == events
    if answer.status_code == 302 and not performed:
        assert "/login" in answer.headers["Location"]
    if expected in (403, 404):
        assert report.reference not in answer.get_data(as_text=True) or expected == 403


# The admin pages (#13.2): admins only; anonymous callers go to /admin/login,
# everyone else gets the 403 page. A POST is performed only for the admin (its
# audit entry appears); for anyone else nothing is written.
ADMIN_PAGE = (302, 403, 403, 403, 403, 200)
ADMIN_FORM = (302, 403, 403, 403, 403, 302)
OPEN_PAGE = (200, 200, 200, 200, 200, 200)
GRASS = 17


def _admin_things(people) -> dict:
    """One of each thing the admin pages change, made through the admin services."""
    from dansmarue.admin import sectors as sector_admin
    from dansmarue.admin import units as unit_admin
    from dansmarue.catalogue import agent_texts
    from dansmarue.models import Category, Sector, SlaTarget, Unit
    from dansmarue.sla import target_admin
    from dansmarue.workflow import requalification

    units = {u.code: u for u in db.session.query(Unit)}
    unit = unit_admin.save(
        {"code": "MATRICE-U", "label": "Unité de la matrice", "parent_id": units["DPE"].id}
    )
    db.session.query(SlaTarget).filter_by(category_id=GRASS, priority=3).delete()
    target = target_admin.save(
        {"category_id": GRASS, "priority": 3, "ack_amount": 1, "ack_unit": "hours"}
        | {"resolve_amount": 2, "resolve_unit": "hours"}
    )
    reason = agent_texts.save("reason", {"label": "Motif de la matrice"})
    message = agent_texts.save("message", {"title": "Titre matrice", "message": "Message de la matrice"})
    rule = requalification.save({"source_unit_id": unit.id, "target_unit_id": units["DVD-STV"].id})
    sector = db.session.query(Sector).order_by(Sector.id).first()
    sector_copy = sector_admin.save(
        {"name": "Secteur matrice", "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    )
    grass = db.session.get(Category, GRASS)
    from dansmarue.access import auth

    disabled = auth.create_user("matrice.desactive@example.org", None, "agent")
    auth.set_active(disabled, False)
    return {
        "disabled": disabled.id,
        "user": people["users"]["other_agent"].id,
        "unit": unit.id,
        "dpe": units["DPE"].id,
        "category": GRASS,
        "category_parent": grass.parent_id,
        "category_unit": grass.unit_id,
        "sla": target.id,
        "reason": reason.id,
        "message": message.id,
        "rule": rule.id,
        "sector": sector_copy.id,
        "first_sector": sector.id,
        "dvd": units["DVD-STV"].id,
    }


SQUARE = [[2.33, 48.86], [2.34, 48.86], [2.34, 48.87], [2.33, 48.87], [2.33, 48.86]]
GEOJSON = '{"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.31, 48.8], [2.31, 48.81], [2.3, 48.8]]]}'
UNIT_FORM = {
    "code": "MATRICE-V",
    "label": "Autre unité",
    "kind": "service",
    "parent_id": "{dpe}",
    "active": "on",
}
SLA_FORM = {"category_id": "17", "priority": "3", "ack_amount": "4", "ack_unit": "hours"}
SLA_FORM |= {"resolve_amount": "5", "resolve_unit": "hours"}
RULE_FORM = {"source_unit_id": "{unit}", "target_unit_id": "{dvd}", "active": "on"}
CATEGORY_FORM = {"label": "Catégorie matrice", "parent_id": "{category_parent}", "unit_id": "{category_unit}"}

ADMIN_MATRIX = [
    ("GET", "/admin/login", None, OPEN_PAGE),
    ("GET", "/agent/password-reset?token=inconnu", None, OPEN_PAGE),
    (
        "POST",
        "/agent/password-reset",
        {"token": "inconnu", "password": "x" * 14, "confirm": "x" * 14},
        (422,) * 6,
    ),
    *[
        ("GET", path, None, ADMIN_PAGE)
        for path in (
            "/admin/",
            "/admin/users",
            "/admin/users/new",
            "/admin/users/{user}",
            "/admin/units",
            "/admin/units/new",
            "/admin/units/{unit}",
            "/admin/categories",
            "/admin/categories/new",
            "/admin/categories/{category}",
            "/admin/sla-targets",
            "/admin/sla-targets/new",
            "/admin/sla-targets/{sla}",
            "/admin/texts",
            "/admin/rejection-reasons",
            "/admin/rejection-reasons/new",
            "/admin/rejection-reasons/{reason}",
            "/admin/done-messages",
            "/admin/done-messages/new",
            "/admin/done-messages/{message}",
            "/admin/requalification-rules",
            "/admin/requalification-rules/new",
            "/admin/requalification-rules/{rule}",
            "/admin/sectors",
            "/admin/sectors/new",
            "/admin/sectors/{sector}",
            "/admin/preview",
            "/admin/preview?category_id=17&latitude=48.8566&longitude=2.3522",
            "/admin/audit",
        )
    ],
    ("POST", "/admin/users/new", {"email": "matrice.nouveau@example.org", "role": "agent"}, ADMIN_FORM),
    ("POST", "/admin/users/{user}", {"full_name": "Nom de matrice", "role": "agent"}, ADMIN_FORM),
    ("POST", "/admin/users/{user}/disable", {}, ADMIN_FORM),
    ("POST", "/admin/users/{disabled}/enable", {}, ADMIN_FORM),
    ("POST", "/admin/users/{user}/password-reset", {}, ADMIN_FORM),
    ("POST", "/admin/users/{user}/logout", {}, ADMIN_FORM),
    ("POST", "/admin/units/new", UNIT_FORM, ADMIN_FORM),
    ("POST", "/admin/units/{unit}", {**UNIT_FORM, "code": "MATRICE-U"}, ADMIN_FORM),
    ("POST", "/admin/categories/new", CATEGORY_FORM, ADMIN_FORM),
    ("POST", "/admin/categories/{category}", {**CATEGORY_FORM, "active": "on"}, ADMIN_FORM),
    ("POST", "/admin/sla-targets/new", {**SLA_FORM, "priority": "2"}, ADMIN_FORM),
    ("POST", "/admin/sla-targets/{sla}", SLA_FORM, ADMIN_FORM),
    ("POST", "/admin/sla-targets/{sla}/delete", {}, ADMIN_FORM),
    ("POST", "/admin/rejection-reasons/new", {"label": "Nouveau motif"}, ADMIN_FORM),
    ("POST", "/admin/rejection-reasons/{reason}", {"label": "Motif changé"}, ADMIN_FORM),
    ("POST", "/admin/rejection-reasons/{reason}/delete", {}, ADMIN_FORM),
    ("POST", "/admin/done-messages/new", {"title": "Nouveau", "message": "Texte nouveau"}, ADMIN_FORM),
    ("POST", "/admin/done-messages/{message}", {"title": "Changé", "message": "Texte changé"}, ADMIN_FORM),
    ("POST", "/admin/done-messages/{message}/delete", {}, ADMIN_FORM),
    ("POST", "/admin/requalification-rules/new", {**RULE_FORM, "source_unit_id": "{dpe}"}, ADMIN_FORM),
    (
        "POST",
        "/admin/requalification-rules/{rule}",
        {"source_unit_id": "{unit}", "target_unit_id": "{dvd}"},
        ADMIN_FORM,
    ),
    ("POST", "/admin/requalification-rules/{rule}/delete", {}, ADMIN_FORM),
    ("POST", "/admin/sectors/new", {"name": "Secteur neuf", "geometry": GEOJSON}, ADMIN_FORM),
    ("POST", "/admin/sectors/{sector}", {"name": "Secteur renommé", "geometry": GEOJSON}, ADMIN_FORM),
]
ADMIN_CASES = [
    pytest.param(method, path, form, who, expected[i], id=f"{method} {path} as {who}")
    for method, path, form, expected in ADMIN_MATRIX
    for i, who in enumerate(ROLES_CASES)
]


@pytest.mark.parametrize(("method", "path", "form", "who", "expected"), ADMIN_CASES)
def test_admin_page_matrix(client, people, method, path, form, who, expected):
    from dansmarue.extensions import limiter
    from dansmarue.models.audit import AuditEntry

    limiter.reset()  # the password-reset form allows 10 a minute
    ids = _admin_things(people)
    db.session.commit()  # a savepoint: a refused request's rollback keeps the set-up
    if who != "anonymous":
        _sign_in(client, people["users"][who])
    else:
        with client.session_transaction() as cookie:
            cookie[CSRF_KEY] = CSRF  # so that only the role decides, not the token
    url = path.format(**ids)
    trail = db.session.query(AuditEntry).count()
    if method == "GET":
        answer = client.get(url)
    else:
        data = {k: v.format(**ids) if k != "geometry" else v for k, v in form.items()}
        answer = client.post(url, data={**data, "csrf_token": CSRF})
    assert answer.status_code == expected, answer.get_data(as_text=True)[:600]

    db.session.expire_all()
    written = db.session.query(AuditEntry).count() - trail
    performed = method == "POST" and path.startswith("/admin") and who == "admin"
    assert (written > 0) == performed, f"audit entries written: {written}"
    if answer.status_code == 302 and not performed and path.startswith("/admin"):
        assert "/admin/login" in answer.headers["Location"]
