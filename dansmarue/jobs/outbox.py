"""Jobs are written to the outbox in the caller's transaction.

A relay (dansmarue.jobs.relay) moves pending rows to RQ after commit, so a job
exists if and only if the change that caused it was committed.
"""

from typing import Any

from sqlalchemy.dialects.postgresql import insert

from dansmarue.jobs.registry import Job
from dansmarue.models import OutboxJob, db

# session.info key: "this transaction wrote outbox rows", read after commit by
# dansmarue.jobs.autorelay. ORM inserts set it there; raw SQL writers set it themselves.
WRITTEN_FLAG = "dansmarue.outbox_written"


def add_job(job: Job, *args: Any, **key_fields: object) -> None:
    """Queue `job(*args)` on its declared queue with this transaction.

    `key_fields` fill the job's idempotency key: a repeated key is ignored,
    so a job is never queued twice.
    """
    dedup_key = job.dedup_key(**key_fields)
    statement = insert(OutboxJob).values(
        func=job.path, args=list(args), queue=job.queue, dedup_key=dedup_key, status="pending"
    )
    if dedup_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
    db.session.execute(statement)


def dedup_key_sql(job: Job, **expressions: str) -> str:
    """The job's idempotency key as an SQL expression, for outbox rows written in SQL:
    each field is an SQL expression (a column, or a quoted literal). A job
    without a key template has no key: NULL, as `Job.dedup_key` gives None."""
    if job.dedup is None:
        return "NULL"
    marker = {name: f"\x00{name}\x00" for name in expressions}
    parts = job.dedup.format(**marker).split("\x00")
    # Even positions are literal text, odd positions are field names.
    sql = [
        f"'{part}'" if i % 2 == 0 else f"({expressions[part]})::text"
        for i, part in enumerate(parts)
        if part or i % 2
    ]
    return " || ".join(sql)
