"""RQ worker entry point: ``python -m workers.worker [--burst] [--simple]``.

The app is built and the mappers configured once, before RQ forks a work
horse per job, so each job starts with warm imports. A forked horse still
starts with cold caches (SQL compiled again, templates parsed again, a new
database connection), about 0.4 s more per job than with ``--simple``, which
runs the jobs in this process and is what `make run` uses.
SIGINT/SIGTERM make RQ finish the current job and exit (a second signal stops
at once). A lost Redis is waited for (`work_through_outages`).
"""

import argparse
import contextlib
import gc
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.worker import BaseWorker

from dansmarue.jobs.context import get_app
from dansmarue.jobs.queues import QUEUES, all_queues, get_queue, redis_connection
from dansmarue.jobs.registry import JOBS
from dansmarue.models import db
from dansmarue.platform import logs


class _ReadySignal(BaseWorker):
    """Logs once RQ's SIGINT/SIGTERM handlers are in place (before: default action)."""

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()
        self.log.info("ready: Ctrl-C or SIGTERM stops after the current job")


class _OneLineFailures(BaseWorker):
    """One log line per failed attempt (reason and retry time) instead of RQ's
    full traceback: without a mail server every retry would print 40 lines.
    The outbox row keeps the error text for `flask jobs dead`."""

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        exc = exc_info[1]
        lines = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
        self.log.warning(
            "job %s %s%s failed: %s; %s",
            job.id,
            job.func_name,
            tuple(job.args or ()),
            lines[-1] if lines else type(exc).__name__,
            self._next_try(job),
        )
        for handler in self._exc_handlers:
            if handler(job, *exc_info) is False:
                break

    @staticmethod
    def _next_try(job: Job) -> str:
        """RQ calls this before it schedules the retry: say when that will be."""
        if not job.retries_left:
            return "no retry left"
        at = datetime.now(UTC) + timedelta(seconds=job.get_retry_interval())
        return f"retry at {at:%Y-%m-%d %H:%M:%S} UTC ({job.retries_left - 1} left after it)"


# Seconds between two attempts to reach Redis once it is gone, at most. RQ's
# own default backs off up to 60 s, so a worker could wake up a minute after
# Redis returned; a refused connection costs nothing, so try every 2 s and
# pick the backlog up within seconds (issue #20.6).
RECONNECT_MAX_WAIT = 2.0


class _QuickReconnect:
    """RQ's wait between reconnections while it listens: 1 s, then 2 s."""

    max_connection_wait_time = RECONNECT_MAX_WAIT


class _JobLogContext:
    """The job's request id and outbox id stay on RQ's lines about that job,
    not on the worker's next ones (without a fork per job, the log context
    outlives the job: the next job's first line named the previous one)."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            return super().execute_job(job, queue)  # type: ignore[misc]  # a mixin of RQ workers
        finally:
            logs.clear()


class DansMaRueWorker(_OneLineFailures, _ReadySignal, _QuickReconnect, _JobLogContext, Worker):
    pass


class DansMaRueSimpleWorker(_OneLineFailures, _ReadySignal, _QuickReconnect, _JobLogContext, SimpleWorker):
    pass


JOB_MODULES = sorted({job.path.rpartition(".")[0] for job in JOBS.values()})


def preload() -> None:
    """Import every job module and run the photo pipeline once on a tiny image,
    so lazy imports (imagehash pulls scipy.fftpack inside phash) happen once in
    the parent instead of in every forked work horse."""
    import importlib
    import io

    from PIL import Image

    from dansmarue.media import imaging

    for name in JOB_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            logging.getLogger(__name__).warning("job module %s not available", name)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(buffer, "JPEG")
    imaging.process_photo(buffer.getvalue())


def start_photo_decoder(app: Flask) -> None:
    """Pre-start this worker's photo decoding child (#12.1), so the first photo
    does not wait for it. Only without a fork per job: a forked horse starts
    its own child, the parent's would not survive the horse."""
    if app.config["PHOTO_DECODER"] != "sandbox":
        return
    from workers.jobs import photos

    with app.app_context():
        photos.decoder().start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.worker")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--simple", action="store_true", help="run jobs in this process (no fork per job)")
    parser.add_argument("--queues", nargs="*", choices=QUEUES, help="default: all")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logs.configure(args.log_level, os.environ.get("LOG_FORMAT", "json"))

    app = get_app()
    preload()
    with app.app_context():
        connection = redis_connection()
        # No pooled DB connection may cross the fork into work horses.
        db.engine.dispose()
    # Objects made so far are never collected: the collector then does not touch
    # (and copy) the parent's pages in every forked work horse.
    gc.collect()
    gc.freeze()
    queues = [get_queue(name, connection) for name in args.queues] if args.queues else all_queues(connection)
    worker_class = DansMaRueSimpleWorker if args.simple else DansMaRueWorker
    if args.simple:
        start_photo_decoder(app)
    work_through_outages(
        lambda: worker_class(queues, connection=connection), burst=args.burst, logging_level=args.log_level
    )
    return 0


def work_through_outages(
    make_worker: Callable[[], BaseWorker],
    *,
    burst: bool = False,
    logging_level: str = "INFO",
    max_wait: float = RECONNECT_MAX_WAIT,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run a worker; when Redis goes away, wait (1 s, then `max_wait`) and
    start a fresh one instead of dying (issue #20.4). A worker that stops on
    its own (signal, burst done) ends the loop."""
    wait = 1.0
    while True:
        worker: BaseWorker | None = None
        try:
            worker = make_worker()  # RQ talks to Redis from the constructor on
            worker.work(burst=burst, with_scheduler=True, logging_level=logging_level)
            return
        except (RedisConnectionError, RedisTimeoutError) as exc:
            logging.getLogger(__name__).warning("Redis unavailable (%s): new worker in %.0f s", exc, wait)
            if worker is not None:
                _unsubscribe(worker)
        sleep(wait)
        wait = min(wait * 2, max_wait)


def _unsubscribe(worker: BaseWorker) -> None:
    """Stop the command listener of a worker that lost Redis. RQ's teardown
    stops it last, after writes to Redis that fail during an outage, so its
    thread would outlive the worker, retrying (and logging) every 2 s, one
    more after each outage."""
    thread = getattr(worker, "pubsub_thread", None)
    if thread is not None:
        thread.stop()
    pubsub = getattr(worker, "pubsub", None)
    if pubsub is not None:
        with contextlib.suppress(Exception):
            pubsub.close()


if __name__ == "__main__":
    sys.exit(main())
