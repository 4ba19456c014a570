"""Sending a report's mails and pushes: each recipient gets the links that are theirs."""

from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from dansmarue.models import Follower, Report, db
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel, push_channel
from dansmarue.reports.intake import follow_links, tracking_url


def render(name: str, **context: Any) -> tuple[str, str]:
    return (render_template(f"mail/{name}.txt", **context), render_template(f"mail/{name}.html", **context))


def tracking_link(report: Report) -> str:
    return tracking_url(current_app.config["PUBLIC_BASE_URL"], report.token)


def send_mails(
    recipients: list[str], subject: str, template: str, dedup_key: str, report: Report, **context: Any
) -> int:
    """To the reporter (or a unit): the reporter's own tracking link."""
    channel = email_channel()
    text, html = render(template, report=report, tracking_link=tracking_link(report), **context)
    sent = 0
    for address in recipients:
        sent += deliver(channel, Message(address, subject, text, html), dedup_key, report.id)
    return sent


def send_follower_mails(
    followers: list[tuple[str, str]],
    subject: str,
    template: str,
    dedup_key: str,
    report: Report,
    **context: Any,
) -> int:
    """To followers: each gets their own link (public view, unsubscribe), never
    the reporter's, and a one-click List-Unsubscribe (RFC 8058)."""
    channel = email_channel()
    base = current_app.config["PUBLIC_BASE_URL"]
    sent = 0
    for address, token in followers:
        links = follow_links(base, token)
        text, html = render(
            template,
            report=report,
            tracking_link=links["follow"],
            unsubscribe_link=links["unsubscribe"],
            **context,
        )
        headers = {
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        sent += deliver(channel, Message(address, subject, text, html, headers=headers), dedup_key, report.id)
    return sent


def push(report: Report, subject: str, text: str, dedup_key: str) -> int:
    channel = push_channel()
    if channel is None:
        return 0
    tokens = db.session.scalars(
        select(Follower.push_token).where(Follower.report_id == report.id, Follower.push_token.is_not(None))
    ).all()
    data = {"reference": report.reference, "state": report.state}
    return sum(
        deliver(channel, Message(token, subject, text, data=data), dedup_key, report.id)
        for token in dict.fromkeys(tokens)
        if token is not None  # the query's own condition, for the type checker
    )
