"""`flask jobs status | dead | replay | relay` on real rows and a real Redis."""

from dansmarue.jobs import outbox
from dansmarue.jobs.registry import Job
from dansmarue.jobs.relay import relay_pending
from tests.workers.conftest import outbox_rows, run_burst


def test_jobs_cli(ctx, app, redis_conn):
    undeclared = Job("workers.jobs.nope.missing", "mail")  # fails in the runner: dead letter
    outbox.add_job(undeclared, 1)
    outbox.add_job(Job("workers.jobs.nope.missing", "default"), 2)
    ctx.commit()
    runner = app.test_cli_runner()

    status = runner.invoke(args=["jobs", "status"])
    assert status.exit_code == 0, status.output
    assert "pending: 2" in status.output and "mail" in status.output
    assert "retention due (apply_retention): originals " in status.output

    assert "2 job(s) relayed" in runner.invoke(args=["jobs", "relay"]).output
    run_burst(redis_conn)
    first, second = outbox_rows(ctx)
    dead = runner.invoke(args=["jobs", "dead"])
    assert f"{first.id}" in dead.output and "workers.jobs.nope.missing(1,)" in dead.output
    assert "ValueError: not a job function" in dead.output  # undeclared: refused, never imported

    assert runner.invoke(args=["jobs", "replay"]).exit_code != 0  # ids or --all required
    assert "1 job(s) back" in runner.invoke(args=["jobs", "replay", str(first.id)]).output
    assert "1 job(s) back" in runner.invoke(args=["jobs", "replay", "--all"]).output
    assert "pending: 2" in runner.invoke(args=["jobs", "status"]).output
    assert relay_pending() == 2


def test_status_shows_the_age_of_the_oldest_waiting_job_and_pending_row(ctx, app, redis_conn):
    from datetime import timedelta

    from dansmarue.jobs import admin
    from dansmarue.jobs.queues import queue_name
    from dansmarue.models import utcnow

    outbox.add_job(Job("workers.jobs.nope.missing", "mail"), 1)
    outbox.add_job(Job("workers.jobs.nope.missing", "mail"), 2)
    ctx.commit()
    first, second = outbox_rows(ctx)
    first.created_at = utcnow() - timedelta(minutes=5)
    ctx.commit()
    report = admin.status()
    assert report["oldest_pending_age"] >= 300  # the backdated row, not the fresh one
    assert report["queues"].get(queue_name("mail"), {}).get("oldest_age") is None

    assert relay_pending() == 2
    report = admin.status()
    assert report["oldest_pending_age"] is None  # nothing pending any more
    assert report["queues"][queue_name("mail")]["oldest_age"] is not None
    output = app.test_cli_runner().invoke(args=["jobs", "status"]).output
    assert "oldest (s)" in output
