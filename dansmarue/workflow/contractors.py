"""Contractor callbacks (real `changeStatus/{id}/{reference}/{token}`).

A contractor reports back on a report it received: service fait, rejeter,
programmer (with a date, not in the past) or (a) requalifier. It proves
itself with its own secret for this dispatch (`callback_secret`: bound to the
report and to the unit it was sent to, never the resident's tracking token),
checked in constant time; the state change itself goes
through `workflow.perform` as the "contractor" actor, so the transition
table decides what is possible from the current state (else 409).
"""

import base64
import binascii
import hashlib
import hmac
import unicodedata
from datetime import date

from flask import current_app
from sqlalchemy import select

from dansmarue.errors import Forbidden, NotFound, Unprocessable
from dansmarue.extensions import db
from dansmarue.models import CONTRACTOR_LABEL, Report
from dansmarue.platform.text import same_secret
from dansmarue.workflow import perform as workflow

STATUS_ACTIONS = {
    "service fait": "done",
    "rejeter": "reject",
    "programmer": "contractor_schedule",
    "requalifier": "to_requalify",
    "a requalifier": "to_requalify",
}
CONTRACTOR = CONTRACTOR_LABEL
WRONG_TOKEN = "Jeton du prestataire invalide pour ce signalement."


def _error(field: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[{"field": field, "message": message, "location": "body"}])


def normalise_status(value: str) -> str:
    """'À requalifier', 'a_requalifier', ' Service  FAIT' → the real spellings."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("_", " ").split())


def callback_secret(report_id: int, unit_id: int | None, report_token: str) -> str:
    """The contractor's secret for the report as dispatched to `unit_id`: a
    requalification to another unit voids the previous contractor's secret,
    and the resident's token opens nothing here (issue #21.1)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"contractor-callback:{report_id}:{unit_id}:{report_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def secret_for(report: Report) -> str:
    return callback_secret(report.id, report.unit_id, report.token)


def page_url(report: Report) -> str:
    """The contractor's own page for this report (#19.13): its summary and a
    form over this same callback, the secret in the link as its only proof."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/prestataire/{report.reference}?t={secret_for(report)}"


def mail_link(report: Report) -> str | None:
    """The page link for a unit mail: only a contractor without a web hook
    (it has no other way to report back); None for the city's own units."""
    unit = report.unit
    if unit is None or not unit.contractor_without_ws or unit.webhook_url:
        return None
    return page_url(report)


def checked_report_id(reference: str, token: str) -> int:
    """The id of the report `token` opens: NotFound for an unknown reference,
    Forbidden for a wrong secret (or one voided by a requalification)."""
    report_id, unit_id, report_token = db.session.execute(
        select(Report.id, Report.unit_id, Report.token).where(Report.reference == reference)
    ).first() or (None, None, "")
    expected = callback_secret(report_id or 0, unit_id, report_token)
    # Compared even for an unknown reference, so timing tells nothing.
    token_ok = same_secret(token or "", expected)
    if report_id is None:
        raise NotFound("Aucun signalement ne porte cette référence.")
    if not token_ok:
        raise Forbidden(WRONG_TOKEN)
    return report_id


def report_for(reference: str, token: str) -> Report:
    """The report behind a contractor's link (see `checked_report_id`)."""
    report = db.session.get(Report, checked_report_id(reference, token))
    assert report is not None  # just read by reference
    return report


def apply_callback(
    reference: str,
    *,
    token: str,
    status: str,
    programming_date: date | None = None,
    rejection_reason: str | None = None,
    comment: str | None = None,
    photo: str | None = None,
) -> Report:
    """Apply a contractor's status change; does not commit."""
    report_id = checked_report_id(reference, token)
    action = STATUS_ACTIONS.get(normalise_status(status or ""))
    if action is None:
        raise _error(
            "status", "Statut inconnu : service fait, rejeter, programmer, " "requalifier ou a requalifier."
        )
    params: dict = {"comment": comment or None}
    if action == "contractor_schedule":
        if programming_date is None:
            raise _error("programming_date", "La date de programmation est obligatoire.")
        params["date"] = programming_date  # perform refuses a date in the past
    elif action == "reject":
        if not (rejection_reason or "").strip():
            raise _error("rejection_reason", "Le motif de rejet est obligatoire.")
        params["reason"] = rejection_reason
    if photo:
        if action != "done":
            raise _error("photo", "Une photo n'est acceptée qu'avec « service fait ».")
        params["photo"] = _decode_photo(photo)
    try:
        return workflow.perform(
            report_id, action, None, actor_kind="contractor", actor_label=CONTRACTOR, **params
        )
    except Unprocessable as error:  # name the callback's own fields
        renamed = {"date": "programming_date", "reason": "rejection_reason"}
        for item in error.errors or ():
            name = item.get("field")
            item["field"] = renamed.get(name, name) if isinstance(name, str) else name
            item["location"] = "body"
        raise


def _decode_photo(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise _error("photo", "La photo doit être encodée en base64.") from None
