"""Retention of closed reports' photos and reporters' personal data (#16.4).

The delays are settings (README "Configuration"); a report is closed when
`closed_at` is set. Each rule only touches what is still there, so a second
run right after the first removes nothing (idempotent). Files go through
`platform.storage`; the illegal-parking 48 h purge stays its own job
(`purge_sensitive_photos`): it applies to open reports too.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, update

from dansmarue.models import Follower, Photo, Report, db, utcnow
from dansmarue.platform import storage
from dansmarue.reports import photo_files

BATCH = 500
MONTH = timedelta(days=30)


def _cutoffs(now: datetime) -> dict[str, datetime]:
    config = current_app.config
    return {
        "originals": now - timedelta(days=config["RETENTION_ORIGINALS_DAYS"]),
        "derivatives": now - MONTH * config["RETENTION_DERIVATIVES_MONTHS"],
        "personal": now - MONTH * config["RETENTION_PERSONAL_MONTHS"],
    }


def _closed_before(cutoff: datetime) -> ColumnElement[bool]:
    """The photo's report was closed before `cutoff`."""
    return Photo.report_id.in_(
        select(Report.id).where(Report.closed_at.is_not(None), Report.closed_at < cutoff)
    )


def _has_personal_data() -> ColumnElement[bool]:
    return or_(
        Report.reporter_email.is_not(None),
        Report.reporter_guid.is_not(None),
        Report.reporter_udid.is_not(None),
    )


def due(now: datetime | None = None) -> dict[str, int]:
    """What the next run would remove (shown by `flask jobs status`)."""
    cut = _cutoffs(now or utcnow())
    originals = select(func.count()).where(
        Photo.storage_key != "", Photo.status != "pending", _closed_before(cut["originals"])
    )
    derivatives = select(func.count()).where(Photo.status != "purged", _closed_before(cut["derivatives"]))
    personal = select(func.count()).where(
        Report.closed_at < cut["personal"], or_(_has_personal_data(), Report.followers_count > 0)
    )
    return {
        "originals": db.session.scalar(originals.select_from(Photo)) or 0,
        "derivatives": db.session.scalar(derivatives.select_from(Photo)) or 0,
        "personal_data": db.session.scalar(personal.select_from(Report)) or 0,
    }


def apply(now: datetime | None = None) -> dict[str, int]:
    """Remove what is due (at most BATCH rows per rule and run); counts removed."""
    cut = _cutoffs(now or utcnow())
    counts = {"originals": 0, "derivatives": 0, "personal_data": 0}
    for photo in db.session.scalars(
        select(Photo)
        .where(Photo.storage_key != "", Photo.status != "pending", _closed_before(cut["originals"]))
        .order_by(Photo.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ):
        storage.delete(photo.storage_key)
        photo.storage_key = ""  # no original kept (the derivatives stay)
        counts["originals"] += 1
    for photo in db.session.scalars(
        select(Photo)
        .where(Photo.status != "purged", _closed_before(cut["derivatives"]))
        .order_by(Photo.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ):
        photo_files.remove_all(photo)
        photo.status = "purged"
        photo.display_key = photo.thumb_key = photo.phash = photo.phash_bits = None
        photo.purged_at = utcnow()
        counts["derivatives"] += 1
    ids = db.session.scalars(
        select(Report.id)
        .where(Report.closed_at < cut["personal"], or_(_has_personal_data(), Report.followers_count > 0))
        .order_by(Report.id)
        .limit(BATCH)
    ).all()
    if ids:
        db.session.execute(delete(Follower).where(Follower.report_id.in_(ids)))
        db.session.execute(
            update(Report)
            .where(Report.id.in_(ids))
            .values(reporter_email=None, reporter_guid=None, reporter_udid=None, followers_count=0)
        )
        counts["personal_data"] = len(ids)
    db.session.commit()
    return counts
