"""SLA data: targets per leaf category (and priority), clock states, sweep watermark.

The report's SLA columns are declared here too (`ReportSlaClock`, a mixin of
`Report`), so the SLA feature owns its part of the schema (migration 0005).
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dansmarue.models.base import Model

SLA_STATUSES = ("none", "due_soon", "overdue", "escalated")


class SlaTarget(Model):
    """Targets of one leaf category; `priority` None is the all-priorities row."""

    __tablename__ = "sla_target"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    ack_amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    ack_unit: Mapped[str] = mapped_column(String(16))
    resolve_amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    resolve_unit: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))


class SlaClockState(Model):
    """A workflow state during which the SLA clock stops (or explicitly not)."""

    __tablename__ = "sla_clock_state"
    state: Mapped[str] = mapped_column(String(24), primary_key=True)
    pauses_clock: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(Text)


class SlaSweepState(Model):
    """One row: when the sweep last ran and how many reports it claimed."""

    __tablename__ = "sla_sweep_state"
    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_claimed: Mapped[int] = mapped_column(Integer, default=0)
    runs: Mapped[int] = mapped_column(Integer, default=0)


def _ts() -> Mapped[datetime | None]:
    return mapped_column(DateTime(timezone=True))


class ReportSlaClock:
    """The report's clock (migration 0005), a mixin of `Report`.

    `sla_pauses` holds the closed pauses as [start, end] ISO 8601 pairs.
    `sla_next_at` is computed by PostgreSQL: the next instant at which the
    sweep has work for this report (its expression lives in the migration;
    "NULL" here only tells the ORM never to write it).
    """

    sla_status: Mapped[str] = mapped_column(
        String(12), nullable=False, default="none", server_default=text("'none'")
    )
    sla_ack_late: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    due_soon_at: Mapped[datetime | None] = _ts()
    escalate_at: Mapped[datetime | None] = _ts()
    overdue_at: Mapped[datetime | None] = _ts()
    escalated_at: Mapped[datetime | None] = _ts()
    paused_since: Mapped[datetime | None] = _ts()
    paused_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default=text("0"))
    sla_pauses: Mapped[list[list[str]]] = mapped_column(
        JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb")
    )
    sla_next_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), Computed("NULL", persisted=True)
    )
