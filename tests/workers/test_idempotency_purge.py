"""Purge of intake idempotency keys older than 48 h: exact boundary, brute-force
SQL check, batches, idempotent, run once a day by the scheduler through RQ."""

from datetime import UTC, datetime, timedelta

from rq import Queue
from sqlalchemy import text

from dansmarue.jobs.queues import queue_name
from dansmarue.models import IdempotencyKey
from dansmarue.reports import idempotency
from tests.workers.conftest import run_burst
from workers.jobs import maintenance
from workers.schedule import SCHEDULE
from workers.scheduler import Scheduler

NOW = datetime(2026, 6, 3, 2, 10, tzinfo=UTC)  # 04:10 in Paris
AGES = [
    timedelta(days=30),
    timedelta(hours=49),
    timedelta(hours=48, seconds=1),
    timedelta(hours=48),
    timedelta(hours=47, minutes=59),
    timedelta(minutes=5),
    timedelta(0),
]


def add_keys(ctx, now, prefix="purge-test"):
    keys = {}
    for i, age in enumerate(AGES):
        key = f"{prefix}-{i}"
        ctx.add(
            IdempotencyKey(
                key=key, request_hash="h" * 64, status_code=201, response={"id": i}, created_at=now - age
            )
        )
        keys[key] = age
    ctx.flush()
    return keys


def remaining(ctx, keys) -> set[str]:
    return set(ctx.scalars(text("SELECT key FROM idempotency_key WHERE key = ANY(:k)"), {"k": list(keys)}))


def test_keys_older_than_48_hours_go_and_a_rerun_deletes_nothing(ctx):
    keys = add_keys(ctx, NOW)
    older = ctx.scalar(
        text(
            "SELECT count(*) FROM idempotency_key "
            "WHERE created_at < CAST(:now AS timestamptz) - interval '48 hours'"
        ),
        {"now": NOW},
    )
    assert maintenance.purge_idempotency_keys(NOW) == older
    assert remaining(ctx, keys) == {k for k, age in keys.items() if age <= timedelta(hours=48)}
    assert (
        ctx.scalar(
            text(
                "SELECT count(*) FROM idempotency_key "
                "WHERE created_at < CAST(:now AS timestamptz) - interval '48 hours'"
            ),
            {"now": NOW},
        )
        == 0
    )
    assert maintenance.purge_idempotency_keys(NOW) == 0  # idempotent
    assert len(remaining(ctx, keys)) == 4


def test_purge_runs_in_batches(ctx, monkeypatch):
    monkeypatch.setattr(idempotency, "PURGE_BATCH", 2)
    keys = add_keys(ctx, NOW, "batch-test") | add_keys(ctx, NOW - timedelta(days=1), "older")
    before = len(remaining(ctx, keys))
    purged = maintenance.purge_idempotency_keys(NOW)
    assert purged == sum(
        1
        for k, age in keys.items()
        if age + (timedelta(days=1) if k.startswith("older") else timedelta(0)) > timedelta(hours=48)
    )
    assert len(remaining(ctx, keys)) == before - purged


def test_a_purged_key_can_be_claimed_again(ctx):
    add_keys(ctx, NOW)
    maintenance.purge_idempotency_keys(NOW)
    status, body, replayed = idempotency.run_once(
        "purge-test-0", "x" * 64, lambda: (201, {"id": "new"}, None)
    )
    assert (status, body, replayed) == (201, {"id": "new"}, False)


def test_scheduled_daily_and_run_once_by_a_worker(ctx, redis_conn):
    entry = next(e for e in SCHEDULE if e["id"] == "purge-idempotency-keys")
    assert entry["job"].path == "workers.jobs.maintenance.purge_idempotency_keys"
    real_now = datetime.now(UTC)
    keys = add_keys(ctx, real_now, "scheduled-test")  # the job purges as of now
    ctx.commit()
    first, second = Scheduler(redis_conn, [entry]), Scheduler(redis_conn, [entry])
    at = NOW.timestamp()
    assert Scheduler(redis_conn, [entry]).tick(at - 60) == []  # 04:09: not yet
    assert first.tick(at) + second.tick(at) + first.tick(at + 3600) == [entry["id"]]
    maintenance_queue = Queue(queue_name("maintenance"), connection=redis_conn)
    assert maintenance_queue.job_ids == ["schedule-purge-idempotency-keys-2026-06-03"]
    run_burst(redis_conn)
    assert maintenance_queue.count == 0
    assert remaining(ctx, keys) == {k for k, age in keys.items() if age <= timedelta(hours=47, minutes=59)}
