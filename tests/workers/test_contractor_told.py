"""A resident's resolution reaches the contractor holding the report (#19.3)."""

import json

from dansmarue.reports.resolution import declare_resolved
from tests.workers.conftest import new_report, outbox_rows
from workers.jobs.dispatch import dispatch_report
from workers.jobs.notify import notify_contractor

JOB = "workers.jobs.notify.notify_contractor"


def test_web_hook_contractor_hears_the_residents_resolution(ctx, contractor):
    report = new_report(ctx, reporter_email="ines@example.org")
    report.unit.webhook_url, report.unit.webhook_secret = contractor.url, "s3cret"
    ctx.commit()
    dispatch_report(report.id)
    assert ctx.get(type(report), report.id).state == "transferred"
    declare_resolved(report.id, email="ines@example.org")
    ctx.commit()
    (job,) = outbox_rows(ctx, JOB)
    assert notify_contractor(job.args[0]).startswith("posted")
    path, headers, body = contractor.requests[-1]
    message = json.loads(body)
    assert message["request"] == "changeStatus" and message["reference"] == report.reference
    assert message["etat"] == "done" and headers.get("X-DansMaRue-Signature")


def test_mail_contractor_hears_it_once(ctx, smtp):
    report = new_report(ctx, reporter_email="jules@example.org")
    report.unit.contractor_without_ws, report.unit.email = True, "presta@paris.example"
    ctx.commit()
    dispatch_report(report.id)
    declare_resolved(report.id, email="jules@example.org")
    ctx.commit()
    (job,) = outbox_rows(ctx, JOB)
    notify_contractor(job.args[0])
    notify_contractor(job.args[0])
    (mail,) = [m for m in smtp.to("presta@paris.example") if "clos" in m["Subject"]]
    assert report.reference in mail.get_body(("plain",)).get_content()


def test_no_contractor_no_job(ctx):
    report = new_report(ctx, reporter_email="kim@example.org")
    ctx.commit()
    dispatch_report(report.id)
    declare_resolved(report.id, email="kim@example.org")
    ctx.commit()
    assert outbox_rows(ctx, JOB) == []
