"""The scheduler (data-declared entries, one run per slot across schedulers) and
the maintenance jobs it runs: purge, archive, scheduled-day notices, contractor retry."""

import logging
import os
from datetime import UTC, date, datetime, timedelta

from rq import Queue
from sqlalchemy import select

from dansmarue.jobs import registry
from dansmarue.jobs.queues import queue_name
from dansmarue.jobs.relay import relay_pending
from dansmarue.models import Category, Follower, Photo, ReportEvent, utcnow
from dansmarue.platform import storage
from tests.workers.conftest import jpeg_bytes, new_report, outbox_rows, run_burst
from workers.jobs.maintenance import (
    archive_closed_reports,
    purge_sensitive_photos,
    retry_failed_sends,
    scheduled_day_notices,
)
from workers.jobs.notify import notify_scheduled_day
from workers.jobs.photos import process_photo
from workers.schedule import SCHEDULE
from workers.scheduler import Scheduler, slot_of

NOON = datetime(2026, 6, 1, 10, 0, tzinfo=UTC).timestamp()  # 12:00 in Paris
TEST_SCHEDULE = [
    {"id": "relay", "job": registry.RELAY_OUTBOX, "every": 3, "inline": True},
    {"id": "archive", "job": registry.ARCHIVE_CLOSED, "every": 3600},
    {"id": "morning", "job": registry.SCHEDULED_DAY_NOTICES, "daily_at": "07:00"},
]


def test_every_declared_job_exists_and_ids_are_unique():
    assert len({entry["id"] for entry in SCHEDULE}) == len(SCHEDULE)
    assert all(entry["job"] in registry.JOBS.values() for entry in SCHEDULE)
    assert {
        "outbox-relay",
        "sla-sweep",
        "contractor-retry",
        "scheduled-day-notices",
        "purge-sensitive-photos",
        "archive-closed",
        "prune-outbox",
        "apply-retention",
        "purge-idempotency-keys",
    } == {e["id"] for e in SCHEDULE}


def test_slots():
    assert slot_of({"every": 3600}, NOON) == str(int(NOON // 3600))
    assert slot_of({"daily_at": "07:00"}, NOON) == "2026-06-01"
    assert slot_of({"daily_at": "13:00"}, NOON) is None


def test_two_schedulers_never_run_a_slot_twice(ctx, redis_conn, caplog, monkeypatch):
    first, second = Scheduler(redis_conn, TEST_SCHEDULE), Scheduler(redis_conn, TEST_SCHEDULE)
    # Alembic's fileConfig (migrations/env.py) disables loggers created before it.
    monkeypatch.setattr(logging.getLogger("workers.scheduler"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="workers.scheduler"):
        ran = first.tick(NOON) + second.tick(NOON) + first.tick(NOON + 1)
    assert sorted(ran) == ["archive", "morning", "relay"]
    maintenance = Queue(queue_name("maintenance"), connection=redis_conn)
    assert sorted(maintenance.job_ids) == sorted(
        [f"schedule-archive-{int(NOON // 3600)}", "schedule-morning-2026-06-01"]
    )
    assert sorted(first.tick(NOON + 3) + second.tick(NOON + 3)) == ["relay"]  # next relay slot
    run_burst(redis_conn)
    assert maintenance.count == 0


def sensitive_report(ctx):
    category = ctx.scalar(
        select(Category).where(Category.sensitive_photo.is_(True), Category.agent_only.is_(False))
    )
    return new_report(ctx, category=category, photos=[("close", jpeg_bytes(400, 300))])


def test_sensitive_photos_are_purged_after_48_hours(ctx, client):
    report = sensitive_report(ctx)
    photo = ctx.scalar(select(Photo).where(Photo.report_id == report.id))
    process_photo(photo.id)
    ctx.refresh(photo)
    files = [storage.path_of(k) for k in (photo.storage_key, photo.display_key, photo.thumb_key)]
    assert all(os.path.exists(f) for f in files)
    photo.created_at = datetime.now(UTC) - timedelta(hours=47)
    ctx.commit()
    assert purge_sensitive_photos() == 0
    photo.created_at = datetime.now(UTC) - timedelta(hours=49)
    ctx.commit()
    assert purge_sensitive_photos() == 1
    assert purge_sensitive_photos() == 0
    ctx.refresh(photo)
    assert photo.status == "purged" and photo.purged_at is not None
    assert not any(os.path.exists(f) for f in files)
    response = client.get(f"/media/photos/{photo.access_key}/display")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_ordinary_photos_are_kept(ctx):
    report = new_report(ctx, photos=[("close", jpeg_bytes())])
    photo = ctx.scalar(select(Photo).where(Photo.report_id == report.id))
    photo.created_at = datetime.now(UTC) - timedelta(days=10)
    ctx.commit()
    assert purge_sensitive_photos() == 0


def test_closed_reports_are_archived_after_a_year(ctx):
    old, recent = new_report(ctx), new_report(ctx)
    for report, age in ((old, 366), (recent, 300)):
        report.state = "done"
        report.closed_at = datetime.now(UTC) - timedelta(days=age)
    ctx.commit()
    assert archive_closed_reports() == 1
    assert archive_closed_reports() == 0
    ctx.refresh(old), ctx.refresh(recent)
    assert (old.state, recent.state) == ("archived", "done")
    assert old.archived_at is not None
    event = ctx.scalar(
        select(ReportEvent).where(ReportEvent.report_id == old.id, ReportEvent.action == "archive")
    )
    assert event.data["real_action_id"] == 39


def test_scheduled_day_notice_once(ctx, smtp):
    report = new_report(ctx, reporter_email="alice@example.org")
    ctx.add(Follower(report_id=report.id, email="bob@example.org", confirmed_at=utcnow()))
    today = date(2026, 6, 1)
    report.state, report.scheduled_for = "scheduled", today
    ctx.commit()
    assert scheduled_day_notices(today) == 1
    assert scheduled_day_notices(today) == 0  # once per report and day
    (job,) = outbox_rows(ctx, "workers.jobs.notify.notify_scheduled_day")
    (event,) = ctx.scalars(
        select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.action == "notify_scheduled_day"
        )
    ).all()
    assert event.data["real_action_id"] == 93
    assert notify_scheduled_day(*job.args) == 2
    assert notify_scheduled_day(*job.args) == 0
    (mail,) = smtp.to("bob@example.org")
    assert "01/06/2026" in mail.get_body(("plain",)).get_content()


def test_contractor_retry_only_recent_failures(ctx, contractor, redis_conn):
    from tests.workers.test_dispatch import history
    from workers.jobs.dispatch import dispatch_report

    old, recent = new_report(ctx), new_report(ctx)
    for report in (old, recent):
        report.unit.webhook_url = contractor.url
    ctx.commit()
    contractor.status = 500
    for report in (old, recent):
        dispatch_report(report.id)
    old.created_at = datetime.now(UTC) - timedelta(days=31)
    ctx.commit()
    assert {old.state, recent.state} == {"send_failed"}

    contractor.status = 200
    assert retry_failed_sends() == 1  # old is out of the 30-day window
    assert retry_failed_sends() == 1  # same hour: the outbox keeps one job
    assert len(outbox_rows(ctx, "workers.jobs.dispatch.retry_send")) == 1
    relay_pending()
    run_burst(redis_conn)
    ctx.refresh(old), ctx.refresh(recent)
    assert (old.state, recent.state) == ("send_failed", "transferred")
    assert [a for a, _, _ in history(ctx, recent)][-2:] == ["send_failed", "send_to_contractor"]
    event = ctx.scalar(
        select(ReportEvent).where(
            ReportEvent.report_id == recent.id, ReportEvent.action == "send_to_contractor"
        )
    )
    assert event.data["real_action_id"] == 91


def test_old_done_outbox_rows_are_pruned(ctx, redis_conn, smtp):
    from workers.jobs.maintenance import prune_outbox

    new_report(ctx)
    relay_pending()
    run_burst(redis_conn)
    rows = outbox_rows(ctx)
    assert {r.status for r in rows} == {"done"}
    assert prune_outbox() == 0
    assert prune_outbox(datetime.now(UTC) + timedelta(days=15)) == len(rows)
    assert outbox_rows(ctx) == []
