"""SLA data: targets per leaf category (and priority), clock states, sweep watermark.

The report's SLA columns are declared here too (added to `Report` after its
definition), so the SLA feature owns its part of the schema (migration 0005).
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
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
from dansmarue.models.reports import Report

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


def _ts(**kw) -> Column:
    return Column(DateTime(timezone=True), **kw)


# The report's clock (migration 0005). sla_next_at is computed by PostgreSQL:
# the next instant at which the sweep has work for this report (its expression
# lives in the migration; "NULL" here only tells the ORM never to write it).
Report.sla_status = Column(String(12), nullable=False, default="none", server_default=text("'none'"))
Report.sla_ack_late = Column(Boolean, nullable=False, default=False, server_default=text("false"))
Report.due_soon_at = _ts()
Report.escalate_at = _ts()
Report.overdue_at = _ts()
Report.escalated_at = _ts()
Report.paused_since = _ts()
Report.paused_seconds = Column(Integer, nullable=False, default=0, server_default=text("0"))
Report.sla_pauses = Column(JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb"))
Report.sla_next_at = Column(DateTime(timezone=True), Computed("NULL", persisted=True))
