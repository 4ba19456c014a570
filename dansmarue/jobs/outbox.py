"""Jobs are written to the outbox in the caller's transaction.

A relay (dansmarue.jobs.relay) moves pending rows to RQ after commit, so a job
exists if and only if the change that caused it was committed.
"""
from sqlalchemy.dialects.postgresql import insert

from dansmarue.models import OutboxJob, db

# session.info key: "this transaction wrote outbox rows", read after commit by
# dansmarue.jobs.autorelay. ORM inserts set it there; raw SQL writers set it themselves.
WRITTEN_FLAG = "dansmarue.outbox_written"


def add_job(func: str, *args, queue: str = "default", dedup_key: str | None = None) -> None:
    """Queue `func(*args)` (a dotted path under `workers.jobs`) with this transaction.

    A repeated `dedup_key` is ignored, so a job is never queued twice.
    """
    statement = insert(OutboxJob).values(
        func=func, args=list(args), queue=queue, dedup_key=dedup_key, status="pending"
    )
    if dedup_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
    db.session.execute(statement)
