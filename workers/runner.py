"""The wrapper every outbox job runs in (inside an RQ worker).

It builds the app once per process, runs the job function inside an app
context, and keeps the outbox row's status in step: ``done`` on success,
``failed`` while RQ retries with backoff, ``dead`` after the last attempt
(listed by ``flask jobs dead``, replayed by ``flask jobs replay``).
"""

import importlib
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import has_app_context
from sqlalchemy import text, update

from dansmarue.jobs.context import get_app
from dansmarue.jobs.queues import max_attempts
from dansmarue.jobs.registry import JOBS
from dansmarue.models import OutboxJob, db, utcnow
from dansmarue.platform import logs, metrics

log = logging.getLogger(__name__)
# What RQ keeps of a job's result.
Storable = str | int | float | bool | None

_pid = os.getpid()


def resolve(path: str) -> Callable[..., Any]:
    """The function of a declared job; nothing else may be named."""
    if path not in JOBS:
        raise ValueError(f"not a job function: {path}")
    module_name, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


@contextmanager
def app_context() -> Iterator[None]:
    """Reuse an active context (tests, SimpleWorker in-process), else push one."""
    global _pid
    if has_app_context():
        yield
        return
    app = get_app()
    with app.app_context():
        if _pid != os.getpid():
            # A forked work horse must not reuse the parent's pooled sockets.
            db.engine.dispose(close=False)
            _pid = os.getpid()
        try:
            yield
        finally:
            db.session.remove()


def run_outbox_job(outbox_id: int) -> Storable:
    """Run the outbox row's function once; skip it if already done or dead."""
    with app_context():
        claimed = db.session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == outbox_id, OutboxJob.status.not_in(("done", "dead")))
            .values(attempts=OutboxJob.attempts + 1)
            .returning(OutboxJob.func, OutboxJob.args, OutboxJob.attempts, OutboxJob.request_id)
        ).first()
        _commit_bookkeeping()
        if claimed is None:
            return "skipped: done, dead or missing"
        func, args, attempts, request_id = claimed
        logs.clear()
        logs.bind(request_id=request_id, job=metrics.job_name(func), outbox_id=outbox_id)
        try:
            with metrics.timed() as took:
                result = resolve(func)(*(args or []))
        except Exception as exc:
            metrics.JOBS.labels(metrics.job_name(func), "failed").inc()
            db.session.rollback()
            _finish(outbox_id, "dead" if attempts >= max_attempts() else "failed", _describe(exc))
            if attempts >= max_attempts():
                log.error(
                    "outbox job %s (%s) is dead after %s attempts: %s",
                    outbox_id,
                    func,
                    attempts,
                    _describe(exc),
                )
            raise
        metrics.JOBS.labels(metrics.job_name(func), "done").inc()
        metrics.JOB_DURATION.labels(metrics.job_name(func)).observe(took.seconds)
        log.info("outbox job %s (%s) done in %.0f ms", outbox_id, func, took.seconds * 1000)
        _finish(outbox_id, "done", None)
        return _storable(result)


def run_scheduled(path: str) -> Storable:
    """Run a periodic job function (enqueued by the scheduler) in an app context."""
    with app_context():
        result = resolve(path)()
        return _storable(result)


def _finish(outbox_id: int, status: str, error: str | None) -> None:
    db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == outbox_id)
        .values(status=status, last_error=error, finished_at=utcnow() if status in ("done", "dead") else None)
        .execution_options(synchronize_session=False)
    )
    _commit_bookkeeping()


def _commit_bookkeeping() -> None:
    """Commit status rows without waiting for the WAL flush: losing one in a
    crash only re-runs an idempotent job (the job's own commit stays durable)."""
    db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()


def _storable(result: object) -> Storable:
    """What RQ keeps as the job's result: scalars as they are, anything else as text."""
    return result if isinstance(result, str | int | float | bool | type(None)) else str(result)


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[-2000:]
