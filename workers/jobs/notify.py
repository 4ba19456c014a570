"""Notifications: acknowledgement, state changes, unit mailboxes, scheduled day.

Each message has a dedup key; `deliver` guarantees one send per recipient.
"""
import logging

from flask import current_app, render_template
from sqlalchemy import select

from dansmarue.models.reports import PRIORITIES
from dansmarue.models import Follower, Photo, Report, ReportEvent, User, db
from dansmarue.notifications.channels import Message
from dansmarue.notifications.contractors import notify_contractor  # noqa: F401 (a job)
from dansmarue.notifications.wording import for_follower
from dansmarue.notifications.delivery import deliver, email_channel, mailbox_unit, push_channel
from dansmarue.reports.intake import tracking_url
from dansmarue.reports.photo_files import photo_url
from dansmarue.workflow.states import STATES, public_label

log = logging.getLogger(__name__)


def _render(name: str, **context) -> tuple[str, str]:
    return (render_template(f"mail/{name}.txt", **context),
            render_template(f"mail/{name}.html", **context))


def _link(report: Report) -> str:
    return tracking_url(current_app.config["PUBLIC_BASE_URL"], report.token)


def _send_mails(recipients: list[str], subject: str, template: str, dedup_key: str,
                report: Report, **context) -> int:
    channel = email_channel()
    text, html = _render(template, report=report, tracking_link=_link(report), **context)
    sent = 0
    for address in recipients:
        sent += deliver(channel, Message(address, subject, text, html), dedup_key, report.id)
    return sent


def _guid_emails(guids: set[str]) -> dict[str, str]:
    if not guids:
        return {}
    rows = db.session.execute(
        select(User.account_guid, User.email).where(User.account_guid.in_(guids)))
    return {guid: email for guid, email in rows}


def _reporter_and_followers(report: Report) -> tuple[list[str], list[str]]:
    """The reporter's address (if known) and the other followers' addresses,
    each once (case-insensitive): followers are not told "votre signalement"."""
    followers = db.session.scalars(select(Follower).where(Follower.report_id == report.id)).all()
    emails = _guid_emails({g for g in [report.reporter_guid, *(f.account_guid for f in followers)]
                           if g})
    reporter = report.reporter_email or emails.get(report.reporter_guid or "")
    seen = {reporter.strip().lower()} if reporter else set()
    others = []
    for follower in followers:
        address = follower.email or emails.get(follower.account_guid or "")
        if address and address.strip().lower() not in seen:
            seen.add(address.strip().lower())
            others.append(address.strip())
    return ([reporter.strip()] if reporter else []), others


def _audience(report: Report) -> list[str]:
    """Reporter and followers' addresses, each once."""
    reporter, others = _reporter_and_followers(report)
    return reporter + others


def _push(report: Report, subject: str, text: str, dedup_key: str) -> int:
    channel = push_channel()
    if channel is None:
        return 0
    tokens = db.session.scalars(select(Follower.push_token).where(
        Follower.report_id == report.id, Follower.push_token.is_not(None))).all()
    data = {"reference": report.reference, "state": report.state}
    return sum(deliver(channel, Message(token, subject, text, data=data), dedup_key, report.id)
               for token in dict.fromkeys(tokens))


def send_acknowledgement(report_id: int) -> int:
    """The creation mail with the tracking link (real `signalement_message_creation`)."""
    report = db.session.get(Report, report_id)
    if report is None or not report.reporter_email:
        return 0
    subject = f"DansMaRue : votre signalement {report.reference} a bien été reçu"
    return _send_mails([report.reporter_email], subject, "acknowledgement",
                       f"ack:{report_id}", report)


def notify_state_change(event_id: int) -> int:
    """A public history entry, mailed (and pushed) to the reporter and followers."""
    event = db.session.get(ReportEvent, event_id)
    if event is None or not event.is_public:
        return 0
    report = event.report
    done_photo = db.session.scalar(select(Photo).where(
        Photo.report_id == report.id, Photo.view == "done", Photo.status != "purged"))
    label = public_label(event.to_state) if event.to_state in STATES else None
    key = f"state:{event_id}"
    reporter, followers = _reporter_and_followers(report)
    context = dict(event=event, public_label=label,
                   done_photo_url=photo_url(done_photo) if done_photo else None)
    sent = _send_mails(reporter, f"DansMaRue : votre signalement {report.reference} a évolué",
                       "state_change", key, report,
                       public_message=event.public_message, **context)
    follower_subject = f"DansMaRue : le signalement {report.reference} que vous suivez a évolué"
    follower_message = for_follower(event.public_message)
    sent += _send_mails(followers, follower_subject, "state_change", key, report,
                        public_message=follower_message, **context)
    # Push tokens belong to followers (the apps follow the reports they send too).
    return sent + _push(report, follower_subject, follower_message or (label or ""), key)


def notify_unit_new_report(report_id: int) -> int:
    """The unit's mailbox hears of a new report (nearest unit with an address)."""
    report = db.session.get(Report, report_id)
    if report is None:
        return 0
    unit = mailbox_unit(report.unit)
    if unit is None:
        log.info("report %s: no unit mailbox configured", report_id)
        return 0
    photos = [p for p in report.photos if p.status in ("pending", "ready") and p.view != "done"]
    subject = f"Nouveau signalement {report.reference} : {report.category.label}"
    return _send_mails([unit.email], subject, "unit_new_report",
                       f"unit-new:{report_id}:{unit.id}", report, unit=unit,
                       priority_label=PRIORITIES.get(report.priority, report.priority),
                       photo_urls=[photo_url(p) for p in photos])


def notify_scheduled_day(report_id: int, day: str) -> int:
    """Real actions 93/94: on the scheduled day, followers are told it is today."""
    report = db.session.get(Report, report_id)
    if report is None or report.state not in ("scheduled", "contractor_scheduled") \
            or report.scheduled_for is None or report.scheduled_for.isoformat() != day:
        return 0
    subject = f"DansMaRue : intervention prévue aujourd'hui ({report.reference})"
    key = f"scheduled-day:{report_id}:{day}"
    sent = _send_mails(_audience(report), subject, "scheduled_day", key, report)
    return sent + _push(report, subject, "L'intervention est prévue aujourd'hui.", key)
