"""Staff and resident accounts, their unit scopes and API tokens."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dansmarue.models.base import Model, db, utcnow

ROLES = ("resident", "agent", "manager", "admin")

user_unit = Table(
    "user_unit",
    db.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class User(Model):
    """An account. Agents are scoped to units, managers to a direction."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('resident', 'agent', 'manager', 'admin')", name="role_known"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12), default="resident")
    account_guid: Mapped[str | None] = mapped_column(String(64), unique=True)
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moved on at sign-out: every web session cookie issued before is void (0013s).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    units = relationship("Unit", secondary=user_unit)


class ApiToken(Model):
    """A bearer token, stored hashed; expires and can be revoked."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class PasswordReset(Model):
    """A one-time password reset link an administrator sent (issue #13).

    The worker that mails the link draws the token and stores only its sha256,
    so the token itself is nowhere at rest (not even in the outbox).
    """

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ResidentSignIn(Model):
    """A one-time sign-in link mailed to a resident (issue #19.2).

    As for password resets, the mail job draws the token and keeps only its
    sha256; the link works once, before `expires_at`. `email` is the address
    the link was sent to: exchanging the token proves the resident holds it.
    """

    __tablename__ = "resident_sign_in"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
