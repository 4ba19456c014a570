"""The outbox relay: pending rows → RQ jobs, in batches, never losing one.

Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` so several relays
(scheduler, request hooks) never enqueue the same row at once. The rows are
marked ``enqueued`` only after Redis accepted the whole batch: if Redis is
down the transaction rolls back and the rows simply stay ``pending``.
RQ job ids derive from the outbox id, and a job already waiting in Redis is
not pushed again, so relaying a row twice is harmless.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import Row, any_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from dansmarue.jobs.queues import (
    FAILURE_TTL,
    RESULT_TTL,
    get_queue,
    redis_connection,
    retry_policy,
    rq_job_id,
)
from dansmarue.jobs.registry import DEFAULT_TIMEOUT, JOBS, RUN_OUTBOX_JOB
from dansmarue.models import OutboxJob, db, utcnow

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# An `enqueued` row whose RQ job vanished (Redis flushed, restored) is re-relayed
# once it is this old. The grace only spares the fetch for rows relayed a moment
# ago: there is no race to wait out (the job is in Redis before the row says
# `enqueued`, and a running job cannot finish while this sweep holds its row
# lock), so rows relayed just before an outage are recovered within one or two
# sweeps of the scheduler (every 3 s) once Redis is back (issue #20.5).
LOST_AFTER = timedelta(seconds=2)
_WAITING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
# Core statements built once, plain rows back: the relay runs after every
# intake commit, and the ORM paths cost more than the statements themselves.
_OUTBOX = OutboxJob.__table__
_CLAIM = (
    select(_OUTBOX.c.id, _OUTBOX.c.queue, _OUTBOX.c.func, _OUTBOX.c.args)
    .where(_OUTBOX.c.status == "pending", _OUTBOX.c.available_at <= bindparam("now"))
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_MARK = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == any_(bindparam("ids", type_=ARRAY(_OUTBOX.c.id.type))))
    .values(status="enqueued", enqueued_at=bindparam("now"))
)


def relay_outbox() -> int:
    """Scheduler entry: relay every due pending row, then recover lost ones."""
    total = 0
    while True:
        count = relay_pending()
        total += count
        if count < BATCH_SIZE:
            break
    recover_lost()
    return total


def relay_pending(
    *,
    limit: int = BATCH_SIZE,
    session: Session | None = None,
    connection: Redis | None = None,
    swallow: bool = True,
) -> int:
    """Enqueue up to `limit` due pending rows; returns how many were relayed.

    Redis errors are logged (raised if not `swallow`): the rows stay pending.
    """
    session = session or db.session()
    # Walk the partial index of pending rows with a plain index scan: it marks
    # the entries of rows already relayed (dead since) as such, so later scans
    # skip them. A bitmap scan (the planner's choice for a few rows) marks
    # nothing and revisits every relayed row's entry and heap page until the
    # next vacuum: ~1.6 ms per relay after 20 k reports, growing with load.
    # No wait for the WAL flush at commit: if the commit were lost, the rows
    # would be relayed again, and jobs already waiting in RQ are not pushed
    # twice. Both settings in one round trip, for this transaction only.
    session.execute(
        text(
            "SELECT set_config('enable_bitmapscan', 'off', true), "
            "set_config('synchronous_commit', 'off', true)"
        )
    )
    rows = session.execute(_CLAIM, {"now": utcnow(), "limit": limit}).all()
    if not rows:
        session.rollback()
        return 0
    try:
        _enqueue(rows, connection or redis_connection())
    except RedisError as exc:
        session.rollback()
        log.warning("outbox relay: Redis unavailable, %d job(s) stay pending (%s)", len(rows), exc)
        if not swallow:
            raise
        return 0
    # One statement for the batch (the rows are still locked by this transaction).
    session.execute(_MARK, {"ids": [row.id for row in rows], "now": utcnow()})
    session.commit()
    return len(rows)


def _enqueue(rows: Sequence[Row[Any]], connection: Redis) -> None:
    """One pipeline for the whole batch (`enqueue_many`), grouped by queue."""
    existing = Job.fetch_many([rq_job_id(row.id) for row in rows], connection=connection)
    retry = retry_policy()
    by_queue: dict[str, list] = defaultdict(list)
    for row, job in zip(rows, existing, strict=False):
        if job is not None:
            if job.get_status(refresh=False) in _WAITING:
                continue  # already on its way: a re-relay must not run it twice
            job.delete()  # a finished/failed leftover (replay): start afresh
        declared = JOBS.get(row.func)  # an undeclared path fails in the runner, visibly
        by_queue[declared.queue if declared else row.queue].append(
            Queue.prepare_data(
                RUN_OUTBOX_JOB,
                args=(row.id,),
                job_id=rq_job_id(row.id),
                timeout=declared.timeout if declared else DEFAULT_TIMEOUT,
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                retry=retry,
                description=f"{row.func}{tuple(row.args or ())}",
            )
        )
    if not by_queue:
        return
    with connection.pipeline() as pipe:
        for name, datas in by_queue.items():
            get_queue(name, connection).enqueue_many(datas, pipeline=pipe)
        pipe.execute()


def recover_lost(*, session: Session | None = None, connection: Redis | None = None) -> int:
    """Re-pend enqueued rows whose RQ job vanished; mark dead those RQ gave up on.

    Walks every candidate in batches (keyset on id): a backlog of jobs still
    waiting in RQ must not hide lost rows behind the first batch.
    """
    session = session or db.session()
    connection = connection or redis_connection()
    lost = gave_up = 0
    after = 0
    while True:
        batch_lost, batch_gave_up, last_id, count = _recover_batch(session, connection, after)
        lost += batch_lost
        gave_up += batch_gave_up
        if count < BATCH_SIZE or last_id is None:
            break
        after = last_id
    if lost or gave_up:
        log.warning("outbox relay: %d job(s) lost by Redis re-relayed, %d marked dead", lost, gave_up)
    return lost


def _recover_batch(session: Session, connection: Redis, after: int) -> tuple[int, int, int | None, int]:
    """One batch of `recover_lost`: (lost, gave_up, last id seen, rows seen)."""
    rows = session.scalars(
        select(OutboxJob)
        .where(
            OutboxJob.status.in_(("enqueued", "failed")),
            OutboxJob.enqueued_at < utcnow() - LOST_AFTER,
            OutboxJob.id > after,
        )
        .order_by(OutboxJob.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        session.rollback()
        return 0, 0, None, 0
    try:
        jobs = Job.fetch_many([rq_job_id(r.id) for r in rows], connection=connection)
    except RedisError:
        session.rollback()
        return 0, 0, None, 0
    lost = gave_up = 0
    for row, job in zip(rows, jobs, strict=False):
        if job is None:  # Redis lost it: relay it again
            row.status, row.available_at = "pending", utcnow()
            lost += 1
        elif job.get_status(refresh=False) == JobStatus.FAILED:
            # RQ gave up without the runner recording it (work horse killed,
            # timeout): make it visible in the dead letters.
            row.status, row.finished_at = "dead", utcnow()
            row.last_error = row.last_error or "RQ gave up (work horse killed or timed out)"
            gave_up += 1
    last_id = rows[-1].id
    session.commit()
    return lost, gave_up, last_id, len(rows)
