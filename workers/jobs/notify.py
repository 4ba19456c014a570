"""Notifications: acknowledgement, state changes, unit mailboxes, scheduled day.

Each message has a dedup key; `deliver` guarantees one send per recipient.
"""

import logging

from flask import current_app
from sqlalchemy import select

from dansmarue.access.password_reset import send_password_reset  # noqa: F401 (a job)
from dansmarue.access.residents import send_sign_in_link  # noqa: F401 (a job)
from dansmarue.models import Follower, Photo, Report, ReportEvent, db
from dansmarue.models.reports import PRIORITIES
from dansmarue.notifications.audience import reporter_and_followers
from dansmarue.notifications.channels import Message
from dansmarue.notifications.contractors import notify_contractor  # noqa: F401 (a job)
from dansmarue.notifications.delivery import deliver, email_channel, mailbox_unit
from dansmarue.notifications.sending import push, render, send_follower_mails, send_mails
from dansmarue.notifications.wording import for_follower
from dansmarue.reports.intake import follow_links
from dansmarue.reports.photo_files import photo_url
from dansmarue.workflow import contractors
from dansmarue.workflow.states import STATES, public_label

log = logging.getLogger(__name__)


def send_follow_confirmation(follower_id: int) -> int:
    """A follow by e-mail: the address's owner confirms before any other mail."""
    follower = db.session.get(Follower, follower_id)
    if follower is None or follower.confirmed_at is not None or not follower.email:
        return 0
    report = db.session.get_one(Report, follower.report_id)
    links = follow_links(current_app.config["PUBLIC_BASE_URL"], follower.token)
    text, html = render("follow_confirmation", report=report, **links)
    subject = f"DansMaRue : confirmez le suivi du signalement {report.reference}"
    return deliver(
        email_channel(),
        Message(follower.email, subject, text, html),
        f"follow-confirm:{follower_id}",
        report.id,
    )


def send_acknowledgement(report_id: int) -> int:
    """The creation mail with the tracking link (real `signalement_message_creation`)."""
    report = db.session.get(Report, report_id)
    if report is None or not report.reporter_email:
        return 0
    subject = f"DansMaRue : votre signalement {report.reference} a bien été reçu"
    return send_mails([report.reporter_email], subject, "acknowledgement", f"ack:{report_id}", report)


def notify_state_change(event_id: int) -> int:
    """A public history entry, mailed (and pushed) to the reporter and followers."""
    event = db.session.get(ReportEvent, event_id)
    if event is None or not event.is_public:
        return 0
    report = event.report
    done_photo = db.session.scalar(
        select(Photo).where(Photo.report_id == report.id, Photo.view == "done", Photo.status != "purged")
    )
    label = public_label(event.to_state) if event.to_state in STATES else None
    key = f"state:{event_id}"
    reporter, followers = reporter_and_followers(report)
    context = {
        "event": event,
        "public_label": label,
        "done_photo_url": photo_url(done_photo) if done_photo else None,
    }
    sent = send_mails(
        reporter,
        f"DansMaRue : votre signalement {report.reference} a évolué",
        "state_change",
        key,
        report,
        public_message=event.public_message,
        **context,
    )
    follower_subject = f"DansMaRue : le signalement {report.reference} que vous suivez a évolué"
    follower_message = for_follower(event.public_message)
    sent += send_follower_mails(
        followers, follower_subject, "state_change", key, report, public_message=follower_message, **context
    )
    # Push tokens belong to followers (the apps follow the reports they send too).
    return sent + push(report, follower_subject, follower_message or (label or ""), key)


def notify_unit_new_report(report_id: int) -> int:
    """The unit's mailbox hears of a new report (nearest unit with an address)."""
    report = db.session.get(Report, report_id)
    if report is None:
        return 0
    mailbox = mailbox_unit(report.unit)
    if mailbox is None:
        log.info("report %s: no unit mailbox configured", report_id)
        return 0
    unit, address = mailbox
    photos = [p for p in report.photos if p.status in ("pending", "ready") and p.view != "done"]
    subject = f"Nouveau signalement {report.reference} : {report.category.label}"
    return send_mails(
        [address],
        subject,
        "unit_new_report",
        f"unit-new:{report_id}:{unit.id}",
        report,
        unit=unit,
        priority_label=PRIORITIES.get(report.priority, report.priority),
        photo_urls=[photo_url(p) for p in photos],
        contractor_link=contractors.mail_link(report),
    )


def notify_scheduled_day(report_id: int, day: str) -> int:
    """Real actions 93/94: on the scheduled day, followers are told it is today."""
    report = db.session.get(Report, report_id)
    if (
        report is None
        or report.state not in ("scheduled", "contractor_scheduled")
        or report.scheduled_for is None
        or report.scheduled_for.isoformat() != day
    ):
        return 0
    subject = f"DansMaRue : intervention prévue aujourd'hui ({report.reference})"
    key = f"scheduled-day:{report_id}:{day}"
    reporter, followers = reporter_and_followers(report)
    sent = send_mails(reporter, subject, "scheduled_day", key, report)
    sent += send_follower_mails(followers, subject, "scheduled_day", key, report)
    return sent + push(report, subject, "L'intervention est prévue aujourd'hui.", key)
