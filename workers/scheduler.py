"""Scheduler process: ``python -m workers.scheduler [--once]``.

Runs the entries of `workers.schedule.SCHEDULE`; see that module for the
rules. Ctrl-C / SIGTERM stop it between two ticks.
"""

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from datetime import datetime

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from dansmarue import city
from dansmarue.jobs.context import get_app
from dansmarue.jobs.queues import FAILURE_TTL, RESULT_TTL, get_queue, redis_connection
from dansmarue.jobs.registry import RUN_SCHEDULED
from dansmarue.platform import logs
from workers.schedule import SCHEDULE

log = logging.getLogger("workers.scheduler")
LOCK_PREFIX = "dansmarue:schedule"
TICK = 1.0


def slot_of(entry: dict, now: float) -> str | None:
    """The entry's current slot, or None if it is not due yet today."""
    if "every" in entry:
        return str(int(now // entry["every"]))
    local = datetime.fromtimestamp(now, city.tz())
    hour, minute = (int(part) for part in entry["daily_at"].split(":"))
    if (local.hour, local.minute) < (hour, minute):
        return None
    return local.date().isoformat()


def lock_ttl(entry: dict) -> int:
    return max(2 * entry["every"], 10) if "every" in entry else 2 * 86400


class Scheduler:
    def __init__(self, connection: Redis, schedule: list[dict] = SCHEDULE):
        self.connection = connection
        self.schedule = schedule
        self.owner = f"{socket.gethostname()}:{id(self)}"
        self.done: dict[str, str] = {}  # entry id -> last slot handled here

    def tick(self, now: float | None = None) -> list[str]:
        """Run or enqueue every entry whose slot is new; returns the ids run."""
        now = time.time() if now is None else now
        ran = []
        for entry in self.schedule:
            slot = slot_of(entry, now)
            if slot is None or self.done.get(entry["id"]) == slot:
                continue
            try:
                if self._claim(entry, slot):
                    self._run(entry, slot)
                    ran.append(entry["id"])
                self.done[entry["id"]] = slot
            except RedisError as exc:
                log.warning("schedule %s: Redis unavailable (%s), retried next tick", entry["id"], exc)
                break
            except Exception:
                log.exception("schedule %s failed", entry["id"])
                self.done[entry["id"]] = slot
        return ran

    def _claim(self, entry: dict, slot: str) -> bool:
        key = f"{LOCK_PREFIX}:{entry['id']}:{slot}"
        return bool(self.connection.set(key, self.owner, nx=True, ex=lock_ttl(entry)))

    def _run(self, entry: dict, slot: str) -> None:
        if entry.get("inline"):
            from workers.runner import run_scheduled

            run_scheduled(entry["job"].path)
            return
        job = entry["job"]
        queue: Queue = get_queue(job.queue, self.connection)
        queue.enqueue(
            RUN_SCHEDULED,
            job.path,
            job_id=f"schedule-{entry['id']}-{slot}",
            job_timeout=job.timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            description=f"schedule {entry['id']} ({slot})",
        )
        log.info("schedule %s: enqueued slot %s", entry["id"], slot)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.scheduler")
    parser.add_argument("--once", action="store_true", help="one tick, then exit")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logs.configure(args.log_level, os.environ.get("LOG_FORMAT", "json"))
    app = get_app()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with app.app_context():
        scheduler = Scheduler(redis_connection())
        log.info("scheduler started with %d entries", len(scheduler.schedule))
        while not stop.is_set():
            scheduler.tick()
            if args.once:
                break
            stop.wait(TICK)
    log.info("scheduler stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
