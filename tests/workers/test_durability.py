"""Nothing is lost: intake with Redis down, delivery once Redis is back, by a real
forked RQ worker in a subprocess; auto-relay right after commit. Committed data
(other processes must see it), deleted afterwards."""

import os
import subprocess
import sys

from sqlalchemy import func, select

from dansmarue.jobs import autorelay, outbox, registry
from dansmarue.jobs.relay import relay_outbox, relay_pending
from dansmarue.models import Category, OutboxJob, Report, db
from tests.conftest import TEST_DATABASE_URL
from tests.workers.conftest import GRAFFITI, ROQUETTE, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def post_reports(app, count):
    category_id = db.session.scalar(select(Category.id).where(Category.label == GRAFFITI))
    client = app.test_client()
    references = []
    for n in range(count):
        response = client.post(
            "/api/v1/reports",
            json={
                "category_id": category_id,
                **ROQUETTE,
                "description": f"Tag n°{n}",
                "email": f"resident{n}@example.org",
            },
        )
        assert response.status_code == 201, response.json
        references.append(response.json["reference"])
    return references


def rows_after(mark):
    db.session.expire_all()
    return db.session.scalars(select(OutboxJob).where(OutboxJob.id > mark)).all()


def run_forked_worker(app, smtp_port):
    """`python -m workers.worker --burst`: the real entry point, forking per job."""
    env = {
        **os.environ,
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": app.config["REDIS_URL"],
        "MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
        "OUTBOX_AUTO_RELAY": "false",
        "JOBS_RETRY_INTERVALS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "workers.worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_redis_down_during_intake_loses_nothing(app, committed, smtp, monkeypatch):
    report_mark, job_mark = committed
    live_redis = app.config["REDIS_URL"]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/4")
    monkeypatch.setitem(app.config, "OUTBOX_AUTO_RELAY", True)
    monkeypatch.setattr(autorelay, "_paused_until", 0.0)
    app.extensions.pop("redis", None)

    references = post_reports(app, 5)  # each commit tries an auto-relay, which fails

    assert db.session.scalar(select(func.count()).where(Report.id > report_mark)) == 5
    rows = rows_after(job_mark)
    assert len(rows) == 15 and {r.status for r in rows} == {"pending"}
    assert relay_pending() == 0  # the scheduler's relay fails too: rows stay pending
    assert {r.status for r in rows_after(job_mark)} == {"pending"}

    monkeypatch.setitem(app.config, "REDIS_URL", live_redis)  # Redis is back
    app.extensions.pop("redis", None)
    assert relay_outbox() == 15
    run_forked_worker(app, smtp_port=app.config["SMTP_PORT"])

    rows = rows_after(job_mark)
    assert {(r.status, r.attempts) for r in rows} == {("done", 1)}
    states = db.session.scalars(select(Report.state).where(Report.reference.in_(references)))
    assert set(states) == {"new"}
    for n in range(5):
        assert len(smtp.to(f"resident{n}@example.org")) == 1


def test_auto_relay_enqueues_right_after_commit(app, committed, monkeypatch, redis_conn):
    _, job_mark = committed
    monkeypatch.setitem(app.config, "OUTBOX_AUTO_RELAY", True)
    monkeypatch.setattr(autorelay, "_paused_until", 0.0)
    post_reports(app, 2)
    rows = rows_after(job_mark)
    assert len(rows) == 6 and {r.status for r in rows} == {"enqueued"}
    assert sum(len(q) for q in _queues(redis_conn)) == 6
    # Outside a request (a job, the CLI): an ORM-written outbox row is noticed too.
    outbox.add_job(registry.SEND_ACKNOWLEDGEMENT, -1, report_id=-1)
    db.session.commit()
    assert {r.status for r in rows_after(job_mark)} == {"enqueued"}


def _queues(connection):
    from dansmarue.jobs.queues import all_queues

    return [q.job_ids for q in all_queues(connection)]
