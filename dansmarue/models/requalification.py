"""Automatic requalification rules (real table signalement_workflow_rac_unit)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dansmarue.models.base import Model, db, utcnow
from dansmarue.models.categories import Category
from dansmarue.models.organisation import Unit

# States a rule may send a report to instead of the usual dispatch.
RULE_TARGET_STATES = ("new", "to_process", "field_todo", "office_todo", "to_requalify", "under_watch")


class RequalificationRule(Model):
    """New reports of `source_unit` (or a unit below it), for `category` (None:
    every category), go to `target_unit`, and to `target_state` if set."""

    __tablename__ = "requalification_rule"
    __table_args__ = (
        CheckConstraint("source_unit_id <> target_unit_id", name="distinct_units"),
        CheckConstraint(
            "target_state IS NULL OR target_state IN ("
            + ", ".join(f"'{s}'" for s in RULE_TARGET_STATES)
            + ")",
            name="target_state_known",
        ),
        Index(
            "uq_requalification_rule_source",
            "source_unit_id",
            func.coalesce(db.text("category_id"), 0),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    target_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    target_state: Mapped[str | None] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    source_unit: Mapped[Unit] = relationship(foreign_keys=[source_unit_id])
    target_unit: Mapped[Unit] = relationship(foreign_keys=[target_unit_id])
    category: Mapped[Category | None] = relationship()
