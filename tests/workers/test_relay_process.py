"""Issue #12.2: the relay process (`python -m workers.relay`), woken by the
outbox trigger's NOTIFY, moves committed jobs to RQ; no request-path relay
(the test app's OUTBOX_AUTO_RELAY is off). Real PostgreSQL, real Redis, the
real entry point in a subprocess. The waits are on events, never timed."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from redis import Redis

from dansmarue.jobs.queues import all_queues
from dansmarue.jobs.wakeup import listen_dsn
from tests.conftest import TEST_DATABASE_URL
from tests.faults.harness import PrivateRedis
from tests.workers.test_durability import ROOT, post_reports, rows_after

WAIT = 30.0  # seconds: only a bound on a hung test, not the assertion


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


class Relay:
    def __init__(self, log: Path, redis_url: str, catch_up: float) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workers.relay", "--catch-up", str(catch_up), "--log-level", "DEBUG"],
            cwd=ROOT,
            env=os.environ
            | {"DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": redis_url, "LOG_FORMAT": "text"},
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def text(self) -> str:
        return self.log.read_text()

    def wait_ready(self) -> None:
        """Listening and through its first catch-up round."""
        wait_until(lambda: "relay caught up" in self.text() or self.process.poll() is not None, "relay ready")
        assert self.process.poll() is None, self.text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[Callable[..., Relay]]:
    started: list[Relay] = []

    def start(redis_url: str, catch_up: float = 600.0) -> Relay:
        started.append(Relay(tmp_path / f"relay{len(started)}.log", redis_url, catch_up))
        return started[-1]

    yield start
    for relay in started:
        relay.stop()


def enqueued(mark: int, count: int) -> Callable[[], bool]:
    def check() -> bool:
        rows = rows_after(mark)
        return len(rows) == count and {r.status for r in rows} == {"enqueued"}

    return check


def queued_ids(connection: Redis) -> list[str]:
    return [job_id for queue in all_queues(connection) for job_id in queue.job_ids]


def test_a_commit_wakes_the_relay_process(app, committed, redis_conn, relays):
    _, job_mark = committed
    relay = relays(app.config["REDIS_URL"])  # catch-up in 10 min: only a wake-up can deliver
    relay.wait_ready()
    post_reports(app, 2)
    wait_until(enqueued(job_mark, 6), "jobs relayed after the NOTIFY")
    assert sorted(queued_ids(redis_conn)) == sorted(f"outbox-{r.id}" for r in rows_after(job_mark))
    relay.stop()
    assert "relay wake:" in relay.text()  # delivered by a wake-up round


def test_a_lost_notification_is_caught_up(app, committed, redis_conn, relays):
    _, job_mark = committed
    post_reports(app, 1)  # committed while no relay listens: its NOTIFY is lost
    assert {r.status for r in rows_after(job_mark)} == {"pending"}
    relay = relays(app.config["REDIS_URL"], catch_up=0.5)
    relay.wait_ready()
    wait_until(enqueued(job_mark, 3), "the start-up catch-up")
    # A row written without its trigger (no NOTIFY at all): the periodic catch-up.
    with psycopg.connect(listen_dsn(TEST_DATABASE_URL)) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "INSERT INTO outbox_job (func, args, queue, status, available_at, attempts, created_at) "
            "VALUES ('workers.jobs.maintenance.prune_outbox', '[]', 'maintenance', 'pending', "
            "now(), 0, now())"
        )
    wait_until(enqueued(job_mark, 4), "the periodic catch-up")
    assert len(set(queued_ids(redis_conn))) == 4


def test_redis_down_at_commit_loses_nothing(app, committed, relays, tmp_path):
    _, job_mark = committed
    redis = PrivateRedis(tmp_path / "redis")  # not started yet: Redis is down
    relay = relays(redis.url, catch_up=0.5)
    relay.wait_ready()
    post_reports(app, 2)
    wait_until(lambda: "Redis unavailable" in relay.text(), "a relay round refused by Redis")
    rows = rows_after(job_mark)
    assert len(rows) == 6 and {r.status for r in rows} == {"pending"}
    redis.start()
    try:
        wait_until(enqueued(job_mark, 6), "delivery once Redis is back")
        assert sorted(queued_ids(Redis.from_url(redis.url))) == sorted(f"outbox-{r.id}" for r in rows)
    finally:
        redis.stop()


def test_two_relay_processes_never_enqueue_a_row_twice(app, committed, redis_conn, relays):
    _, job_mark = committed
    first, second = relays(app.config["REDIS_URL"], 0.2), relays(app.config["REDIS_URL"], 0.2)
    first.wait_ready()
    second.wait_ready()
    post_reports(app, 20)
    wait_until(enqueued(job_mark, 60), "every job relayed")
    ids = queued_ids(redis_conn)
    assert len(ids) == 60 and len(set(ids)) == 60
