"""Mass actions (each report on its own) and resident closure."""

import pytest
from sqlalchemy import select

from dansmarue.access import auth
from dansmarue.errors import Forbidden
from dansmarue.models import ReportEvent
from dansmarue.reports.resolution import declare_resolved
from tests.agents.conftest import GRID, bearer, make_report


def test_mass_reject_applies_each_report_atomically(client, people, session):
    ok = [make_report(state="to_process") for _ in range(53)]  # crosses a commit chunk (50)
    closed = make_report(state="done")
    foreign = make_report(category_id=GRID)
    refs = [r.reference for r in ok] + [closed.reference, foreign.reference, "S2099A999999"]
    response = client.post(
        "/api/v1/agent/reports/mass-actions",
        headers=bearer(people, "agent"),
        json={"action": "reject", "references": refs, "params": {"reason": "Domaine privé"}},
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["total"], body["succeeded"], body["failed"]) == (56, 53, 3)
    assert [r["reference"] for r in body["results"]] == refs
    by_ref = {r["reference"]: r for r in body["results"]}
    assert [by_ref[r.reference]["state"] for r in ok] == ["rejected"] * 53
    assert by_ref[closed.reference]["status"] == 409 and by_ref[closed.reference]["allowed"] == []
    assert by_ref[foreign.reference]["status"] == 404
    assert by_ref["S2099A999999"]["status"] == 404
    assert session.scalar(select(ReportEvent.id).where(ReportEvent.report_id == closed.id)) is None


def test_mass_action_limits(client, people, session):
    headers = bearer(people, "agent")
    too_many = client.post(
        "/api/v1/agent/reports/mass-actions",
        headers=headers,
        json={"action": "reject", "references": ["X"] * 501, "params": {"reason": "x"}},
    )
    assert too_many.status_code == 422
    not_mass = client.post(
        "/api/v1/agent/reports/mass-actions",
        headers=headers,
        json={"action": "mark_duplicate", "references": ["X"]},
    )
    assert not_mass.status_code == 422 and not_mass.json["errors"][0]["field"] == "action"
    bad_params = client.post(
        "/api/v1/agent/reports/mass-actions",
        headers=headers,
        json={
            "action": "schedule",
            "references": [make_report().reference],
            "params": {"date": "2001-01-01"},
        },
    )
    assert bad_params.json["results"][0]["status"] == 422


def test_reporter_declares_resolved_by_token_or_guid_not_by_address(client, session):
    by_token = make_report(reporter_email="Marie@Example.org")
    # An address is knowledge, not proof (#21): anyone may know the reporter's.
    only_address = client.post(
        f"/api/v1/reports/{by_token.reference}/resolve", json={"email": "marie@example.org"}
    )
    assert only_address.status_code == 403 and by_token.state == "new"
    response = client.post(
        f"/api/v1/reports/{by_token.reference}/resolve",
        json={"token": by_token.token, "comment": "C'est réparé"},
    )
    assert response.status_code == 200, response.json
    assert response.json == {"reference": by_token.reference, "state": "Clos", "closed": True}
    event = session.scalars(select(ReportEvent).where(ReportEvent.report_id == by_token.id)).one()
    assert (event.action, event.actor_label, event.is_public) == ("done", "Usager", True)
    assert event.comment == "C'est réparé"

    by_guid = make_report(reporter_guid="guid-123")
    assert (
        client.post(f"/api/v1/reports/{by_guid.reference}/resolve", json={"guid": "guid-123"}).status_code
        == 200
    )


def test_stranger_cannot_resolve_and_closed_report_conflicts(client, session):
    report = make_report(reporter_email="a@example.org")
    stranger = client.post(f"/api/v1/reports/{report.reference}/resolve", json={"email": "b@example.org"})
    assert stranger.status_code == 403
    wrong_token = client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": "0" * 32})
    assert wrong_token.status_code == 403
    assert (
        client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": report.token}).status_code
        == 200
    )
    again = client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": report.token})
    assert again.status_code == 409
    assert client.post("/api/v1/reports/S2099A000000/resolve", json={}).status_code == 404


def test_only_staff_whose_scope_holds_the_report_may_declare_it_resolved(session):
    """#21.3: the real system let any agent close any report; not here."""
    voirie = auth.create_user("v@paris.fr", None, "agent", unit_codes=["DVD-STV"])
    report = make_report(state="scheduled")
    with pytest.raises(Forbidden, match="périmètre"):
        declare_resolved(report.id, actor=voirie)
    assert report.state == "scheduled"
    own = auth.create_user("own@paris.fr", None, "agent", unit_codes=[report.unit.code])
    declare_resolved(report.id, actor=own)
    assert report.state == "done"
    event = session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)).one()
    assert event.actor_user_id == own.id and event.data["real_action_id"] == 22


def test_residents_see_public_state_labels_and_only_their_actions(client, people, session):
    """#19.16: no internal state label or action code leaks to the caller."""
    report = make_report(reporter_email="c@example.org")
    assert (
        client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": report.token}).status_code
        == 200
    )
    again = client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": report.token})
    assert again.status_code == 409
    text = str(again.json)
    assert "« Clos »" in text and "dans l'état « Service fait »" not in text
    fresh = make_report(reporter_email="d@example.org")
    unknown = client.post(
        f"/api/v1/agent/reports/{fresh.reference}/actions/nope",
        headers={**bearer(people, "agent"), "If-Match": f'"{fresh.version}"'},
        json={},
    )
    assert unknown.status_code == 404
    allowed = set(unknown.json["allowed"])
    assert allowed and not allowed & {"create", "route_to_unit", "send_failed", "send_to_contractor"}
