"""Periodic maintenance jobs (run by the scheduler, see workers.schedule)."""
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dansmarue.models import Category, Photo, Report, db, utcnow
from dansmarue.services import dispatch, history, outbox, photo_files

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")

RETRY_WINDOW = timedelta(days=30)
RETRY_LIMIT = 100
PURGE_AFTER = timedelta(hours=48)
ARCHIVE_AFTER = timedelta(days=365)
BATCH = 500
PURGED_MESSAGE = "Photo supprimée (protection des données personnelles)."


def retry_failed_sends() -> int:
    """Real WebServicePartnerDaemon: send_failed reports of the last 30 days,
    at most 100 per run, go back to verification and are dispatched again."""
    ids = db.session.scalars(
        select(Report.id)
        .where(Report.state == "send_failed", Report.created_at >= utcnow() - RETRY_WINDOW)
        .order_by(Report.updated_at).limit(RETRY_LIMIT)
    ).all()
    count = 0
    for report_id in ids:
        if dispatch.retry_failed(report_id):
            outbox.add_job("workers.jobs.dispatch.dispatch_report", report_id, queue="dispatch",
                           dedup_key=f"report:{report_id}:dispatch:retry:{_hour_slot()}")
            count += 1
        db.session.commit()
    return count


def _hour_slot() -> str:
    return utcnow().strftime("%Y%m%d%H")


def scheduled_day_notices(today: date | None = None) -> int:
    """Real actions 93/94: followers hear on the scheduled day, once per report and day."""
    today = today or datetime.now(PARIS).date()
    ids = db.session.scalars(
        select(Report.id).where(Report.state.in_(("scheduled", "contractor_scheduled")),
                                Report.scheduled_for == today)
    ).all()
    for report_id in ids:
        outbox.add_job("workers.jobs.notify.notify_scheduled_day", report_id, today.isoformat(),
                       queue="mail", dedup_key=f"report:{report_id}:scheduled-day:{today}")
    db.session.commit()
    return len(ids)


def purge_sensitive_photos(now: datetime | None = None) -> int:
    """Real SuppressionPhotosDaemon: photos of sensitive categories (licence
    plates) lose their files 48 h after creation and show a placeholder."""
    cutoff = (now or utcnow()) - PURGE_AFTER
    photos = db.session.scalars(
        select(Photo).join(Report, Report.id == Photo.report_id)
        .join(Category, Category.id == Report.category_id)
        .where(Category.sensitive_photo.is_(True), Photo.status != "purged",
               Photo.created_at < cutoff)
        .order_by(Photo.id).limit(BATCH).with_for_update(of=Photo, skip_locked=True)
    ).all()
    for photo in photos:
        photo_files.remove_all(photo)
        photo.status = "purged"
        photo.display_key = photo.thumb_key = None
        photo.phash = None
        photo.purged_at = utcnow()
    db.session.commit()
    if photos:
        log.info("purged %d sensitive photo(s)", len(photos))
    return len(photos)


def archive_closed_reports(now: datetime | None = None) -> int:
    """Real actions 38/39: done/rejected for more than 365 days → archived."""
    cutoff = (now or utcnow()) - ARCHIVE_AFTER
    reports = db.session.scalars(
        select(Report).where(Report.state.in_(("done", "rejected")),
                             Report.closed_at.is_not(None), Report.closed_at < cutoff)
        .order_by(Report.id).limit(BATCH).with_for_update(skip_locked=True)
    ).all()
    for report in reports:
        done = report.state == "done"
        history.change_state(report, "archived", "archive", actor_label="Système",
                             data={"action_id": 39 if done else 38})
        report.archived_at = utcnow()
    db.session.commit()
    return len(reports)
