"""Intake hot path: pooled connections without a ping per checkout, and the
after-commit relay (one batch per commit, never from its own commit)."""

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from dansmarue.jobs import autorelay
from dansmarue.models import Category, OutboxJob, db
from dansmarue.platform import db_pool

ROQUETTE = {"latitude": 48.8539252, "longitude": 2.3801912}


def _terminate(pid: int) -> None:
    """Kill a backend from outside the pool (as a server restart would)."""
    import psycopg

    from tests.conftest import TEST_DATABASE_URL

    with psycopg.connect(TEST_DATABASE_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


def _statuses(mark):
    db.session.expire_all()
    return [
        s
        for (s,) in db.session.execute(
            select(OutboxJob.status).where(OutboxJob.id > mark).order_by(OutboxJob.id)
        )
    ]


def test_pool_does_not_ping_on_every_checkout(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_idle_connection_killed_by_the_server_is_replaced(app, monkeypatch):
    monkeypatch.setattr(db_pool, "IDLE_PING_AFTER", 0.0)  # every pooled connection is "idle"
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as conn:
            victim = conn.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.connect() as conn:  # same pooled connection, checked out again
            assert conn.scalar(text("SELECT pg_backend_pid()")) == victim
        _terminate(victim)
        with db.engine.connect() as conn:  # the dead one is noticed and replaced
            pid = conn.scalar(text("SELECT pg_backend_pid()"))
            assert pid != victim
        db.engine.dispose()


def test_recent_connection_is_not_pinged(app, monkeypatch):
    monkeypatch.setattr(db_pool, "IDLE_PING_AFTER", 3600.0)
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as conn:
            victim = conn.scalar(text("SELECT pg_backend_pid()"))
        _terminate(victim)
        # In use a moment ago: handed out without a round trip, so the first
        # statement meets the dead socket (the pool then drops it).
        with pytest.raises(DBAPIError), db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
        db.engine.dispose()


def test_a_commit_relays_one_batch_not_the_backlog(app, committed, monkeypatch, redis_conn):
    """The relay's own commit used to relay again, recursively (one pooled
    connection per level): a backlog then exhausted the pool."""
    _, job_mark = committed
    monkeypatch.setitem(app.config, "OUTBOX_AUTO_RELAY", True)
    monkeypatch.setattr(autorelay, "_paused_until", 0.0)
    db.session.execute(
        text(
            "INSERT INTO outbox_job (func, args, queue, status, attempts, available_at, created_at) "
            "SELECT 'workers.jobs.notify.send_acknowledgement', jsonb_build_array(-n), 'mail', "
            "'pending', 0, now(), now() FROM generate_series(1, 250) n"
        )
    )
    db.session.commit()  # outside a request, raw SQL: no auto-relay
    assert _statuses(job_mark).count("pending") == 250

    category_id = db.session.scalar(
        select(Category.id)
        .where(Category.is_leaf, ~Category.agent_only, ~Category.out_of_scope)
        .order_by(Category.id)
    )
    response = app.test_client().post("/api/v1/reports", json={"category_id": category_id, **ROQUETTE})
    assert response.status_code in (201, 422), response.json  # 422: no sector for it here
    statuses = _statuses(job_mark)
    assert statuses.count("enqueued") == 100  # one batch (limit 100), the oldest rows
    assert statuses[:100] == ["enqueued"] * 100


def test_concurrent_commits_share_relays_and_lose_nothing(app, committed, monkeypatch):
    """Threads committing at once: each one's rows are relayed, by itself or
    by the thread already relaying, before that thread returns."""
    _, job_mark = committed
    monkeypatch.setitem(app.config, "OUTBOX_AUTO_RELAY", True)
    monkeypatch.setattr(autorelay, "_paused_until", 0.0)
    calls = []
    real_relay_now = autorelay.relay_now

    def counting_relay_now():
        calls.append(1)
        return real_relay_now()

    monkeypatch.setattr(autorelay, "relay_now", counting_relay_now)
    from dansmarue.jobs import outbox, registry

    def commit_jobs(n):
        with app.app_context():
            for k in range(5):
                outbox.add_job(registry.SEND_ACKNOWLEDGEMENT, -(n * 10 + k), report_id=-(n * 10 + k))
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=commit_jobs, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = _statuses(job_mark)
    assert len(statuses) == 30
    # A wish made just as the relaying thread left may wait for the next
    # commit or the scheduler; the last commits of all threads are taken.
    autorelay.relay_coalesced()
    assert set(_statuses(job_mark)) == {"enqueued"}
    assert 1 <= len(calls) <= 31
