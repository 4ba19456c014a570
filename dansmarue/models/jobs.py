"""The transactional outbox and intake idempotency keys."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dansmarue.models.base import Model, utcnow


class OutboxJob(Model):
    """A job written in the same transaction as the change that causes it.

    The relay moves pending rows to RQ; nothing is lost if Redis is down.
    """

    __tablename__ = "outbox_job"
    __table_args__ = (Index("ix_outbox_pending", "available_at", postgresql_where="status = 'pending'"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    func: Mapped[str] = mapped_column(String(120))  # dotted path of the job
    args: Mapped[list] = mapped_column(JSONB, default=list)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    # The same dedup key is never queued twice (e.g. one mail per event).
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Filled by the column default from the writing request's id (migration 0011o).
    request_id: Mapped[str | None] = mapped_column(
        String(64), server_default=text("NULLIF(current_setting('dansmarue.request_id', true), '')")
    )


class IdempotencyKey(Model):
    """The first answer to a keyed intake request, replayed on retries."""

    __tablename__ = "idempotency_key"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSONB)
    report_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
