"""Declarative base, naming convention and the Flask-SQLAlchemy handle."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, CursorResult, MetaData, Result, SmallInteger, String, Table
from sqlalchemy.orm import DeclarativeBase

from dansmarue.platform.limits import BIGINT_MAX, INT_MAX, SMALLINT_MAX

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
        return BIGINT_MAX
    if isinstance(kind, SmallInteger):
        return SMALLINT_MAX
    return INT_MAX


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
