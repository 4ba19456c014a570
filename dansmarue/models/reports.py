"""Reports, their photos, history, followers and congratulations."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement, WKTElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from dansmarue.models.base import SRID, Model, utcnow
from dansmarue.models.sla import ReportSlaClock
from dansmarue.workflow.states import STATE_CODES

PRIORITIES = {1: "Dangereux", 2: "Gênant", 3: "Peu gênant"}
# Origin channel = the reference's prefix letter (real: A iOS, G Android,
# S web, B back office); O marks Open311 clients.
ORIGINS = {"A": "iOS", "G": "Android", "S": "Web", "B": "Back office", "O": "Open311"}
PHOTO_VIEWS = ("close", "far", "extra", "done")
INTAKE_VIEWS = ("close", "far", "extra")  # sent with a new report (REST, Open311 media)
UPLOAD_VIEWS = ("close", "far", "done")  # added afterwards (the apps' photo upload)
# Who an event names when no person did it, or a person without an account.
SYSTEM_LABEL = "Système"
RESIDENT_LABEL = "Usager"
CONTRACTOR_LABEL = "Prestataire"


def _in(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Report(ReportSlaClock, Model):
    """A resident's report of an anomaly at one point of public space."""

    __tablename__ = "report"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority_range"),
        CheckConstraint(f"state IN ({_in(STATE_CODES)})", name="state_known"),
        CheckConstraint(f"origin IN ({_in(ORIGINS)})", name="origin_known"),
        Index("ix_report_open_due", "due_at", postgresql_where="closed_at IS NULL"),
        Index(
            "ix_report_open_ack_due",
            "ack_due_at",
            postgresql_where="acknowledged_at IS NULL AND closed_at IS NULL",
        ),
        Index("ix_report_category_created", "category_id", "created_at"),
        Index("ix_report_unit_state", "unit_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    client_uuid: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    priority: Mapped[int] = mapped_column(SmallInteger, default=2)
    description: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    address_precision: Mapped[str | None] = mapped_column(String(300))
    # Read back as WKB; intake and requalification write a WKT point.
    geom: Mapped[WKBElement | WKTElement] = mapped_column(Geometry("POINT", srid=SRID))
    origin: Mapped[str] = mapped_column(String(1), default="S")

    reporter_email: Mapped[str | None] = mapped_column(String(254), index=True)
    reporter_guid: Mapped[str | None] = mapped_column(String(64), index=True)
    reporter_udid: Mapped[str | None] = mapped_column(String(128))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    quartier_id: Mapped[int | None] = mapped_column(ForeignKey("quartier.id"))
    conseil_id: Mapped[int | None] = mapped_column(ForeignKey("conseil_quartier.id"))
    direction_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    special_perimeter_id: Mapped[int | None] = mapped_column(ForeignKey("special_perimeter.id"))

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ack_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    congratulations_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Coordinates read straight from PostGIS, so rows carry them as numbers.
    longitude = column_property(func.ST_X(geom))
    latitude = column_property(func.ST_Y(geom))

    category = relationship("Category")
    district = relationship("District")
    quartier = relationship("Quartier")
    conseil = relationship("ConseilQuartier")
    direction = relationship("Unit", foreign_keys=[direction_id])
    unit = relationship("Unit", foreign_keys=[unit_id])
    photos: Mapped[list["Photo"]] = relationship(back_populates="report")
    events: Mapped[list["ReportEvent"]] = relationship(back_populates="report", order_by="ReportEvent.id")

    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_email or self.reporter_guid)


class Photo(Model):
    """A photo of a report; one per view (close, far, extra, done)."""

    __tablename__ = "photo"
    __table_args__ = (
        UniqueConstraint("report_id", "view", name="uq_photo_report_view"),
        CheckConstraint(f"view IN ({_in(PHOTO_VIEWS)})", name="view_known"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    view: Mapped[str] = mapped_column(String(8))
    # Random, unguessable: part of every URL that serves the photo.
    access_key: Mapped[str] = mapped_column(String(43), unique=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    display_key: Mapped[str | None] = mapped_column(String(200))
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[str | None] = mapped_column(String(32))
    # The same 64 bits as a signed integer, compared in SQL (reports.photo_matches).
    phash_bits: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report: Mapped[Report] = relationship(back_populates="photos")


class ReportEvent(Model):
    """One entry of a report's history: who did what, from which state to which."""

    __tablename__ = "report_event"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default=SYSTEM_LABEL)
    comment: Mapped[str | None] = mapped_column(Text)
    # What residents may see of this entry; None keeps it internal.
    public_message: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    report: Mapped[Report] = relationship(back_populates="events")


class Follower(Model):
    """A person following a report, by account guid and/or e-mail."""

    __tablename__ = "follower"
    __table_args__ = (
        Index(
            "uq_follower_guid",
            "report_id",
            "account_guid",
            unique=True,
            postgresql_where="account_guid IS NOT NULL",
        ),
        Index(
            "uq_follower_email", "report_id", "email", unique=True, postgresql_where="account_guid IS NULL"
        ),
        Index("uq_follower_token", "token", unique=True),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    account_guid: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    udid: Mapped[str | None] = mapped_column(String(128))
    push_token: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The follower's own capability (migration 0012f): their link reads the
    # public view and unsubscribes, never acts as the reporter.
    token: Mapped[str] = mapped_column(
        String(64),
        server_default=text(
            "replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')"
        ),
    )
    # E-mail follows are mailed only once confirmed by the link sent to the address.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Congratulation(Model):
    """One per person per report (the real system did not deduplicate)."""

    __tablename__ = "congratulation"
    __table_args__ = (UniqueConstraint("report_id", "person_key", name="uq_congrat"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    person_key: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
