"""Authorisation matrix: every endpoint x every kind of caller, from ONE table.

The report belongs to the agent's unit (DPE-STPP-DT, direction DPE); the
resident is its reporter; "other_agent" works for DVD-STV.
"""

import pytest
from sqlalchemy import delete, select

from dansmarue.access import auth
from dansmarue.models import Sector, SlaTarget
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.models.requalification import RequalificationRule
from tests.agents.conftest import ROLES_CASES, bearer, make_report

R = "/api/v1/agent/reports/{ref}"
#            anonymous resident other_agent agent manager admin
PUBLIC_OK = (200, 200, 200, 200, 200, 200)
ANY_USER = (401, 200, 200, 200, 200, 200)
STAFF_ANY = (401, 403, 200, 200, 200, 200)
STAFF_SCOPED = (401, 403, 404, 200, 200, 200)
ADMIN = (401, 403, 403, 403, 403, 200)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.30, 48.84], [2.31, 48.84], [2.31, 48.85], [2.30, 48.85], [2.30, 48.84]]],
}

MATRIX = [
    # method, path, json body, expected statuses per caller
    ("GET", "/api/v1/auth/me", None, ANY_USER),
    ("POST", "/api/v1/auth/logout", None, (401, 204, 204, 204, 204, 204)),
    ("GET", "/api/v1/agent/reports", None, STAFF_ANY),
    ("GET", R, None, STAFF_SCOPED),
    ("POST", R + "/actions/take_charge", {}, STAFF_SCOPED),
    (
        "POST",
        "/api/v1/agent/reports/mass-actions",
        {"action": "take_charge", "references": ["{ref}"]},
        STAFF_ANY,
    ),
    ("GET", R + "/done-messages", None, STAFF_SCOPED),
    ("GET", "/api/v1/agent/rejection-reasons", None, STAFF_ANY),
    ("POST", "/api/v1/reports/{ref}/resolve", {}, (403, 200, 403, 200, 200, 200)),  # #21.3
    ("GET", "/api/v1/admin/rejection-reasons", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/rejection-reasons",
        {"label": "Motif ajouté par la matrice"},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/rejection-reasons/{reason}", None, ADMIN),
    ("PATCH", "/api/v1/admin/rejection-reasons/{reason}", {"active": False}, ADMIN),
    ("DELETE", "/api/v1/admin/rejection-reasons/{reason}", None, (401, 403, 403, 403, 403, 204)),
    ("GET", "/api/v1/admin/done-messages", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/done-messages",
        {"title": "Test", "message": "Message de la matrice"},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/done-messages/{message}", None, ADMIN),
    ("PATCH", "/api/v1/admin/done-messages/{message}", {"sort_order": 9}, ADMIN),
    ("DELETE", "/api/v1/admin/done-messages/{message}", None, (401, 403, 403, 403, 403, 204)),
    ("GET", R + "/nearby-units", None, STAFF_SCOPED),
    ("GET", "/api/v1/admin/requalification-rules", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/requalification-rules",
        {"source_unit_id": 13, "target_unit_id": 23},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/requalification-rules/{rule}", None, ADMIN),
    ("PATCH", "/api/v1/admin/requalification-rules/{rule}", {"active": False}, ADMIN),
    ("DELETE", "/api/v1/admin/requalification-rules/{rule}", None, (401, 403, 403, 403, 403, 204)),
    ("GET", "/api/v1/admin/audit", None, ADMIN),
    ("GET", "/api/v1/admin/users", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/users",
        {"email": "matrice@paris.fr", "role": "agent", "send_reset_link": False},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/users/{user}", None, ADMIN),
    ("PATCH", "/api/v1/admin/users/{user}", {"full_name": "Matrice"}, ADMIN),
    ("POST", "/api/v1/admin/users/{user}/disable", None, ADMIN),
    ("POST", "/api/v1/admin/users/{user}/enable", None, ADMIN),
    ("POST", "/api/v1/admin/users/{user}/logout", None, ADMIN),
    ("POST", "/api/v1/admin/users/{user}/password-reset", None, (401, 403, 403, 403, 403, 202)),
    ("GET", "/api/v1/admin/categories", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/categories",
        {"label": "Type de la matrice"},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/categories/{category}", None, ADMIN),
    ("PATCH", "/api/v1/admin/categories/{category}", {"alias": "Alias de la matrice"}, ADMIN),
    ("GET", "/api/v1/admin/units", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/units",
        {"code": "MATRICE", "label": "Unité de la matrice", "parent_id": 13},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/units/{unit}", None, ADMIN),
    ("PATCH", "/api/v1/admin/units/{unit}", {"email": "matrice@paris.fr"}, ADMIN),
    ("GET", "/api/v1/admin/sla-targets", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/sla-targets",
        {
            "category_id": 17,
            "priority": 3,
            "ack_amount": 4,
            "ack_unit": "hours",
            "resolve_amount": 2,
            "resolve_unit": "business_days",
        },
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/sla-targets/{target}", None, ADMIN),
    ("PATCH", "/api/v1/admin/sla-targets/{target}", {"rationale": "Matrice"}, ADMIN),
    ("DELETE", "/api/v1/admin/sla-targets/{target}", None, (401, 403, 403, 403, 403, 204)),
    ("GET", "/api/v1/admin/sectors", None, ADMIN),
    (
        "POST",
        "/api/v1/admin/sectors",
        {"name": "Secteur de la matrice", "geometry": SQUARE, "unit_ids": [23]},
        (401, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/admin/sectors/{sector}", None, ADMIN),
    ("PATCH", "/api/v1/admin/sectors/{sector}", {"name": "Secteur renommé"}, ADMIN),
    # Public by design (the token is the credential): a bad token is a 422 for anyone.
    (
        "POST",
        "/api/v1/auth/password-reset",
        {"token": "inconnu", "password": "un mot de passe solide"},
        (422, 422, 422, 422, 422, 422),
    ),
    # Residents (#19.2): the same 202 for everyone (no enumeration), a bad link 422,
    # and only a resident's token signs a resident out (tests/security/test_matrix_me.py).
    ("POST", "/api/v1/auth/resident/sign-in-link", {"email": "quiconque@example.org"}, (202,) * 6),
    ("POST", "/api/v1/auth/resident/session", {"token": "inconnu"}, (422,) * 6),
    ("DELETE", "/api/v1/auth/resident/session", None, (401, 204, 403, 403, 403, 403)),
]

CASES = [
    pytest.param(method, path, body, who, expected[i], id=f"{method} {path} as {who}")
    for method, path, body, expected in MATRIX
    for i, who in enumerate(ROLES_CASES)
]


def _fill(value, names):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("method,path,body,who,expected", CASES)
def test_authorisation(client, session, people, method, path, body, who, expected):
    report = make_report(reporter_email="habitant@example.org")
    reason = RejectionReason(label="Motif temporaire de la matrice")
    message = ServiceDoneMessage(title="Temporaire", message="Message temporaire")
    rule = RequalificationRule(source_unit_id=14, target_unit_id=23)
    session.add_all([reason, message, rule])
    session.flush()
    sla_target = SlaTarget(
        category_id=17, priority=1, ack_amount=1, ack_unit="hours", resolve_amount=1, resolve_unit="hours"
    )
    session.execute(delete(SlaTarget).where(SlaTarget.category_id == 17))
    session.add(sla_target)
    target = auth.create_user("cible.matrice@paris.fr", None, "agent", unit_codes=["DVD-STV"])
    names = {
        "ref": report.reference,
        "reason": reason.id,
        "message": message.id,
        "rule": rule.id,
        "user": target.id,
        "category": 17,
        "unit": 23,
        "target": sla_target.id,
        "sector": session.scalar(select(Sector.id).order_by(Sector.id).limit(1)),
    }
    headers = {**bearer(people, who), "If-Match": f'"{report.version}"'}
    response = client.open(_fill(path, names), method=method, json=_fill(body, names), headers=headers)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert response.mimetype == "application/problem+json"


def test_matrix_covers_every_agent_admin_and_auth_endpoint(app):
    """A new route under these prefixes must be added to the matrix."""
    import re

    sample = {
        "ref": "X",
        "reason": 1,
        "message": 1,
        "rule": 1,
        "user": 1,
        "category": 1,
        "unit": 1,
        "target": 1,
        "sector": 1,
    }
    concrete = {(m, _fill(p, sample)) for m, p, _, _ in MATRIX}
    prefixes = ("/api/v1/agent", "/api/v1/admin", "/api/v1/auth")
    checked = 0
    for rule in app.url_map.iter_rules():
        path = str(rule)
        if not path.startswith(prefixes) and not path.endswith("/resolve"):
            continue
        if path == "/api/v1/auth/login":
            continue  # public by design, covered in test_auth
        pattern = re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", path) + "$")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and pattern.match(p) for m, p in concrete), (method, path)
            checked += 1
    assert checked == len(MATRIX)
