"""One guarded write for admin CRUD: set fields, flush in a savepoint, 409 on a duplicate."""

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from dansmarue.errors import Conflict
from dansmarue.models import db
from dansmarue.models.base import Base

T = TypeVar("T", bound=Base)


def save_fields(item: T, values: Mapping[str, Any], conflict_message: str) -> T:
    """Apply `values` to `item` (new or loaded) and flush; a unique violation
    becomes Conflict(conflict_message) and leaves nothing pending."""
    try:
        # All changes inside the savepoint, so a refused one leaves nothing pending.
        with db.session.begin_nested():
            for name, value in values.items():
                setattr(item, name, value)
            db.session.add(item)
            db.session.flush()
    except IntegrityError:
        if inspect(item).persistent:
            db.session.refresh(item)
        raise Conflict(conflict_message) from None
    return item
