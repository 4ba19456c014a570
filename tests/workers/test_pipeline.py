"""Outbox → relay → RQ → runner: delivery, re-relay, retries, dead letters, replay."""

from rq import Queue
from sqlalchemy import select

from dansmarue.jobs import admin, outbox
from dansmarue.jobs.queues import queue_name
from dansmarue.jobs.registry import Job
from dansmarue.jobs.relay import relay_pending
from dansmarue.models import NotificationLog, Report
from tests.workers.conftest import free_port, new_report, outbox_rows, run_burst


def test_intake_jobs_are_relayed_and_run_once(ctx, redis_conn, smtp):
    report = new_report(ctx, reporter_email="alice@example.org")
    assert {r.status for r in outbox_rows(ctx)} == {"pending"}

    assert relay_pending() == 3  # dispatch, acknowledgement, unit mailbox
    assert {r.status for r in outbox_rows(ctx)} == {"enqueued"}
    run_burst(redis_conn)

    rows = outbox_rows(ctx)
    assert {r.status for r in rows} == {"done"} and {r.attempts for r in rows} == {1}
    assert ctx.get(Report, report.id).state == "new"
    assert len(smtp.to("alice@example.org")) == 1


def test_relaying_twice_does_not_queue_twice(ctx, redis_conn):
    new_report(ctx)
    assert relay_pending() == 2
    rows = outbox_rows(ctx)
    for row in rows:  # as if the relay crashed before marking them enqueued
        row.status = "pending"
    ctx.commit()
    assert relay_pending() == 2
    queued = sum(
        Queue(queue_name(r.queue), connection=redis_conn).count for r in {r.queue: r for r in rows}.values()
    )
    assert queued == 2


def test_failing_job_retries_then_dies_then_replays(ctx, redis_conn, app, smtp, monkeypatch):
    report = new_report(ctx, reporter_email="bob@example.org")
    ack = outbox_rows(ctx, "workers.jobs.notify.send_acknowledgement")[0]
    live_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there

    relay_pending()
    run_burst(redis_conn)  # immediate retries (interval 0): 3 attempts in one burst

    ctx.expire_all()
    assert (ack.status, ack.attempts) == ("dead", 3)
    assert "ConnectionRefusedError" in ack.last_error
    unit_mail = outbox_rows(ctx, "workers.jobs.notify.notify_unit_new_report")[0]
    assert {row.id for row in admin.dead_jobs()} == {ack.id, unit_mail.id}
    status = admin.status()
    assert status["outbox"]["dead"] == 2
    assert status["queues"][queue_name("mail")]["failed"] == 2
    assert (
        ctx.scalar(
            select(NotificationLog).where(
                NotificationLog.report_id == report.id, NotificationLog.dedup_key.like("ack:%")
            )
        )
        is None
    )

    monkeypatch.setitem(app.config, "SMTP_PORT", live_port)
    assert admin.replay([ack.id]) == 1
    assert admin.status()["queues"][queue_name("mail")]["failed"] == 1
    assert admin.replay() == 1  # --all: the unit mail
    assert admin.status()["queues"][queue_name("mail")]["failed"] == 0
    relay_pending()
    run_burst(redis_conn)
    ctx.expire_all()
    assert (ack.status, ack.attempts) == ("done", 1)
    assert (unit_mail.status, unit_mail.attempts) == ("done", 1)
    assert len(smtp.to("bob@example.org")) == 1
    assert len(smtp.messages) == 2


def test_unknown_job_function_is_refused_by_the_runner(ctx, redis_conn):
    outbox.add_job(Job("os.system", "default"), "echo pwned")
    outbox.add_job(Job("workers.jobs.nope.missing", "default"), 1)
    ctx.commit()
    relay_pending()
    run_burst(redis_conn)
    rows = outbox_rows(ctx)
    assert {r.status for r in rows} == {"dead"}
    assert "not a job function" in rows[0].last_error


def test_jobs_lost_by_redis_are_relayed_again(ctx, redis_conn, smtp):
    from datetime import timedelta

    from dansmarue.jobs.relay import recover_lost
    from dansmarue.models import utcnow

    report = new_report(ctx)
    assert relay_pending() == 2
    assert recover_lost() == 0  # just enqueued: not lost
    redis_conn.flushdb()  # Redis restarted without persistence
    for row in outbox_rows(ctx):
        row.enqueued_at = utcnow() - timedelta(hours=1)
    ctx.commit()
    assert recover_lost() == 2
    assert {r.status for r in outbox_rows(ctx)} == {"pending"}
    assert relay_pending() == 2
    run_burst(redis_conn)
    assert {r.status for r in outbox_rows(ctx)} == {"done"}
    assert ctx.get(Report, report.id).state == "new"


def test_rows_relayed_just_before_an_outage_come_back_within_seconds(ctx, redis_conn, smtp):
    """#20.5: a row enqueued 7 s before Redis lost its data is re-pended by the
    next sweep (no 15-minute stale-claim wait)."""
    from datetime import timedelta

    from dansmarue.jobs.relay import recover_lost
    from dansmarue.models import utcnow

    new_report(ctx)
    assert relay_pending() == 2
    redis_conn.flushdb()
    for row in outbox_rows(ctx):
        row.enqueued_at = utcnow() - timedelta(seconds=7)
    ctx.commit()
    assert recover_lost() == 2
    assert {r.status for r in outbox_rows(ctx)} == {"pending"}


def test_lost_rows_behind_a_waiting_backlog_are_recovered(ctx, redis_conn, smtp, monkeypatch):
    """Recovery walks every batch: rows still waiting in RQ do not hide lost ones."""
    from datetime import timedelta

    from dansmarue.jobs import relay
    from dansmarue.models import utcnow

    monkeypatch.setattr(relay, "BATCH_SIZE", 2)
    for _ in range(3):
        new_report(ctx)
    while relay_pending() == 2:
        pass
    rows = outbox_rows(ctx)
    assert len(rows) == 6 and {r.status for r in rows} == {"enqueued"}
    for row in rows:
        row.enqueued_at = utcnow() - timedelta(hours=1)
    ctx.commit()
    # The first four jobs still wait in RQ; the last two were lost.
    from rq.job import Job

    from dansmarue.jobs.queues import rq_job_id

    for row in rows[4:]:
        Job.fetch(rq_job_id(row.id), connection=redis_conn).delete()
    assert relay.recover_lost() == 2
    assert [r.status for r in outbox_rows(ctx)] == ["enqueued"] * 4 + ["pending"] * 2
