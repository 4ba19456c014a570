"""scripts/run.sh, the supervisor of `make run`, for real: a child that dies is
restarted while the web server keeps answering; past its budget it stops all."""

import json
import os
import re
import signal
import time
import urllib.request

import pytest

from tests.supervisor import supervisor, wait_live  # noqa: F401 (a fixture)


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


def test_the_relay_process_is_supervised_unless_relaying_after_commit(supervisor):
    sup = supervisor()  # OUTBOX_RELAY unset: the production default, process
    wait_live(sup)
    first = sup.child("relay")
    os.killpg(first, signal.SIGKILL)
    sup.wait_for(rf"relay \(pid {first}\) exited with status \d+: restarting it in 1s")
    assert sup.child("relay", other_than=first) != first
    sup.stop()
    other = supervisor(OUTBOX_RELAY="after_commit")
    wait_live(other)
    other.wait_for(r"Ctrl-C to stop")
    assert "started relay" not in other.text()
    assert "started scheduler" in other.text()


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
