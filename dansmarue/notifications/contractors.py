"""Tell a contractor that a report it holds changed without it (e.g. the
resident declared it resolved): its web hook if it has one, else its mailbox."""

import json

from flask import render_template

from dansmarue.models import ReportEvent, db
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel, mailbox_unit
from dansmarue.workflow import dispatch
from dansmarue.workflow.states import public_label


def status_message(event: ReportEvent, state: str) -> dict:
    """The web hook body: the report, its new `state` and who changed it."""
    report = event.report
    return {
        "request": "changeStatus",
        "reference": report.reference,
        "id": report.id,
        "etat": state,
        "libelle_etat": public_label(state),
        "auteur": event.actor_label,
        "message": event.public_message,
        "commentaire": event.comment,
        "date": event.created_at.isoformat(),
    }


def notify_contractor(event_id: int) -> str:
    """Post (or mail) the change once per event; raising lets the job retry."""
    event = db.session.get(ReportEvent, event_id)
    if event is None:
        return "no event"
    state = event.to_state
    if state is None:  # queued for state changes only
        return "no state change"
    report, unit = event.report, event.report.unit
    if unit is not None and unit.webhook_url:
        body = json.dumps(status_message(event, state), ensure_ascii=False, separators=(",", ":")).encode()
        ok, outcome = dispatch.post(
            dispatch.Delivery(
                unit.webhook_url, unit.webhook_secret, body, f"{report.reference}-event-{event.id}"
            )
        )
        if not ok:
            raise RuntimeError(f"contractor web hook: {outcome}")
        return f"posted ({outcome})"
    mailbox = mailbox_unit(unit)
    if mailbox is None:
        return "no web hook, no mailbox"
    _, address = mailbox
    subject = f"DansMaRue : signalement {report.reference} {public_label(state).lower()}"
    text = render_template(
        "mail/contractor_status.txt", report=report, event=event, state_label=public_label(state)
    )
    sent = deliver(email_channel(), Message(address, subject, text), f"contractor:{event.id}", report.id)
    return f"mailed {sent} to {address}"
