"""Operator view of the job pipeline: queue depths, failures, dead letters, replay."""

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime

from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import func, select, update

from dansmarue.jobs.queues import all_queues, get_queue, redis_connection, rq_job_id
from dansmarue.models import OutboxJob, db, utcnow


def status() -> dict:
    """Outbox rows by status, and per RQ queue: waiting, running, scheduled, failed."""
    outbox = dict(
        db.session.execute(select(OutboxJob.status, func.count()).group_by(OutboxJob.status)).tuples().all()
    )
    oldest_pending = db.session.scalar(
        select(func.min(OutboxJob.created_at)).where(OutboxJob.status == "pending")
    )
    connection = redis_connection()
    queues = {}
    for queue in all_queues(connection):
        queues[queue.name] = {
            "queued": queue.count,
            "started": StartedJobRegistry(queue=queue).count,
            "scheduled": ScheduledJobRegistry(queue=queue).count,
            "failed": FailedJobRegistry(queue=queue).count,
            "oldest_age": _oldest_job_age(queue),
        }
    return {
        "outbox": outbox,
        "oldest_pending": oldest_pending,
        "oldest_pending_age": _age(oldest_pending),
        "queues": queues,
    }


def _oldest_job_age(queue: Queue) -> float | None:
    """Seconds the job at the head of the queue has waited (None: queue empty)."""
    for job_id in queue.get_job_ids(0, 0):
        job = queue.fetch_job(job_id)
        if job is not None and job.enqueued_at is not None:
            return _age(job.enqueued_at)
    return None


def _age(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # RQ stores naive UTC
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (utcnow() - moment).total_seconds())


def dead_jobs(limit: int = 100) -> Sequence[OutboxJob]:
    return db.session.scalars(
        select(OutboxJob).where(OutboxJob.status == "dead").order_by(OutboxJob.id.desc()).limit(limit)
    ).all()


def replay(ids: list[int] | None = None) -> int:
    """Dead rows (all, or the given ids) back to pending; the relay re-queues them.

    Attempts restart from zero; their old RQ jobs leave the failed registry.
    """
    statement = (
        update(OutboxJob)
        .where(OutboxJob.status == "dead")
        .values(status="pending", attempts=0, available_at=utcnow(), enqueued_at=None, finished_at=None)
        .returning(OutboxJob.id, OutboxJob.queue)
    )
    if ids is not None:
        statement = statement.where(OutboxJob.id.in_(ids))
    rows = db.session.execute(statement).all()
    db.session.commit()
    connection = redis_connection()
    for row_id, queue in rows:
        with contextlib.suppress(NoSuchJobError):  # expired already
            FailedJobRegistry(queue=get_queue(queue, connection)).remove(rq_job_id(row_id), delete_job=True)
    return len(rows)
