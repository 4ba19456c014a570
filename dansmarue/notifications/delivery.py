"""Once-only delivery: the notification log row is written before sending.

The (dedup_key, recipient) unique constraint means a retried job, or two
workers racing, never send the same message to the same person twice; a
failed send rolls the row back so a later attempt may try again.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from dansmarue.jobs.context import setting
from dansmarue.models import NotificationLog, Unit, db
from dansmarue.notifications.channels import Channel, EmailChannel, Message, WebhookChannel
from dansmarue.platform import metrics


def mailbox_unit(unit: Unit | None) -> tuple[Unit, str] | None:
    """The unit itself or its nearest ancestor with a mailbox, and that address; else None."""
    while unit is not None:
        if unit.email:
            return unit, unit.email
        unit = unit.parent
    return None


def email_channel() -> EmailChannel:
    config = current_app.config
    return EmailChannel(
        config["SMTP_HOST"],
        int(config["SMTP_PORT"]),
        config["MAIL_SENDER"],
        timeout=setting("SMTP_TIMEOUT", 10),
        message_id_domain=message_id_domain(config),
    )


def message_id_domain(config: Mapping[str, Any]) -> str:
    """MAIL_MESSAGE_ID_DOMAIN if set, else the host of PUBLIC_BASE_URL."""
    return (
        config.get("MAIL_MESSAGE_ID_DOMAIN")
        or urlsplit(config.get("PUBLIC_BASE_URL") or "").hostname
        or "localhost"
    )


def push_channel() -> WebhookChannel | None:
    url = setting("PUSH_WEBHOOK_URL", "")
    return WebhookChannel(url) if url else None


def deliver(channel: Channel, message: Message, dedup_key: str, report_id: int | None = None) -> bool:
    """Send unless already sent; commits per recipient. True if sent now."""
    recipient = message.recipient.strip().lower() if channel.name == "email" else message.recipient
    claimed = db.session.execute(
        insert(NotificationLog)
        .values(
            dedup_key=dedup_key,
            recipient=recipient,
            channel=channel.name,
            report_id=report_id,
            subject=message.subject[:300],
        )
        .on_conflict_do_nothing(constraint="uq_notification_log_key_recipient")
        .returning(NotificationLog.id)
    ).scalar()
    if claimed is None:
        db.session.rollback()
        return False
    try:
        channel.send(message)
    except BaseException:
        db.session.rollback()
        metrics.EMAILS.labels(channel.name, "failed").inc()
        raise
    db.session.commit()
    metrics.EMAILS.labels(channel.name, "sent").inc()
    return True
