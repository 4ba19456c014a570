"""The category tree: top-level types and reportable leaf sub-types."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dansmarue.models.base import Model, utcnow


class Category(Model):
    """A node of the type tree. Only leaves (no children) can be reported."""

    __tablename__ = "category"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    # The open data's "Type:Sous-type" spelling, kept for exports and matching.
    open_data_label: Mapped[str | None] = mapped_column(String(300), unique=True)
    alias: Mapped[str | None] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_leaf: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    agent_only: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_scope: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_scope_message: Mapped[str | None] = mapped_column(Text)
    # Photos may show licence plates: purged 48 h after creation.
    sensitive_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    default_priority: Mapped[int] = mapped_column(SmallInteger, default=2)
    # Bulky items skip qualification and go straight to "À traiter".
    skip_qualification: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reports older than this are hidden from the public map (real rule).
    public_max_age_days: Mapped[int] = mapped_column(Integer, default=30)

    parent: Mapped["Category | None"] = relationship(remote_side=[id])
    unit = relationship("Unit")

    @property
    def top_level(self) -> "Category":
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class CatalogueVersion(Model):
    """One row; a database trigger bumps it on every change to `category`."""

    __tablename__ = "catalogue_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
