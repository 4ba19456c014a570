"""Issue #21's probes, each as the attacker would send it: refused, nothing
leaked, nothing changed. (The authorisation matrix of every endpoint and role
is tests/agents/test_matrix.py; the forged-cookie probe is in tests/ops.)"""

import pytest
from sqlalchemy import func, select

from dansmarue.models import Follower, OutboxJob, Report, ReportEvent
from dansmarue.workflow import perform as workflow
from tests.interop.mobile_client import error_code, save_incident
from tests.workers.conftest import new_report
from workers.jobs.dispatch import dispatch_report
from workers.jobs.notify import notify_state_change
from workers.runner import run_outbox_job


def _run_jobs(ctx, suffix: str) -> None:
    for job in ctx.scalars(
        select(OutboxJob).where(OutboxJob.func.endswith(suffix), OutboxJob.status == "pending")
    ):
        run_outbox_job(job.id)


def _step(ctx, report, action: str, **params) -> None:
    """A public state change, mailed as the workers would."""
    workflow.perform(report.id, action, None, actor_kind="agent", **params)
    ctx.commit()
    event = ctx.scalar(
        select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id.desc()).limit(1)
    )
    notify_state_change(event.id)


def _texts(mails) -> str:
    return " ".join(m.get_body(("plain",)).get_content() + str(m.get_body(("html",))) for m in mails)


def test_a_stranger_following_a_report_never_gets_the_reporters_link(client, ctx, smtp):
    report = new_report(ctx, reporter_email="rita@example.org")
    dispatch_report(report.id)
    followed = client.post(
        f"/api/v1/reports/{report.reference}/followers", json={"email": "curieux@example.org"}
    )
    assert followed.status_code == 201 and "token" not in str(followed.json)
    follower = ctx.scalar(select(Follower).where(Follower.email == "curieux@example.org"))
    assert follower.confirmed_at is None and follower.token != report.token

    # Before confirming: the confirmation mail only, with the follower's own link.
    _step(ctx, report, "take_charge")
    _run_jobs(ctx, "send_follow_confirmation")
    (confirmation,) = smtp.to("curieux@example.org")
    assert f"/api/v1/follows/{follower.token}/confirm" in _texts([confirmation])
    assert report.token not in _texts([confirmation])

    page = client.get(f"/api/v1/follows/{follower.token}/confirm")
    assert page.status_code == 200 and page.json["confirmed"] is True
    assert page.headers["Cache-Control"] == "no-store"
    shown = str(page.json)
    assert "rita@example.org" not in shown and report.token not in shown

    _step(ctx, report, "schedule", date=_tomorrow())
    news = smtp.to("curieux@example.org")[1:]
    assert len(news) == 1
    assert report.token not in _texts(news) and follower.token in _texts(news)
    assert news[0]["List-Unsubscribe"] == f"<http://testserver/api/v1/follows/{follower.token}/unsubscribe>"
    assert "rita@example.org" not in _texts(news)

    # The follower's link cannot act as the reporter.
    assert (
        client.post(f"/api/v1/reports/{report.reference}/resolve", json={"token": follower.token}).status_code
        == 403
    )
    assert client.get(f"/api/v1/track/{follower.token}").status_code == 404

    assert client.get(f"/api/v1/follows/{follower.token}/unsubscribe").status_code == 200
    assert client.get(f"/api/v1/follows/{follower.token}").status_code == 404
    _step(ctx, report, "done")
    assert len(smtp.to("curieux@example.org")) == 2  # nothing after unsubscribing


def _tomorrow():
    from datetime import date, timedelta

    return date.today() + timedelta(days=3)


def test_an_unconfirmed_follower_is_sent_nothing_but_the_confirmation(client, ctx, smtp):
    report = new_report(ctx, reporter_email="rita@example.org")
    dispatch_report(report.id)
    client.post(
        f"/api/v1/reports/{report.reference}/followers", json={"email": "victime@example.org"}
    )  # someone else's address
    _step(ctx, report, "take_charge")
    _step(ctx, report, "done")
    assert smtp.to("victime@example.org") == []
    assert smtp.to("rita@example.org")  # the reporter still hears


def test_the_residents_token_cannot_drive_the_contractor_callback(client, ctx):
    report = new_report(ctx, reporter_email="carla@example.org")
    report.unit.contractor_without_ws = True
    ctx.commit()
    dispatch_report(report.id)
    ctx.refresh(report)
    events = ctx.scalar(
        select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report.id)
    )
    answer = client.post(
        f"/api/v1/contractors/callback/{report.reference}",
        json={"token": report.token, "status": "rejeter", "rejection_reason": "Appelez le 08 99 …"},
    )
    assert answer.status_code == 403
    ctx.expire_all()
    assert report.state == "transferred"
    assert (
        ctx.scalar(select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report.id))
        == events
    )


@pytest.mark.parametrize(
    "address",
    [
        "a@example.org, b@example.org",
        "a@example.org\r\nBcc: b@x.org",
        "Alice <a@example.org>",
        "a@exam\nple.org",
    ],
)
def test_mobile_and_rest_addresses_are_one_plain_address(client, session, leaf, address):
    before = session.scalar(select(func.count(Report.id)))
    assert error_code(client, save_incident(client, leaf.id, email=address)) != 0
    rest = client.post(
        "/api/v1/reports",
        json={"category_id": leaf.id, "latitude": 48.8566, "longitude": 2.3522, "email": address},
    )
    assert rest.status_code == 422 and rest.json["errors"][0]["field"] == "email"
    assert session.scalar(select(func.count(Report.id))) == before


def test_anonymous_callers_learn_no_field_of_a_staff_endpoint(client):
    for method, path in (
        ("post", "/api/v1/admin/requalification-rules"),
        ("post", "/api/v1/agent/reports/mass-actions"),
        ("get", "/api/v1/stats/summary?from=0001-01-01"),
    ):
        answer = getattr(client, method)(path, json={"source_unit_id": "x", "action": 1})
        assert answer.status_code == 401, (path, answer.json)
        assert "errors" not in answer.json


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/categories",
        "/dashboard/login",
        "/agent/login",
        "/admin/login",
        "/open311/v2/services.json",
        "/health/live",
    ],
)
def test_every_answer_carries_the_security_headers(client, path):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
