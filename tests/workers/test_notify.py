"""Notifications over a real SMTP server and a real push web hook: once per recipient."""

from sqlalchemy import select

from dansmarue.jobs.relay import relay_pending
from dansmarue.models import Follower, NotificationLog, OutboxJob, Photo, User, utcnow
from dansmarue.notifications.delivery import message_id_domain
from dansmarue.workflow import perform as workflow
from tests.workers.conftest import jpeg_bytes, new_report, outbox_rows, run_burst
from workers.jobs.dispatch import dispatch_report
from workers.jobs.notify import (
    notify_state_change,
    notify_unit_new_report,
    send_acknowledgement,
)
from workers.jobs.photos import process_photo


def test_acknowledgement_has_the_tracking_link_and_is_sent_once(ctx, smtp):
    report = new_report(ctx, reporter_email="alice@example.org")
    assert send_acknowledgement(report.id) == 1
    assert send_acknowledgement(report.id) == 0  # run twice: one mail
    (message,) = smtp.to("alice@example.org")
    assert report.reference in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert f"http://testserver/api/v1/track/{report.token}" in text
    assert message.get_body(("html",)) is not None
    assert "Votre signalement" in text


def test_mails_have_a_date_and_a_message_id_of_the_public_host(ctx, smtp, app, monkeypatch):
    report = new_report(ctx, reporter_email="dora@example.org")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://signalements.paris.example/")
    send_acknowledgement(report.id)
    (message,) = smtp.to("dora@example.org")
    assert message["Date"] and message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].endswith("@signalements.paris.example>")
    monkeypatch.setitem(app.config, "MAIL_MESSAGE_ID_DOMAIN", "mail.paris.example")
    assert message_id_domain(app.config) == "mail.paris.example"


def test_unit_mailbox_gets_new_reports(ctx, smtp):
    report = new_report(ctx, photos=[("close", jpeg_bytes())])
    unit = report.unit
    unit.email = "graffitis@paris.example"
    ctx.commit()
    assert notify_unit_new_report(report.id) == 1
    assert notify_unit_new_report(report.id) == 0
    (message,) = smtp.to("graffitis@paris.example")
    text = message.get_body(("plain",)).get_content()
    assert report.reference in text and "/media/photos/" in text
    assert "Priorité : Gênant" in text or "Priorité : Dangereux" in text


def test_followers_are_not_told_votre_signalement(ctx, smtp):
    report = new_report(ctx, reporter_email="rita@example.org")
    ctx.add(Follower(report_id=report.id, email="fred@example.org", confirmed_at=utcnow()))
    ctx.commit()
    dispatch_report(report.id)
    report = workflow.perform(report.id, "take_charge", None, actor_kind="agent")
    ctx.commit()
    (job,) = outbox_rows(ctx, "workers.jobs.notify.notify_state_change")
    assert notify_state_change(job.args[0]) == 2
    (own,) = smtp.to("rita@example.org")
    (followed,) = smtp.to("fred@example.org")
    assert "votre signalement" in own["Subject"]
    follower_text = followed.get_body(("plain",)).get_content()
    assert "vous suivez" in followed["Subject"]
    assert "otre signalement" not in follower_text + followed["Subject"]


def test_an_app_reporter_is_told_at_their_account_address(ctx, smtp):
    # A report filed from the apps names its reporter by account guid only.
    ctx.add(User(email="carla@example.org", role="resident", account_guid="guid-carla"))
    report = new_report(ctx, reporter_guid="guid-carla")
    dispatch_report(report.id)
    workflow.perform(report.id, "take_charge", None, actor_kind="agent")
    ctx.commit()
    (job,) = outbox_rows(ctx, "workers.jobs.notify.notify_state_change")
    assert notify_state_change(job.args[0]) == 1
    (mail,) = smtp.to("carla@example.org")
    assert "votre signalement" in mail["Subject"]


def test_state_change_reaches_reporter_and_followers_once(
    ctx, smtp, contractor, monkeypatch, app, redis_conn
):
    monkeypatch.setitem(app.config, "PUSH_WEBHOOK_URL", contractor.url)
    report = new_report(ctx, reporter_email="Alice@Example.org")
    ctx.add_all(
        [
            Follower(
                report_id=report.id, email="alice@example.org", confirmed_at=utcnow()
            ),  # the reporter again
            Follower(
                report_id=report.id, email="bob@example.org", push_token="tok-bob", confirmed_at=utcnow()
            ),
        ]
    )
    report.unit.contractor_without_ws = True
    ctx.commit()
    dispatch_report(report.id)
    report = workflow.perform(report.id, "done", None, actor_kind="contractor", photo=jpeg_bytes(640, 480))
    ctx.commit()
    done = ctx.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == "done"))
    process_photo(done.id)
    (job,) = outbox_rows(ctx, "workers.jobs.notify.notify_state_change")
    event_id = job.args[0]

    assert notify_state_change(event_id) == 3  # alice, bob, bob's phone
    assert notify_state_change(event_id) == 0
    assert len(smtp.to("alice@example.org")) + len(smtp.to("Alice@Example.org")) == 1
    (mail,) = smtp.to("bob@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "Le service a été fait." in text
    assert "vous suivez" in mail["Subject"] and "votre signalement" not in mail["Subject"]
    assert f"/media/photos/{done.access_key}/display" in text
    (push,) = contractor.requests
    assert b'"to": "tok-bob"' in push[2]
    assert ctx.scalar(select(NotificationLog.channel).where(NotificationLog.recipient == "tok-bob")) == "push"


def test_followers_by_account_are_mailed_at_their_account_address_and_pushed(
    ctx, smtp, contractor, monkeypatch, app
):
    """A follow by account guid (the apps' way, with a push token): the
    account's address hears of the change, the phone is pushed."""
    monkeypatch.setitem(app.config, "PUSH_WEBHOOK_URL", contractor.url)
    report = new_report(ctx, reporter_email="alice@example.org")
    ctx.add(User(email="carol@example.org", account_guid="guid-carol"))
    ctx.add_all(
        [
            Follower(report_id=report.id, account_guid="guid-carol", confirmed_at=utcnow()),
            Follower(
                report_id=report.id, account_guid="guid-nomail", push_token="tok-dan", confirmed_at=utcnow()
            ),
        ]
    )
    report.unit.contractor_without_ws = True
    ctx.commit()
    dispatch_report(report.id)
    workflow.perform(report.id, "done", None, actor_kind="contractor")
    ctx.commit()
    (job,) = outbox_rows(ctx, "workers.jobs.notify.notify_state_change")

    assert notify_state_change(job.args[0]) == 3  # alice, carol, dan's phone
    assert len(smtp.to("alice@example.org")) == len(smtp.to("carol@example.org")) == 1
    (push,) = contractor.requests
    assert b'"to": "tok-dan"' in push[2]


def test_internal_events_send_nothing(ctx, smtp):
    report = new_report(ctx, reporter_email="alice@example.org")
    dispatch_report(report.id)  # create + route_to_unit: internal history entries
    assert outbox_rows(ctx, "workers.jobs.notify.notify_state_change") == []


def test_all_jobs_of_a_report_run_twice_with_single_effects(ctx, smtp, redis_conn):
    """Every outbox job of an intake, run by RQ, then each run again directly."""
    report = new_report(ctx, reporter_email="alice@example.org", photos=[("close", jpeg_bytes(900, 700))])
    report.unit.email = "unit@paris.example"
    ctx.commit()
    relay_pending()
    run_burst(redis_conn)
    ctx.expire_all()
    before = (
        report.state,
        report.version,
        len(smtp.messages),
        ctx.scalar(select(Photo.processed_at).where(Photo.report_id == report.id)),
    )
    from workers.runner import resolve

    for row in ctx.scalars(select(OutboxJob).order_by(OutboxJob.id)).all():
        resolve(row.func)(*row.args)
    ctx.expire_all()
    after = (
        report.state,
        report.version,
        len(smtp.messages),
        ctx.scalar(select(Photo.processed_at).where(Photo.report_id == report.id)),
    )
    assert before == after == ("new", before[1], 2, before[3])
