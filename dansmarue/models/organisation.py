"""Directions, units (services, contractors, operators), sectors, perimeters."""

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dansmarue.models.base import SRID, Model, db

UNIT_KINDS = ("direction", "service", "contractor", "operator")

unit_sector = Table(
    "unit_sector",
    db.metadata,
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(Model):
    """A node of the organisation tree; roots (no parent) are directions."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    # The name the open data's INTERVENANT column gives this unit.
    open_data_name: Mapped[str | None] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="service")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # Contractor dispatch: a web hook URL, or "without web service" (manual).
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    contractor_without_ws: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])
    sectors: Mapped[list["Sector"]] = relationship(secondary=unit_sector, back_populates="units")

    @property
    def direction_id(self) -> int:
        node = self
        while node.parent is not None:
            node = node.parent
        return node.id


class Sector(Model):
    """A territorial sector; a unit covers the sectors it is linked to."""

    __tablename__ = "sector"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID))
    units: Mapped[list[Unit]] = relationship(secondary=unit_sector, back_populates="sectors")


class SpecialPerimeter(Model):
    """Parks, woods, cemeteries: their unit overrides the category's unit."""

    __tablename__ = "special_perimeter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # bois, cimetiere, jardin
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID))
    unit: Mapped[Unit] = relationship()
