"""How a new report leaves its initial state (real state 19 "Vérification prestataire").

initial → verification; a new report then meets the automatic
requalification rules (`services.requalification_rules`, real task
RequalificationAuto): a rule with a target state settles it there; then, by
the report's (possibly new) unit:
- a contractor web hook: POST the report (JSON, HMAC-signed) → transferred
  on 2xx, send_failed otherwise (retried hourly by the scheduler);
- a contractor "sans WS" → transferred;
- otherwise → new, or to_process for categories that skip qualification
  (bulky items, real `etatCreationEncombrant=8`).
Every step goes through `history.change_state` with the action codes of
`workflow.transitions`, the real action id under the event's
`data["real_action_id"]` as `workflow.perform` writes it. Not `perform`
itself: its "create" effect would enqueue this very dispatch job again.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

import requests
from flask import current_app
from sqlalchemy import select

from dansmarue import city
from dansmarue.extensions import db
from dansmarue.models import SYSTEM_LABEL, Report, ReportEvent, Unit, utcnow
from dansmarue.reports.photo_files import photo_url
from dansmarue.workflow import contractors, history
from dansmarue.workflow import requalification as requalification_rules
from dansmarue.workflow.transitions import TRANSITIONS

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-DansMaRue-Signature"
DELIVERY_HEADER = "X-DansMaRue-Delivery"


@dataclass(frozen=True)
class Delivery:
    url: str
    secret: str | None
    body: bytes
    delivery_id: str


def _change(report: Report, to_state: str, action: str, **fields: Any) -> ReportEvent:
    """A system transition of the workflow table (code, target, real action id)."""
    transition = TRANSITIONS[action]
    if transition.to_state != to_state or report.state not in transition.sources:
        # A programming error, not bad input: kept under `python -O` too.
        raise RuntimeError(f"{action}: {report.state} -> {to_state} is not in the table")
    data = {"real_action_id": transition.real_id(report.state), **fields.pop("data", {})}
    return history.change_state(report, to_state, action, actor_label=SYSTEM_LABEL, data=data, **fields)


def _locked(report_id: int) -> Report | None:
    return db.session.scalar(select(Report).where(Report.id == report_id).with_for_update(of=Report))


def start(report_id: int) -> Delivery | None:
    """First phase, under the report's row lock; commits.

    Returns the web-hook delivery still to make, or None when the report is
    settled (or was not in initial/verification: nothing to do).
    """
    report = _locked(report_id)
    if report is None or report.state not in ("initial", "verification"):
        db.session.rollback()
        return None
    if report.state == "initial":
        _change(report, "verification", "create")
        rule = requalification_rules.apply(report)
        if rule is not None and rule.target_state:
            db.session.commit()
            return None
    unit = report.unit
    delivery = None
    if unit is not None and unit.webhook_url:
        delivery = _delivery(report, unit)
    elif unit is not None and unit.contractor_without_ws:
        _change(report, "transferred", "send_to_contractor")
    elif report.category.skip_qualification:
        _change(report, "to_process", "route_to_process")
    else:
        _change(report, "new", "route_to_unit")
    db.session.commit()
    return delivery


def post(delivery: Delivery) -> tuple[bool, str]:
    """Second phase, without any lock held: the HTTP call itself."""
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery.delivery_id}
    if delivery.secret:
        digest = hmac.new(delivery.secret.encode(), delivery.body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={digest}"
    timeout = current_app.config["WEBHOOK_TIMEOUT"]
    try:
        response = requests.post(delivery.url, data=delivery.body, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return True, f"HTTP {response.status_code}"
    return False, f"HTTP {response.status_code}"


def finish(report_id: int, ok: bool, outcome: str) -> str | None:
    """Third phase: record the outcome if the report still waits for it."""
    return _record_outcome(report_id, "verification", ok, outcome)


def start_retry(report_id: int) -> Delivery | None:
    """Hourly daemon (real WebServicePartnerDaemon): the delivery to retry for
    a report still in send_failed whose unit has a web hook, else None."""
    report = _locked(report_id)
    unit = report.unit if report is not None else None
    delivery = None
    if report is not None and report.state == "send_failed" and unit and unit.webhook_url:
        delivery = _delivery(report, unit)
    db.session.rollback()  # nothing written: release the row lock before the HTTP call
    return delivery


def finish_retry(report_id: int, ok: bool, outcome: str) -> str | None:
    """Success: send_failed → transferred (real daemon action 91). Failure: no
    new history entry (the report stays in send_failed), only `updated_at`
    moves, so the next run (oldest first) tries the others before it."""
    return _record_outcome(report_id, "send_failed", ok, outcome)


def _record_outcome(report_id: int, waiting: str, ok: bool, outcome: str) -> str | None:
    """Apply a delivery's outcome if the report is still in `waiting`; commits."""
    report = _locked(report_id)
    if report is None or report.state != waiting:
        db.session.rollback()
        return None
    if ok:
        _change(report, "transferred", "send_to_contractor", data={"result": outcome})
    elif waiting == "verification":
        _change(report, "send_failed", "send_failed", comment=outcome, data={"result": outcome})
    else:
        report.updated_at = utcnow()
    db.session.commit()
    return report.state


def callback_url(report: Report) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/api/v1/contractors/callback/{report.reference}"


def payload(report: Report) -> dict:
    """The real `addAnomalie` message, with photo links instead of base64."""
    created = report.created_at.astimezone(city.tz())
    photos = [p for p in report.photos if p.status != "purged" and p.view != "done"]
    return {
        "request": "addAnomalie",
        "anomalie": {
            "id": report.id,
            "reference": report.reference,
            "date_creation": created.date().isoformat(),
            "heure_creation": created.strftime("%H:%M"),
            "commentaire": report.description,
            "type": report.category.label,
            "type_id": report.category_id,
            "priorite": report.priority,
            "adresse": report.address,
            "lat": report.latitude,
            "lng": report.longitude,
            # The contractor's own secret for this dispatch, not the resident's token.
            "token": contractors.secret_for(report),
            "callback_url": callback_url(report),
            "photos": [{"id_photo": p.id, "vue_photo": p.view, "lien_photo": photo_url(p)} for p in photos],
        },
    }


def _delivery(report: Report, unit: Unit) -> Delivery:
    body = json.dumps(payload(report), ensure_ascii=False, separators=(",", ":")).encode()
    delivery_id = f"{report.reference}-{int(utcnow().timestamp())}"
    assert unit.webhook_url  # callers deliver only to a unit with a web hook
    return Delivery(unit.webhook_url, unit.webhook_secret, body, delivery_id)
