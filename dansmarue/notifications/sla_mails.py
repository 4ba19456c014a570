"""The SLA mails: late reports to their unit, escalations to the direction's managers."""

import hashlib
from collections.abc import Sequence

from sqlalchemy import select

from dansmarue import city
from dansmarue.models import Report, Unit, User, db
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel, mailbox_unit

STATUS_FR = {
    "overdue": "en retard",
    "escalated": "en retard (escaladé)",
    "due_soon": "bientôt échu",
    "none": "dans les délais",
}


def _lines(reports: list[Report]) -> str:
    lines = []
    for r in reports:
        due = r.due_at.astimezone(city.tz()).strftime("%d/%m/%Y %H:%M") if r.due_at else "—"
        late = " ; prise en charge non faite dans le délai" if r.sla_ack_late else ""
        # Listed because late: a report late only for its acknowledgement is not "dans les délais".
        status = (
            "prise en charge en retard"
            if r.sla_status == "none" and r.sla_ack_late
            else STATUS_FR.get(r.sla_status, r.sla_status)
        )
        lines.append(
            f"- {r.reference} ({r.address or 'adresse inconnue'}) : " f"{status}, échéance {due}{late}"
        )
    return "\n".join(lines)


def _send(recipients: list[str], subject: str, body: str, kind: str, reports: list[Report]) -> int:
    """One mail per recipient, once: the Workers' delivery log dedups retries."""
    ids = ",".join(str(r.id) for r in sorted(reports, key=lambda r: r.id))
    dedup_key = f"sla:{kind}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
    channel = email_channel()
    return sum(
        deliver(channel, Message(address, subject, body), dedup_key, reports[0].id) for address in recipients
    )


def _open_late(report_ids: list[int]) -> Sequence[Report]:
    """Reports still open and still late (a report closed meanwhile is not mailed)."""
    return db.session.scalars(
        select(Report).where(Report.id.in_(report_ids), Report.closed_at.is_(None)).order_by(Report.due_at)
    ).all()


def notify_overdue(report_ids: list[int]) -> str:
    """Mail the unit's mailbox the list of its reports that became late."""
    reports = [r for r in _open_late(report_ids) if r.sla_status != "none" or r.sla_ack_late]
    if not reports:
        return "nothing to send"
    mailbox = mailbox_unit(db.session.get(Unit, reports[0].unit_id))
    if mailbox is None:
        return "no mailbox"
    _, address = mailbox
    sent = _send(
        [address],
        f"[DansMaRue] {len(reports)} signalement(s) en retard",
        "Bonjour,\n\nLes signalements suivants ont dépassé leur délai :\n\n"
        f"{_lines(reports)}\n\nMerci de les traiter en priorité.\n",
        "overdue",
        reports,
    )
    return f"sent {sent} to {address}"


def notify_escalation(report_ids: list[int]) -> str:
    """Mail the direction's managers (and its mailbox) the escalated reports."""
    reports = [r for r in _open_late(report_ids) if r.sla_status == "escalated"]
    if not reports:
        return "nothing to send"
    direction = db.session.get(Unit, reports[0].direction_id)
    recipients = list(
        db.session.scalars(
            select(User.email).where(
                User.role == "manager", User.active.is_(True), User.direction_id == reports[0].direction_id
            )
        )
    )
    if direction is not None and direction.email:
        recipients.append(direction.email)
    if not recipients:
        return "no recipient"
    sent = _send(
        sorted(set(recipients)),
        f"[DansMaRue] Escalade : {len(reports)} signalement(s) très en retard",
        "Bonjour,\n\nCes signalements ont largement dépassé leur délai de traitement :\n\n"
        f"{_lines(reports)}\n",
        "escalated",
        reports,
    )
    return f"sent {sent} of {len(set(recipients))}"
