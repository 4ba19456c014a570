"""Messages already sent: no recipient gets the same message twice."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dansmarue.models.base import Model, utcnow


class NotificationLog(Model):
    """One row per (message, recipient), written before the message leaves.

    `dedup_key` names the message (e.g. ``state:<event id>``); the unique
    constraint is what makes a retried job skip recipients already served.
    """

    __tablename__ = "notification_log"
    __table_args__ = (UniqueConstraint("dedup_key", "recipient", name="uq_notification_log_key_recipient"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(20))
    report_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
