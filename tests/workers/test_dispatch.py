"""Dispatch by the real rules, the contractor web hook, retries and callbacks."""

import hashlib
import hmac
import json
from datetime import date, timedelta

from sqlalchemy import delete, select

from dansmarue.jobs.relay import relay_pending
from dansmarue.models import Category, OutboxJob, Photo, Report, ReportEvent
from dansmarue.workflow import contractors
from tests.workers.conftest import jpeg_b64, jpeg_bytes, new_report, run_burst
from workers.jobs.dispatch import dispatch_report
from workers.jobs.maintenance import retry_failed_sends


def history(session, report):
    return [
        (e.action, e.from_state, e.to_state)
        for e in session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
        )
    ]


def test_plain_unit_goes_to_new(ctx):
    report = new_report(ctx)
    assert dispatch_report(report.id).startswith("settled")
    ctx.refresh(report)
    assert report.state == "new"
    assert history(ctx, report)[1:] == [
        ("create", "initial", "verification"),
        ("route_to_unit", "verification", "new"),
    ]
    event = ctx.scalar(
        select(ReportEvent).where(ReportEvent.action == "create", ReportEvent.report_id == report.id)
    )
    assert event.data["real_action_id"] == 27


def test_bulky_items_go_straight_to_process(ctx):
    bulky = ctx.scalar(
        select(Category)
        .where(
            Category.skip_qualification.is_(True),
            Category.is_leaf.is_(True),
            Category.agent_only.is_(False),
            Category.out_of_scope.is_(False),
            Category.unit_id.is_not(None),
        )
        .order_by(Category.id)
    )
    report = new_report(ctx, category=bulky)
    dispatch_report(report.id)
    ctx.refresh(report)
    assert report.state == "to_process"


def test_contractor_without_web_service_is_transferred(ctx):
    report = new_report(ctx)
    report.unit.contractor_without_ws = True
    ctx.commit()
    dispatch_report(report.id)
    ctx.refresh(report)
    assert report.state == "transferred"


def test_web_hook_posts_signed_json_with_photo_links(ctx, contractor):
    report = new_report(ctx, photos=[("close", jpeg_bytes())])
    report.unit.webhook_url, report.unit.webhook_secret = contractor.url, "s3cret"
    ctx.commit()
    dispatch_report(report.id)
    ctx.refresh(report)
    assert report.state == "transferred"
    ((path, headers, body),) = contractor.requests
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-DansMaRue-Signature"] == f"sha256={expected}"
    anomaly = json.loads(body)["anomalie"]
    assert anomaly["reference"] == report.reference
    # The contractor's own secret for this dispatch, never the resident's token.
    assert anomaly["token"] == contractors.secret_for(report) != report.token
    photo = ctx.scalar(select(Photo).where(Photo.report_id == report.id))
    assert anomaly["photos"] == [
        {
            "id_photo": photo.id,
            "vue_photo": "close",
            "lien_photo": f"http://testserver/media/photos/" f"{photo.access_key}/display",
        }
    ]
    assert anomaly["callback_url"].endswith(f"/api/v1/contractors/callback/{report.reference}")


def test_failed_send_then_hourly_retry(ctx, contractor, redis_conn):
    report = new_report(ctx)
    report.unit.webhook_url = contractor.url
    ctx.commit()
    contractor.status = 503
    dispatch_report(report.id)
    ctx.refresh(report)
    assert report.state == "send_failed"
    assert retry_failed_sends() == 1
    relay_pending()
    run_burst(redis_conn)  # still failing: no new history entry
    ctx.refresh(report)
    assert report.state == "send_failed" and len(history(ctx, report)) == 3

    contractor.status = 200
    ctx.execute(delete(OutboxJob))  # as if an hour had passed (dedup key per hour)
    ctx.commit()
    assert retry_failed_sends() == 1
    relay_pending()
    run_burst(redis_conn)
    ctx.refresh(report)
    assert report.state == "transferred"
    assert [a for a, _, _ in history(ctx, report)][-2:] == ["send_failed", "send_to_contractor"]
    assert len(contractor.requests) == 3


def test_dispatch_twice_has_one_effect(ctx, contractor):
    report = new_report(ctx)
    report.unit.webhook_url = contractor.url
    ctx.commit()
    dispatch_report(report.id)
    dispatch_report(report.id)
    assert len(contractor.requests) == 1
    assert len(history(ctx, report)) == 3  # creation, create, send_to_contractor


def transferred_report(ctx):
    report = new_report(ctx, reporter_email="carla@example.org")
    report.unit.contractor_without_ws = True
    ctx.commit()
    dispatch_report(report.id)
    ctx.refresh(report)
    return report


def callback(client, report, **fields):
    return client.post(
        f"/api/v1/contractors/callback/{report.reference}",
        json={"token": contractors.secret_for(report), **fields},
    )


def test_callback_service_done_with_photo(ctx, client):
    report = transferred_report(ctx)
    response = callback(client, report, status="Service fait", photo=jpeg_b64())
    assert response.status_code == 200, response.json
    assert response.json["state"] == "done"
    ctx.expire_all()
    assert report.closed_at is not None
    done = ctx.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == "done"))
    assert done.status == "pending"
    funcs = ctx.scalars(select(OutboxJob.func).order_by(OutboxJob.id)).all()
    assert "workers.jobs.photos.process_photo" in funcs
    assert "workers.jobs.notify.notify_state_change" in funcs  # public event


def test_callback_programmer_and_rejeter(ctx, client):
    report = transferred_report(ctx)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/api/v1/contractors/callback/{report.reference}",
        data={"token": contractors.secret_for(report), "status": "programmer", "programming_date": tomorrow},
    )
    assert response.status_code == 200, response.json
    assert response.json["state"] == "contractor_scheduled"
    response = callback(client, report, status="rejeter")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "rejection_reason"
    response = callback(client, report, status="rejeter", rejection_reason="Hors contrat")
    assert response.json["state"] == "rejected"


def test_callback_refusals(ctx, client):
    report = transferred_report(ctx)
    assert callback(client, report, status="service fait", token="0" * 32).status_code == 403
    # The resident's tracking token is no contractor's secret (#21.1).
    assert (
        callback(
            client, report, status="rejeter", rejection_reason="Appelez le 08 99", token=report.token
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/contractors/callback/S2020A000000", json={"token": "x", "status": "rejeter"}
        ).status_code
        == 404
    )
    bad = callback(client, report, status="programmer", programming_date="2020-01-01")
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "programming_date"
    assert callback(client, report, status="fini").status_code == 422
    assert callback(client, report, status="service fait", photo="@@@").status_code == 422
    assert callback(client, report, status="a requalifier").json["state"] == "to_requalify"
    # to_requalify has no contractor transition: 409, nothing changed
    assert callback(client, report, status="service fait").status_code == 409
    ctx.expire_all()
    assert ctx.get(Report, report.id).state == "to_requalify"
