"""The administrators' audit trail (issue #13): every change an administrator
makes goes through `record`, in the same transaction as the change itself, so
a change is audited exactly when it is committed.

Services call `snapshot` before and after their change and hand both over;
secrets (password hashes, web hook secrets) never reach the trail.
May import: the foundations only (models, errors).
"""

import datetime as dt
import decimal
from typing import Any

from geoalchemy2 import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy import func, inspect, select

from dansmarue.models import User, db
from dansmarue.models.audit import AuditEntry
from dansmarue.models.base import Base

SECRET_FIELDS = frozenset({"password_hash", "webhook_secret", "token_hash"})
HIDDEN = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, WKBElement):
        return to_shape(value).wkt
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(item: Base, **extra: object) -> dict[str, Any]:
    """The columns of a mapped object as JSON values (secrets masked), plus `extra`."""
    state = inspect(item)
    values: dict = {}
    for attr in state.mapper.column_attrs:
        value = getattr(item, attr.key)
        if attr.key in SECRET_FIELDS:
            values[attr.key] = HIDDEN if value else None
        else:
            values[attr.key] = _plain(value)
    values.update({k: _plain(v) for k, v in extra.items()})
    return values


def record(
    actor: User | None,
    entity: str,
    entity_id: int | str | None,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry | None:
    """Write one entry (None actor: the command line). An update that changed
    nothing is not recorded."""
    if before is not None and after is not None and before == after:
        return None
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        action=action,
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[AuditEntry], int]:
    """One page of the trail, newest first, and the number of matching entries."""
    query = select(AuditEntry)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return list(rows), total
