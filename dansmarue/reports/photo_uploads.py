"""Adding a photo to an existing report (the mobile apps upload after saveIncident).

Validation is the shared one (`media.imaging.validate_upload`); storing a
checked photo (`store_photos`) is shared with the intake. The rest is the
ownership check and the "one photo per view, the new one replaces the old" rule.
"""

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from dansmarue.errors import Forbidden, NotFound, Unprocessable
from dansmarue.extensions import db
from dansmarue.jobs import outbox, registry
from dansmarue.media.imaging import ImageInfo, ImageRejected, hash_bits, perceptual_hash, validate_upload
from dansmarue.models import UPLOAD_VIEWS, Photo, Report
from dansmarue.platform import storage
from dansmarue.reports import authorship

NOT_OWNER = "Seul l'auteur du signalement peut y ajouter des photos."


def attach_photo(
    report_id: int, view: str, data: bytes, *, udid: str | None = None, guid: str | None = None
) -> tuple[Photo, list[str]]:
    """Store `data` as the report's `view` photo: (photo, storage keys to delete
    once committed, i.e. the files of the photo it replaces). Does not commit."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("Signalement introuvable.")
    if not authorship.filed_by(report, udid=udid, guid=guid):
        raise Forbidden(NOT_OWNER)
    if view not in UPLOAD_VIEWS:
        raise Unprocessable(
            "Type de photo inconnu (close, far ou done).",
            errors=[{"field": "type", "message": "close, far ou done", "location": "headers"}],
        )
    try:
        info = validate_upload(data)
    except ImageRejected as rejected:
        raise Unprocessable(
            rejected.reason,
            errors=[rejected.field_error("photo", location="body")],
        ) from None
    stale: list[str] = []
    old = db.session.scalar(select(Photo).where(Photo.report_id == report.id, Photo.view == view))
    if old is not None:
        stale = [k for k in (old.storage_key, old.display_key, old.thumb_key) if k]
        db.session.delete(old)
        db.session.flush()
    [photo] = store_photos(report, [(view, data, info)])
    return photo, stale


def store_photos(report: Report, checked: Iterable[tuple[str, bytes, ImageInfo]]) -> list[Photo]:
    """Write validated (view, bytes, ImageInfo) originals, add their pending
    Photo rows and queue their processing, in the caller's transaction.

    The pHash is computed now (the photo job computes the same one), so the
    intake answer and the agents' page offer near-duplicates at once."""
    photos = []
    for view, data, info in checked:
        try:
            phash: str | None = perceptual_hash(data)
        except ImageRejected:  # the photo job will mark it failed
            phash = None
        key = storage.put_in_transaction(db.session(), "originals", info.ext, data)
        photos.append(
            Photo(
                report_id=report.id,
                view=view,
                access_key=secrets.token_urlsafe(32),
                storage_key=key,
                mime_type=info.mime,
                size_bytes=len(data),
                width=info.width,
                height=info.height,
                sha256=hashlib.sha256(data).hexdigest(),
                phash=phash,
                phash_bits=hash_bits(phash) if phash else None,
                status="pending",
            )
        )
    db.session.add_all(photos)
    db.session.flush()
    for photo in photos:
        outbox.add_job(registry.PROCESS_PHOTO, photo.id, photo_id=photo.id)
    return photos
