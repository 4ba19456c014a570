"""`python -m workers.worker` and `python -m workers.scheduler` start, and stop
cleanly on Ctrl-C (SIGINT) and SIGTERM (what scripts/run.sh sends)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from rq import Worker

from tests.conftest import TEST_DATABASE_URL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(app, module, log_path):
    env = {
        **os.environ,
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": app.config["REDIS_URL"],
        "MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "PYTHONUNBUFFERED": "1",
    }
    # Output to a file, not a pipe nobody drains, so the child can never block on it.
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_for(process, log_path, needle, limit=120):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with open(log_path) as log:
            text = log.read()
        if needle in text:
            return
        assert process.poll() is None, text[-3000:]
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} not seen:\n{text[-3000:]}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_scheduler_stops_cleanly(app, redis_conn, signum, tmp_path):
    log_path = tmp_path / "scheduler.log"
    process = start(app, "workers.scheduler", log_path)
    try:
        wait_for(process, log_path, "scheduler started")
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        assert "scheduler stopped" in log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_worker_stops_cleanly(app, redis_conn, signum, tmp_path):
    log_path = tmp_path / "worker.log"
    process = start(app, "workers.worker", log_path)
    try:
        wait_for(process, log_path, "ready: Ctrl-C")
        assert len(Worker.all(connection=redis_conn)) == 1
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0, log_path.read_text()[-3000:]
        assert Worker.all(connection=redis_conn) == []
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_relay_stops_cleanly(app, redis_conn, signum, tmp_path):
    log_path = tmp_path / "relay.log"
    process = start(app, "workers.relay", log_path)
    try:
        wait_for(process, log_path, "relay caught up")
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0, log_path.read_text()[-3000:]
        assert "relay stopped" in log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
