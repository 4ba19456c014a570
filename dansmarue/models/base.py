"""Declarative base, naming convention and the Flask-SQLAlchemy handle."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, MetaData, SmallInteger, String
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


def text_max(column: Any) -> int:
    """The length a String column holds (its type is the one source)."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a String column of bounded length")
    return kind.length


def integer_max(column: Any) -> int:
    """The largest value an integer column holds (its type is the one source)."""
    kind = column.type
    if isinstance(kind, BigInteger):
        return 2**63 - 1
    if isinstance(kind, SmallInteger):
        return 2**15 - 1
    return 2**31 - 1


def key_from_text(value: object, column: Any) -> int | None:
    """`value` (text from a URL, a form, a header or JSON) as a value of the
    integer `column`: ASCII digits within its range, else None (no row has it).

    `str.isdigit` alone lets "²" through to `int()` (ValueError), and a number
    beyond the column's range reaches the database as an error (#20.3)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= integer_max(column) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    number = int(text)
    return number if number <= integer_max(column) else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# db.Model is built at run time, so type checkers cannot see it as a class: they
# are shown the declarative base it derives from (the same columns and mappers).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
