"""#14.2: a request id from the intake to the log lines of its jobs."""

import io
import json
import logging

import pytest
from sqlalchemy import select

from dansmarue.models import OutboxJob
from dansmarue.platform import logs
from tests.residents.conftest import body
from tests.workers.conftest import graffiti as graffiti_of
from workers.runner import run_outbox_job


@pytest.fixture
def graffiti(session):
    return graffiti_of(session)


def test_the_request_id_is_answered_and_generated_when_absent_or_invalid(client):
    given = client.get("/health/live", headers={"X-Request-ID": "trace-123"})
    assert given.headers["X-Request-ID"] == "trace-123"
    for bad in ("bad id; <script>", "x" * 65, "é"):
        made = client.get("/health/live", headers={"X-Request-ID": bad})
        assert made.headers["X-Request-ID"] != bad
        assert len(made.headers["X-Request-ID"]) == 32


def test_a_report_can_be_followed_from_intake_to_its_mail(client, ctx, smtp, graffiti):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        answer = client.post(
            "/api/v1/reports",
            headers={"X-Request-ID": "trace-abc"},
            json=body(graffiti, email="suivi@example.org"),
        )
        assert answer.status_code == 201 and answer.headers["X-Request-ID"] == "trace-abc"
        rows = ctx.scalars(select(OutboxJob).order_by(OutboxJob.id)).all()
        assert rows and {r.request_id for r in rows} == {"trace-abc"}
        ack = next(r for r in rows if r.func.endswith("send_acknowledgement"))
        run_outbox_job(ack.id)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logs.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [x for x in lines if x["logger"] == "dansmarue.access" and x["status"] == 201]
    assert access and access[0]["request_id"] == "trace-abc"
    assert access[0]["route"] == "/api/v1/reports"
    job = [x for x in lines if x.get("job") == "notify.send_acknowledgement"]
    assert job and all(x["request_id"] == "trace-abc" for x in job)
    assert smtp.to("suivi@example.org")
    ours = [x for x in lines if x["logger"] != "mail.log"]  # not the test's SMTP relay
    assert ours and not any("suivi@example.org" in str(x) for x in ours)
