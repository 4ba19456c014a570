"""#14.1: job, e-mail and photo metrics move when real jobs run."""

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from dansmarue.models import OutboxJob
from dansmarue.platform import metrics
from tests.workers.conftest import new_report
from tests.workers.test_photos import phone_jpeg, stored_photo
from workers.jobs.photos import process_photo
from workers.runner import run_outbox_job


def scraped() -> dict:
    body, _ = metrics.render()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def at(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_mail_job_counts_a_job_and_an_email(ctx, smtp):
    new_report(ctx, reporter_email="compteur@example.org")
    ack = ctx.scalar(select(OutboxJob).where(OutboxJob.func.endswith("send_acknowledgement")))
    before = scraped()
    run_outbox_job(ack.id)
    after = scraped()
    job = {"job": "notify.send_acknowledgement"}
    assert (
        at(after, "dansmarue_jobs_total", **job, outcome="done")
        == at(before, "dansmarue_jobs_total", **job, outcome="done") + 1
    )
    assert (
        at(after, "dansmarue_job_duration_seconds_count", **job)
        == at(before, "dansmarue_job_duration_seconds_count", **job) + 1
    )
    assert (
        at(after, "dansmarue_emails_total", channel="email", outcome="sent")
        == at(before, "dansmarue_emails_total", channel="email", outcome="sent") + 1
    )
    assert smtp.to("compteur@example.org")


def test_a_processed_photo_is_timed(ctx):
    photo = stored_photo(ctx, new_report(ctx), phone_jpeg())
    before = scraped()
    assert process_photo(photo.id) == "ready"
    after = scraped()
    name = "dansmarue_photo_processing_seconds"
    assert at(after, f"{name}_count", outcome="ready") == at(before, f"{name}_count", outcome="ready") + 1
    assert at(after, f"{name}_sum", outcome="ready") > at(before, f"{name}_sum", outcome="ready")
