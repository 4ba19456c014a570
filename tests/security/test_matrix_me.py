"""The authorisation matrix of a person's lists, /api/v1/me/* (#19.2): every
kind of caller x both lists, from ONE table. The resident "habitant" filed
one report and follows another; "autre" (another resident) filed a third;
the apps' guid "guid-app" filed a fourth. The sign-in flow itself is tested
in tests/residents/test_resident_sign_in.py; here tokens and cookies are
issued as that flow issues them."""

import time

import pytest

from dansmarue.access import auth
from dansmarue.web_session import CSRF_KEY, EPOCH_KEY, SEEN_KEY, USER_KEY
from tests.agents.conftest import make_report, people  # noqa: F401

HABITANT, AUTRE = "habitant@example.org", "autre@example.org"

# caller -> (how it asks, expected status, what /reports lists, what /follows lists)
MATRIX = {
    "anonymous": ({}, 401, None, None),
    "bare e-mail": ({"query": {"email": HABITANT}}, 401, None, None),
    "another resident's session + e-mail": (
        {"bearer": "autre", "query": {"email": HABITANT}},
        403,
        None,
        None,
    ),
    "another resident's session": ({"bearer": "autre"}, 200, {"theirs"}, set()),
    "the resident's token": ({"bearer": "resident"}, 200, {"mine"}, {"followed"}),
    "the resident's cookie session": ({"cookie": "resident"}, 200, {"mine"}, {"followed"}),
    "a guid": ({"query": {"guid": "guid-app"}}, 200, {"app"}, set()),
    "a guid + someone's e-mail": ({"query": {"guid": "guid-app", "email": HABITANT}}, 401, None, None),
    "an agent's token": ({"bearer": "agent"}, 403, None, None),
    "a manager's token": ({"bearer": "manager"}, 403, None, None),
    "an admin's token": ({"bearer": "admin"}, 403, None, None),
    "an admin's token + e-mail": ({"bearer": "admin", "query": {"email": HABITANT}}, 403, None, None),
    "an agent's cookie session": ({"cookie": "agent"}, 403, None, None),
    "a revoked resident token": ({"bearer": "revoked"}, 401, None, None),
}


@pytest.fixture
def world(session, people):
    from dansmarue.models import Follower

    habitant = people["users"]["resident"]
    habitant.email = HABITANT
    autre = auth.create_user(AUTRE, None, "resident")
    reports = {
        "mine": make_report("new", reporter_email=HABITANT),
        "followed": make_report("new", reporter_email="tiers@example.org"),
        "theirs": make_report("new", reporter_email=AUTRE),
        "app": make_report("new", reporter_guid="guid-app"),
    }
    session.add(Follower(report_id=reports["followed"].id, email=HABITANT, token="suivi-habitant"))
    session.flush()
    tokens = {**people["tokens"], "autre": auth.issue_token(autre), "revoked": auth.issue_token(habitant)}
    auth.revoke_token(tokens["revoked"])
    refs = {name: r.reference for name, r in reports.items()}
    return {"users": {**people["users"], "autre": autre}, "tokens": tokens, "refs": refs}


CASES = [
    pytest.param(caller, path, id=f"{path} as {caller}")
    for caller in MATRIX
    for path in ("reports", "follows")
]


@pytest.mark.parametrize(("caller", "path"), CASES)
def test_me_matrix(client, world, caller, path):
    how, expected, reports, follows = MATRIX[caller]
    headers = {}
    if "bearer" in how:
        headers["Authorization"] = f"Bearer {world['tokens'][how['bearer']]}"
    if "cookie" in how:
        user = world["users"][how["cookie"]]
        with client.session_transaction() as cookie:
            cookie.update(
                {USER_KEY: user.id, EPOCH_KEY: user.session_epoch, CSRF_KEY: "x", SEEN_KEY: int(time.time())}
            )
    answer = client.get(f"/api/v1/me/{path}", headers=headers, query_string=how.get("query", {}))
    assert answer.status_code == expected, answer.data[:300]
    refs = world["refs"]
    if expected != 200:
        assert answer.mimetype == "application/problem+json"
        assert not any(ref in answer.get_data(as_text=True) for ref in refs.values())
        return
    listed = {item["reference"] for item in answer.json["items"]}
    wanted = reports if path == "reports" else follows
    assert listed & set(refs.values()) == {refs[name] for name in wanted}
