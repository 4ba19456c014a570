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
