"""Contractor callbacks (real `changeStatus/{id}/{reference}/{token}`).

A contractor reports back on a report it received: service fait, rejeter,
programmer (with a date, not in the past) or (a) requalifier. The report's
secret token is checked in constant time; the transition must exist in the
workflow table from the report's current state, else 409.
"""
import base64
import binascii
import hmac
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dansmarue.errors import Conflict, Forbidden, NotFound, Unprocessable
from dansmarue.extensions import db
from dansmarue.media.imaging import ImageRejected, validate_upload
from dansmarue.models import Photo, Report, utcnow
from dansmarue.services import history, outbox, reports
from dansmarue.workflow.transitions import TRANSITIONS

PARIS = ZoneInfo("Europe/Paris")
STATUS_ACTIONS = {
    "service fait": "done",
    "rejeter": "reject",
    "programmer": "contractor_schedule",
    "requalifier": "to_requalify",
    "a requalifier": "to_requalify",
}
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _error(field: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[{"field": field, "message": message,
                                           "location": "body"}])


def normalise_status(value: str) -> str:
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("_", " ").split())


def apply_callback(reference: str, *, token: str, status: str,
                   programming_date: date | None = None, rejection_reason: str | None = None,
                   comment: str | None = None, photo: str | None = None,
                   contractor_label: str = "Prestataire") -> Report:
    """Apply a contractor's status change; does not commit."""
    report = db.session.scalar(
        select(Report).where(Report.reference == reference).with_for_update(of=Report))
    if report is None:
        raise NotFound("Aucun signalement ne porte cette référence.")
    if not hmac.compare_digest(report.token.encode(), (token or "").encode()):
        raise Forbidden("Jeton du signalement invalide.")
    action = STATUS_ACTIONS.get(normalise_status(status or ""))
    if action is None:
        raise _error("status", "Statut inconnu : service fait, rejeter, programmer, "
                               "requalifier ou a requalifier.")
    transition = TRANSITIONS[action]
    if report.state not in transition.sources:
        raise Conflict(f"Action « {transition.label} » impossible dans l'état actuel du "
                       "signalement.", state=report.state)
    now = utcnow()
    message = transition.public_message if transition.public else None
    if action == "contractor_schedule":
        if programming_date is None:
            raise _error("programming_date", "La date de programmation est obligatoire.")
        if programming_date < datetime.now(PARIS).date():
            raise _error("programming_date", "La date de programmation est dans le passé.")
        report.scheduled_for, report.scheduled_at = programming_date, now
        message = f"Une intervention est programmée le {programming_date:%d/%m/%Y}."
    elif action == "reject":
        if not (rejection_reason or "").strip():
            raise _error("rejection_reason", "Le motif de rejet est obligatoire.")
        message = transition.public_message.format(reason=rejection_reason.strip())
        report.closed_at = now
    elif action == "done":
        report.resolved_at = report.closed_at = now
    from_state = report.state
    if photo:
        if action != "done":
            raise _error("photo", "Une photo n'est acceptée qu'avec « service fait ».")
        _store_done_photo(report, photo)
    history.change_state(
        report, transition.to_state, action, actor_label=contractor_label, comment=comment,
        public_message=message,
        data={"action_id": transition.real_id(from_state), "source": "contractor",
              "rejection_reason": rejection_reason,
              "programming_date": programming_date and programming_date.isoformat()})
    return report


def _store_done_photo(report: Report, encoded: str) -> Photo:
    """Decode, validate, store as the 'done' view (replacing any), queue processing."""
    try:
        data = base64.b64decode(encoded.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise _error("photo", "La photo doit être encodée en base64.") from None
    try:
        info = validate_upload(data, MAX_PHOTO_BYTES)
    except ImageRejected as rejected:
        raise _error("photo", rejected.reason) from None
    old = db.session.scalar(select(Photo).where(Photo.report_id == report.id,
                                                Photo.view == "done"))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    photo = reports._store_photo(report, "done", data, info)  # the intake's own storage
    db.session.flush()
    outbox.add_job("workers.jobs.photos.process_photo", photo.id, queue="photos",
                   dedup_key=f"photo:{photo.id}:process")
    return photo
