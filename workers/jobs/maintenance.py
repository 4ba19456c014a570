"""Periodic maintenance jobs (run by the scheduler, see workers.schedule)."""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from dansmarue import city
from dansmarue.errors import DomainError
from dansmarue.jobs import outbox, registry
from dansmarue.models import Category, OutboxJob, Photo, Report, db, utcnow
from dansmarue.models.base import rowcount
from dansmarue.reports import photo_files
from dansmarue.reports.idempotency import purge_expired_keys as purge_idempotency_keys  # noqa: F401 (a job)
from dansmarue.reports.retention import apply as apply_retention  # noqa: F401 (a job)
from dansmarue.workflow import perform as workflow

log = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(days=30)
RETRY_LIMIT = 100
PURGE_AFTER = timedelta(hours=48)
ARCHIVE_AFTER = timedelta(days=365)
BATCH = 500
OUTBOX_KEEP = timedelta(days=14)


def retry_failed_sends() -> int:
    """Real WebServicePartnerDaemon: send_failed reports of the last 30 days,
    at most 100 per run (oldest attempt first), are posted again, each in its
    own job; success moves them to transferred (action 91)."""
    ids = db.session.scalars(
        select(Report.id)
        .where(Report.state == "send_failed", Report.created_at >= utcnow() - RETRY_WINDOW)
        .order_by(Report.updated_at)
        .limit(RETRY_LIMIT)
    ).all()
    hour = utcnow().strftime("%Y%m%d%H")
    for report_id in ids:
        outbox.add_job(registry.RETRY_SEND, report_id, report_id=report_id, hour=hour)
    db.session.commit()
    return len(ids)


def scheduled_day_notices(today: date | None = None) -> int:
    """Real actions 93/94: followers hear on the scheduled day, once per report and day."""
    today = today or datetime.now(city.tz()).date()
    ids = db.session.scalars(
        select(Report.id).where(
            Report.state.in_(("scheduled", "contractor_scheduled")), Report.scheduled_for == today
        )
    ).all()
    keys = {
        report_id: registry.NOTIFY_SCHEDULED_DAY.dedup_key(report_id=report_id, day=today)
        for report_id in ids
    }
    notified = set(
        db.session.scalars(  # one query, not one per report
            select(OutboxJob.dedup_key).where(OutboxJob.dedup_key.in_(keys.values()))
        )
    )
    queued = 0
    for report_id, key in keys.items():
        if key in notified:
            continue  # already notified today
        try:  # real actions 93 / 94: a history entry, no state change
            workflow.perform(report_id, "notify_scheduled_day", None)
        except DomainError as error:
            log.info("scheduled-day notice of report %s skipped: %s", report_id, error)
            continue
        outbox.add_job(
            registry.NOTIFY_SCHEDULED_DAY, report_id, today.isoformat(), report_id=report_id, day=today
        )
        queued += 1
    db.session.commit()
    return queued


def purge_sensitive_photos(now: datetime | None = None) -> int:
    """Real SuppressionPhotosDaemon: photos of sensitive categories (licence
    plates) lose their files 48 h after creation and show a placeholder."""
    cutoff = (now or utcnow()) - PURGE_AFTER
    photos = db.session.scalars(
        select(Photo)
        .join(Report, Report.id == Photo.report_id)
        .join(Category, Category.id == Report.category_id)
        .where(Category.sensitive_photo.is_(True), Photo.status != "purged", Photo.created_at < cutoff)
        .order_by(Photo.id)
        .limit(BATCH)
        .with_for_update(of=Photo, skip_locked=True)
    ).all()
    for photo in photos:
        photo_files.remove_all(photo)
        photo.status = "purged"
        photo.display_key = photo.thumb_key = None
        photo.phash = photo.phash_bits = None
        photo.purged_at = utcnow()
    db.session.commit()
    if photos:
        log.info("purged %d sensitive photo(s)", len(photos))
    return len(photos)


def archive_closed_reports(now: datetime | None = None) -> int:
    """Real actions 38/39: done/rejected for more than 365 days → archived."""
    cutoff = (now or utcnow()) - ARCHIVE_AFTER
    ids = db.session.scalars(
        select(Report.id)
        .where(
            Report.state.in_(("done", "rejected")), Report.closed_at.is_not(None), Report.closed_at < cutoff
        )
        .order_by(Report.id)
        .limit(BATCH)
    ).all()
    for report_id in ids:
        try:  # real actions 38 (rejected) / 39 (done); sets archived_at
            workflow.perform(report_id, "archive", None)
            db.session.commit()
        except DomainError:
            db.session.rollback()
    return len(ids)


def prune_outbox(now: datetime | None = None) -> int:
    """Done outbox rows older than 14 days go (dead ones stay until replayed).

    Their dedup keys go with them, which is fine: the jobs that use one are
    queued within minutes of their cause, never two weeks later.
    """
    cutoff = (now or utcnow()) - OUTBOX_KEEP
    result = db.session.execute(
        delete(OutboxJob).where(OutboxJob.status == "done", OutboxJob.finished_at < cutoff)
    )
    db.session.commit()
    return rowcount(result)
