"""`python -m workers.worker` and `python -m workers.scheduler` start, and stop
cleanly on Ctrl-C (SIGINT) and SIGTERM (what scripts/run.sh sends)."""
import os
import signal
import subprocess
import sys

import pytest
from rq import Worker

from tests.conftest import TEST_DATABASE_URL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(app, module):
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": app.config["REDIS_URL"],
           "MEDIA_ROOT": app.config["MEDIA_ROOT"], "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_line(process, needle):
    lines = []
    for line in process.stdout:
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError("".join(lines[-30:]))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_scheduler_stops_cleanly(app, redis_conn, signum):
    process = start(app, "workers.scheduler")
    try:
        wait_for_line(process, "scheduler started")
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        assert "scheduler stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_worker_stops_cleanly(app, redis_conn, signum):
    process = start(app, "workers.worker")
    try:
        wait_for_line(process, "ready: Ctrl-C")
        assert len(Worker.all(connection=redis_conn)) == 1
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        assert Worker.all(connection=redis_conn) == []
    finally:
        if process.poll() is None:
            process.kill()
