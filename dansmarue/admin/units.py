"""The unit tree (issue #13): create, rename, move, mailbox, contractor web
hook URL and secret, deactivate. Audited (the secret masked); callers commit."""

from sqlalchemy import select

from dansmarue import audit
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.models import Unit, User, db
from dansmarue.platform.savepoint import save_fields

DUPLICATE = "Une unité porte déjà ce code."


def get(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Unité introuvable.")
    return unit


def list_all(
    *, parent_id: int | None = None, active: bool | None = None, kind: str | None = None
) -> list[Unit]:
    query = select(Unit).order_by(Unit.code, Unit.id)
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if active is not None:
        query = query.where(Unit.active.is_(active))
    if kind is not None:
        query = query.where(Unit.kind == kind)
    return list(db.session.scalars(query))


def _bad(name: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[field(name, message, location="json")])


def _check_parent(unit: Unit, parent_id: int | None) -> None:
    node = db.session.get(Unit, parent_id) if parent_id is not None else None
    if parent_id is not None and node is None:
        raise _bad("parent_id", "Unité parente inconnue.")
    while node is not None:
        if unit.id is not None and node.id == unit.id:
            raise _bad("parent_id", "Une unité ne peut pas être déplacée sous elle-même.")
        node = node.parent


def save(values: dict, unit_id: int | None = None, actor: User | None = None) -> Unit:
    """Create (unit_id None) or change a unit; a new `parent_id` moves it."""
    unit = Unit() if unit_id is None else get(unit_id)
    before = None if unit_id is None else audit.snapshot(unit)
    if "parent_id" in values:
        _check_parent(unit, values["parent_id"])
    save_fields(unit, values, DUPLICATE)
    moved = before is not None and "parent_id" in values and values["parent_id"] != before["parent_id"]
    action = "create" if before is None else ("move" if moved else "update")
    after = audit.snapshot(unit)
    if before is not None and "webhook_secret" in values and before == after:
        after["webhook_secret"] = "*** (changé)"  # a new secret is a change, though masked
    audit.record(actor, "unit", unit.id, action, before, after)
    return unit
