"""#16.4 retention of closed reports: what is due goes, only that, once."""

import os
from datetime import timedelta

from sqlalchemy import select

from dansmarue.models import Follower, Photo, utcnow
from dansmarue.platform import storage
from dansmarue.reports import retention
from tests.workers.conftest import jpeg_bytes, new_report
from workers.jobs.maintenance import apply_retention
from workers.jobs.photos import process_photo

DAY = timedelta(days=1)
NOTHING = {"originals": 0, "derivatives": 0, "personal_data": 0}


def closed_report(ctx, closed_ago: timedelta):
    report = new_report(ctx, photos=[("close", jpeg_bytes(400, 300))], reporter_email="a@example.org")
    photo = ctx.scalar(select(Photo).where(Photo.report_id == report.id))
    process_photo(photo.id)
    ctx.add(Follower(report_id=report.id, email="voisin@example.org"))
    report.state, report.closed_at = "done", utcnow() - closed_ago
    ctx.commit()
    ctx.refresh(photo)
    return report, photo


def files(photo: Photo) -> list[str]:
    return [storage.path_of(k) for k in (photo.storage_key, photo.display_key, photo.thumb_key) if k]


def test_retention_removes_what_is_due_and_only_that_once(ctx, app):
    config = app.config
    old, old_photo = closed_report(ctx, 30 * DAY * config["RETENTION_DERIVATIVES_MONTHS"] + DAY)
    mid, mid_photo = closed_report(ctx, config["RETENTION_ORIGINALS_DAYS"] * DAY + DAY)
    young, young_photo = closed_report(ctx, config["RETENTION_ORIGINALS_DAYS"] * DAY - DAY)
    old_files, mid_files, young_files = files(old_photo), files(mid_photo), files(young_photo)
    assert all(os.path.exists(f) for f in old_files + mid_files + young_files)
    due = retention.due()
    assert due["originals"] >= 2 and due["derivatives"] >= 1 and due["personal_data"] >= 1

    first = apply_retention()
    assert first["originals"] >= 2 and first["derivatives"] >= 1 and first["personal_data"] >= 1
    assert apply_retention() == NOTHING  # twice in a row: one effect
    assert retention.due() == NOTHING

    for row in (old, old_photo, mid, mid_photo, young, young_photo):
        ctx.refresh(row)
    # Closed two years ago: every file and the reporter's and followers' addresses gone.
    assert not any(os.path.exists(f) for f in old_files)
    assert old_photo.status == "purged" and old_photo.storage_key == ""
    assert old.reporter_email is None and old.followers_count == 0
    assert ctx.scalar(select(Follower).where(Follower.report_id == old.id)) is None
    # Just past the originals' limit: the original goes, the derivatives and people stay.
    assert not os.path.exists(mid_files[0]) and all(os.path.exists(f) for f in mid_files[1:])
    assert mid_photo.status == "ready" and mid.reporter_email == "a@example.org"
    assert ctx.scalar(select(Follower).where(Follower.report_id == mid.id)) is not None
    # Just inside the limit: everything kept.
    assert all(os.path.exists(f) for f in young_files) and young_photo.storage_key
