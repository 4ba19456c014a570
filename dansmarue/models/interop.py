"""Third-party clients of the interoperability APIs (Open311 api keys), and the
agents' route-sheet notes the mobile apps write."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dansmarue.models.base import Model, utcnow


class ApiClient(Model):
    """An Open311 client allowed to POST requests; its key is stored hashed."""

    __tablename__ = "api_client"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RouteSheetNote(Model):
    """What an agent wrote after the round of a route sheet (the apps'
    saveInfosApresTournee). A route sheet is an agent's reports programmed for a
    day (`agentapp.tour.sheet`), so a note belongs to (agent, day)."""

    __tablename__ = "route_sheet_note"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    after_round: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
