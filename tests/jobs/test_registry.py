"""The job registry: every job declared once, resolvable, and written on its queue."""

import importlib

import pytest
from sqlalchemy import select

from dansmarue.jobs import registry
from dansmarue.jobs.queues import QUEUES
from dansmarue.models import OutboxJob, Report
from tests.residents.conftest import body, graffiti  # noqa: F401 (fixture)
from workers.runner import resolve
from workers.schedule import SCHEDULE

DECLARED = sorted(registry.JOBS.values(), key=lambda job: job.path)


@pytest.mark.parametrize("job", DECLARED, ids=lambda job: job.name)
def test_every_declared_job_resolves_to_a_function_on_a_known_queue(job):
    assert callable(resolve(job.path))
    assert job.queue in QUEUES
    for wrapper in (registry.RUN_OUTBOX_JOB, registry.RUN_SCHEDULED):
        module, _, name = wrapper.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))


def test_undeclared_paths_are_refused_by_the_runner():
    with pytest.raises(ValueError):
        resolve("os.system")


def test_every_scheduled_entry_names_a_declared_job():
    assert all(entry["job"] is registry.JOBS[entry["job"].path] for entry in SCHEDULE)


def test_outbox_rows_carry_the_declared_queue_of_their_job(client, session, graffiti):
    """Intake writes dispatch, acknowledgement and unit mail rows (in SQL): each on
    the queue its declaration names (dispatch used to be written on `default`)."""
    response = client.post("/api/v1/reports", json=body(graffiti, email="a@example.org"))
    assert response.status_code == 201, response.json
    report_id = session.scalar(select(Report.id).where(Report.reference == response.json["reference"]))
    rows = session.scalars(select(OutboxJob).where(OutboxJob.args == [report_id])).all()
    assert {row.func for row in rows} == {
        registry.DISPATCH_REPORT.path,
        registry.SEND_ACKNOWLEDGEMENT.path,
        registry.NOTIFY_UNIT_NEW_REPORT.path,
    }
    for row in rows:
        assert row.queue == registry.JOBS[row.func].queue
    assert {row.queue for row in rows} == {"dispatch", "mail"}


def test_dedup_key_templates_fill_from_named_fields():
    assert registry.PROCESS_PHOTO.dedup_key(photo_id=7) == "photo:7:process"
    assert registry.NOTIFY_OVERDUE.dedup_key() is None
    with pytest.raises(KeyError):
        registry.DISPATCH_REPORT.dedup_key(report_id=1)  # the cause is part of the key
