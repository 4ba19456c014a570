"""The authorisation matrix of the apps' RPC (#21.5): the calls that act on a
report x every kind of caller, from ONE table. A resident is known by the
account guid the app sends (never published: #21.2); staff by a bearer token.
0 is the protocol's success, 36 (BAD_OWNER) its "not yours"."""

import json

import pytest
from sqlalchemy import func, select

from dansmarue.models import Report, ReportEvent
from dansmarue.workflow import perform as workflow
from tests.agents.conftest import bearer, people  # noqa: F401
from tests.interop.conftest import leaf, make_report  # noqa: F401
from tests.interop.mobile_client import RPC

CALLERS = ("anonymous", "stranger", "reporter", "other_agent", "agent", "admin")
GUIDS = {"stranger": "guid-intruder", "reporter": "guid-reporter"}
GRASS = 17  # "Herbes éparses" -> DPE-STPP-DT, the agent's unit


def resolved(report) -> dict:
    return {"request": "incidentResolved", "incidentId": str(report.id), "comment": "C'est propre"}


def requalified(report) -> dict:
    return {
        "request": "changeStatus",
        "answer": {"id": str(report.id), "status": "requalifier", "id_type_anomalie": 24},
    }


#        anonymous stranger reporter other_agent agent admin
MATRIX = [
    (resolved, (36, 36, 0, 36, 0, 0)),
    (requalified, (36, 36, 36, 36, 0, 0)),
]
CASES = [
    pytest.param(call, who, expected[i], id=f"{call.__name__} as {who}")
    for call, expected in MATRIX
    for i, who in enumerate(CALLERS)
]


@pytest.mark.parametrize(("call", "who", "expected"), CASES)
def test_mobile_matrix(client, session, people, make_report, call, who, expected):
    report = make_report(category_id=GRASS)
    workflow.perform(report.id, "create", None)
    workflow.perform(report.id, "route_to_unit", None)
    session.commit()
    before = session.scalar(select(func.count()).where(ReportEvent.report_id == report.id))
    request = call(report)
    if who in GUIDS:
        request["guid"] = GUIDS[who]
    headers = bearer(people, who) if who in people["users"] else {}
    response = client.post(RPC, data={"jsonStream": json.dumps([request])}, headers=headers)
    (body,) = json.loads(response.data)
    code = body["answer"]["status"] if "answer" in body else body["error"]
    assert code == expected, body
    session.expire_all()
    after = session.get(Report, report.id)
    events = session.scalar(select(func.count()).where(ReportEvent.report_id == report.id))
    if expected == 0:
        assert events > before and (after.state == "done" or after.category_id == 24)
    else:
        assert events == before and after.state != "done" and after.category_id == GRASS
