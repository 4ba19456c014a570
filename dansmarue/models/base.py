"""Declarative base, naming convention and the Flask-SQLAlchemy handle."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, MetaData, Result, Table
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations reproducible.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SRID = 4326


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model maps one Table (DeclarativeBase allows any FromClause).
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched: Session.execute returns a
    CursorResult for one, though it is typed as returning a plain Result."""
    assert isinstance(result, CursorResult)
    return result.rowcount


# db.Model is built at run time, so type checkers cannot see it as a class: they
# are shown the declarative base it derives from (the same columns and mappers).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
