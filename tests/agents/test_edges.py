"""Edge cases of the HTTP layer: empty bodies, If-Match forms, forged parameters."""

from tests.agents.conftest import bearer, make_report


def _url(report, action="take_charge"):
    return f"/api/v1/agent/reports/{report.reference}/actions/{action}"


def test_action_without_body_and_weak_or_star_if_match(client, people, session):
    report = make_report()
    response = client.post(
        _url(report), headers={**bearer(people, "agent"), "If-Match": f'W/"{report.version}"'}
    )
    assert response.status_code == 200, response.json
    star = client.post(_url(report, "to_field"), headers={**bearer(people, "agent"), "If-Match": "*"})
    assert star.status_code == 200, star.json


def test_garbage_if_match_is_412(client, people, session):
    report = make_report()
    response = client.post(
        _url(report), json={}, headers={**bearer(people, "agent"), "If-Match": "not-a-version"}
    )
    assert response.status_code == 412


def test_actor_kind_cannot_be_forged_from_json(client, people, session):
    report = make_report(state="done")
    response = client.post(
        _url(report, "archive"),
        json={"actor_kind": "system"},
        headers={**bearer(people, "agent"), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "actor_kind"
    assert report.state == "done"


def test_refused_action_leaves_no_row(client, people, session):
    from sqlalchemy import func, select

    from dansmarue.models import OutboxJob, ReportEvent

    report = make_report()
    jobs = session.scalar(select(func.count()).select_from(OutboxJob))
    response = client.post(
        _url(report, "requalify"),
        json={"category_id": 999999},
        headers={**bearer(people, "agent"), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert (
        session.scalar(
            select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report.id)
        )
        == 0
    )
    assert session.scalar(select(func.count()).select_from(OutboxJob)) == jobs


def test_a_blank_idempotency_key_from_a_form_is_no_key(people, session):
    # The agents' web forms: an empty key must not become the key "" that every
    # later blank-keyed action (any agent, any report) would replay.
    from dansmarue.agentapp import actions

    first, second = make_report(), make_report()
    for who, report in (("agent", first), ("manager", second)):
        body, replayed = actions.run(
            people["users"][who], report.reference, "comment", None, {"comment": "Vu."}, ""
        )
        assert (body["reference"], replayed) == (report.reference, False)
    assert [e.action for e in second.events] == ["comment"]
