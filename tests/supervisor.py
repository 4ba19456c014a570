"""scripts/run.sh (the supervisor of `make run`) started for real by a test:
on free ports, with its own mail sink folder, metrics folder and log file."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Supervisor:
    """`bash scripts/run.sh` in its own session; `env` overrides its environment."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "run.log"
        self.mail_dir = Path(env.get("MAIL_SINK_DIR", tmp_path / "mails"))
        self.process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=os.environ
            | {
                "PORT": str(self.port),
                "WEB_CONCURRENCY": "1",
                "DATABASE_URL": TEST_DATABASE_URL,
                "REDIS_URL": TEST_REDIS_URL,
                "VENV": str(Path(sys.executable).parents[1]),
                "STOP_TIMEOUT": "10",
                "MAIL_SINK_PORT": str(free_port()),
                "MAIL_SINK_DIR": str(self.mail_dir),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
                **env,
            },
        )

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.text()))
            if found:
                return found[-1]
            assert self.process.poll() is None or "stopped" in self.text(), self.text()
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in:\n{self.text()}")

    def live(self) -> int:
        with urllib.request.urlopen(f"{self.base}/health/live", timeout=5) as r:
            return r.status

    def child(self, name: str, other_than: int | None = None, timeout: float = 30) -> int:
        """The pid of the latest `name` started (a new one when `other_than` is given)."""
        deadline = time.monotonic() + timeout
        while True:
            pid = int(self.wait_for(rf"started {name} \(pid (\d+)\)").group(1))
            if pid != other_than or time.monotonic() > deadline:
                return pid
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Callable[..., Supervisor]]:
    """Makes supervisors (`supervisor(**env)`); stops and kills them after the test."""
    started: list[Supervisor] = []

    def make(**env: str) -> Supervisor:
        started.append(Supervisor(tmp_path, **env))
        return started[-1]

    yield make
    for one in started:
        one.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(one.process.pid, signal.SIGKILL)


def wait_live(sup: Supervisor, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sup.live() == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(sup.text())
