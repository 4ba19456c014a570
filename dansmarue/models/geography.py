"""Districts (arrondissements), quartiers and conseils de quartier."""

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dansmarue.models.base import SRID, Model


class District(Model):
    """An arrondissement; 1 to 4 share the "Paris Centre" group since 2020."""

    __tablename__ = "district"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    insee_code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(40))  # "1er Ardt"
    official_name: Mapped[str] = mapped_column(String(80))  # "Louvre"
    group_name: Mapped[str | None] = mapped_column(String(40))  # "Paris Centre"
    postal_code: Mapped[str] = mapped_column(String(5))
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID))


class Quartier(Model):
    """One of the 80 quartiers administratifs."""

    __tablename__ = "quartier"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    insee_code: Mapped[str] = mapped_column(String(7), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID))


class ConseilQuartier(Model):
    """A conseil de quartier as the DansMaRue back office knows it."""

    __tablename__ = "conseil_quartier"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    number: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID))
