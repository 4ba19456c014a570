"""#20.4, #20.6: a worker that loses Redis, or starts without it, waits and reconnects
within seconds instead of dying."""

import subprocess
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, SimpleWorker

from dansmarue.platform import logs
from tests.workers.conftest import free_port
from workers.worker import (
    RECONNECT_MAX_WAIT,
    DansMaRueSimpleWorker,
    DansMaRueWorker,
    work_through_outages,
)


def test_worker_waits_for_redis_instead_of_dying(tmp_path):
    port = free_port()
    servers, waits = [], []

    def sleep(seconds):  # the backoff pause: Redis comes back during it
        waits.append(seconds)
        if not servers:
            servers.append(
                subprocess.Popen(
                    [
                        "redis-server",
                        "--port",
                        str(port),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        str(tmp_path),
                    ],
                    stdout=subprocess.DEVNULL,
                )
            )
            probe = Redis(port=port)
            for _ in range(100):
                try:
                    probe.ping()
                    return
                except Exception:
                    time.sleep(0.05)

    connection = Redis(port=port)
    try:
        work_through_outages(
            lambda: SimpleWorker([Queue("t", connection=connection)], connection=connection),
            burst=True,
            sleep=sleep,
        )
        assert servers and waits[0] == 1.0  # it backed off, then ran to the end of its burst
    finally:
        for server in servers:
            server.terminate()
            server.wait()


def test_reconnection_attempts_are_at_most_two_seconds_apart():
    """#20.6: the backlog is picked up within seconds of Redis's return, not
    after a backoff grown to 30 s (ours) or 60 s (RQ's own, while listening)."""
    waits: list[float] = []
    attempts = iter(range(6))

    class Done:
        def work(self, **_):
            return True

    def make_worker():
        if next(attempts) < 5:
            raise RedisConnectionError("Connection refused")
        return Done()

    work_through_outages(make_worker, burst=True, sleep=waits.append)
    assert waits == [1.0, 2.0, 2.0, 2.0, 2.0]
    assert DansMaRueWorker.max_connection_wait_time == RECONNECT_MAX_WAIT == 2.0
    assert DansMaRueSimpleWorker.max_connection_wait_time == RECONNECT_MAX_WAIT


def test_a_worker_that_lost_redis_stops_its_command_listener():
    """RQ's teardown fails on Redis before it stops the pubsub thread, which
    would then outlive its worker (one more thread after each outage)."""
    stopped: list[str] = []
    made: list[object] = []

    class Thread:
        def stop(self):
            stopped.append("thread")

    class PubSub:
        def close(self):
            stopped.append("pubsub")

    class LosesRedis:
        pubsub_thread, pubsub = Thread(), PubSub()

        def work(self, **_):
            raise RedisConnectionError("Connection closed by server.")

    class Done:
        def work(self, **_):
            return True

    def make_worker():
        made.append(LosesRedis() if not made else Done())
        return made[-1]

    work_through_outages(make_worker, burst=True, sleep=lambda _: None)
    assert stopped == ["thread", "pubsub"]


def test_the_log_context_of_a_job_ends_with_it(tmp_path):
    """Without a fork per job (`--simple`), a job's request id must not stay
    on the worker's next log lines."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        connection = Redis(port=port)
        for _ in range(100):
            try:
                connection.ping()
                break
            except Exception:
                time.sleep(0.05)
        queue = Queue("t", connection=connection)
        queue.enqueue(logs.bind, request_id="req-1", outbox_id=7)
        DansMaRueSimpleWorker([queue], connection=connection).work(burst=True, with_scheduler=False)
        assert logs.current("request_id") is None
    finally:
        logs.clear()
        server.terminate()
        server.wait()
