"""#20.4: a worker started while Redis is down waits and reconnects instead of dying."""

import subprocess
import time

from redis import Redis
from rq import Queue, SimpleWorker

from tests.workers.conftest import free_port
from workers.worker import work_through_outages


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
