"""scripts/run.sh, the supervisor of `make run`, for real: a child that dies is
restarted while the web server keeps answering; past its budget it stops all."""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Supervisor:
    def __init__(self, tmp_path, **env):
        self.port = free_port()
        self.log = tmp_path / "run.log"
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
                "MAIL_SINK_DIR": str(tmp_path / "mails"),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
                **env,
            },
        )

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.text()))
            if found:
                return found[-1]
            assert self.process.poll() is None or "stopped" in self.text(), self.text()
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in:\n{self.text()}")

    def live(self) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/live", timeout=5) as r:
            return r.status

    def child(self, name: str, other_than: int | None = None, timeout: float = 30) -> int:
        """The pid of the latest `name` started (a new one when `other_than` is given)."""
        deadline = time.monotonic() + timeout
        while True:
            pid = int(self.wait_for(rf"started {name} \(pid (\d+)\)").group(1))
            if pid != other_than or time.monotonic() > deadline:
                return pid
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


@pytest.fixture
def supervisor(tmp_path):
    started = []

    def make(**env):
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


def test_a_dead_worker_is_restarted_and_the_web_server_keeps_answering(supervisor):
    sup = supervisor()
    wait_live(sup)
    first = sup.child("worker")
    os.killpg(first, signal.SIGKILL)
    sup.wait_for(rf"worker \(pid {first}\) exited with status \d+: restarting it in 1s")
    assert sup.live() == 200  # never stopped
    assert sup.child("worker", other_than=first) != first
    assert sup.process.poll() is None
    sup.stop()
    assert "[run] stopped" in sup.text()


def test_past_its_restart_budget_the_supervisor_stops_everything(supervisor):
    sup = supervisor(RESTART_BUDGET="1", RESTART_WINDOW="60")
    wait_live(sup)
    pid = None
    for _ in range(2):
        pid = sup.child("scheduler", other_than=pid)
        os.killpg(pid, signal.SIGKILL)
        sup.wait_for(rf"scheduler \(pid {pid}\) exited")
    assert sup.process.wait(40) != 0
    assert "more than 1 restarts in 60s: stopping the others" in sup.text()
    with pytest.raises(OSError):
        sup.live()


def test_the_printed_urls_answer(supervisor):
    sup = supervisor()
    wait_live(sup)
    sup.wait_for(r"Ctrl-C to stop")
    printed = "\n".join(line for line in sup.text().splitlines() if line.startswith("[run]"))
    urls = re.findall(r"(http://127\.0\.0\.1:\d+[^\s)]*)", printed)
    assert len(urls) >= 6
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200, url  # /dashboard and /agent: after the login redirect


def test_a_report_mails_into_the_sink_and_metrics_add_up_across_processes(supervisor, committed):
    """No SMTP_HOST: the acknowledgement sent by the RQ worker lands in the sink
    and /dev/mails shows it; /metrics adds the web and worker processes up."""
    from prometheus_client.parser import text_string_to_metric_families

    sup = supervisor()
    wait_live(sup)
    base = f"http://127.0.0.1:{sup.port}"
    with urllib.request.urlopen(f"{base}/api/v1/categories", timeout=10) as answer:
        leaf = _first_leaf(json.load(answer))
    request = urllib.request.Request(
        f"{base}/api/v1/reports",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps(
            {"category_id": leaf, "latitude": 48.8566, "longitude": 2.3790, "email": "boite@example.org"}
        ).encode(),
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        reference = json.load(answer)["reference"]
    deadline = time.monotonic() + 60
    page = ""
    while reference not in page and time.monotonic() < deadline:
        time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/dev/mails", timeout=10) as answer:
            page = answer.read().decode()
    assert "boite@example.org" in page and reference in page, sup.text()
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert found[("dansmarue_reports_total", (("channel", "api"), ("outcome", "accepted")))] >= 1
    done = [
        v
        for (name, labels), v in found.items()
        if name == "dansmarue_jobs_total"
        and ("job", "notify.send_acknowledgement") in labels
        and ("outcome", "done") in labels
    ]
    assert done and done[0] >= 1  # counted in the RQ worker's process
    assert found[("dansmarue_emails_total", (("channel", "email"), ("outcome", "sent")))] >= 1


def _first_leaf(tree) -> int:
    items = tree["categories"] if isinstance(tree, dict) else tree
    for item in items:
        children = item.get("children") or []
        if not children:
            return item["id"]
        return _first_leaf(children)
    raise AssertionError("no category")
