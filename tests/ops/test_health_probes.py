"""/health/live and /health/ready on the real PostgreSQL and Redis."""

from datetime import timedelta

from dansmarue.models import OutboxJob, db
from dansmarue.models.base import utcnow


def test_live_answers_without_checking_anything(client):
    answer = client.get("/health/live")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_ready_checks_components_migrations_and_outbox(client, redis_conn):
    db.session.execute(db.text("DELETE FROM outbox_job WHERE status = 'pending'"))
    answer = client.get("/health/ready")
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert set(body["components"]) == {"postgresql", "postgis", "redis", "migrations", "outbox"}
    assert body["components"]["migrations"]["heads"]


def test_ready_is_down_when_the_outbox_is_stuck(client, redis_conn):
    db.session.add(
        OutboxJob(
            func="workers.jobs.nothing",
            args=[],
            queue="default",
            status="pending",
            available_at=utcnow() - timedelta(hours=1),
        )
    )
    db.session.flush()
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["down"] == ["outbox"]
    assert body["components"]["outbox"]["oldest_pending_seconds"] >= 3600


def test_health_keeps_its_shape(client, redis_conn):
    body = client.get("/health").get_json()
    assert set(body["components"]) == {"postgresql", "postgis", "redis"}
