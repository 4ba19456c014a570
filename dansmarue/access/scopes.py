"""Who sees and acts on which reports.

Agents: reports of their units (and of those units' sub-units, e.g. a
garden workshop under its gardening service). Managers: their direction.
Admins: everything. Anyone else: nothing.
"""

from sqlalchemy import ColumnElement, Select, false, select, true

from dansmarue.models import Report, Unit, User, db, user_unit


def scoped_unit_ids(user_id: int) -> Select[tuple[int]]:
    """A SELECT of the ids of the user's units and all their descendants."""
    tree = (
        select(user_unit.c.unit_id.label("id"))
        .where(user_unit.c.user_id == user_id)
        .cte("scoped_units", recursive=True)
    )
    tree = tree.union(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def report_scope(user: User | None) -> ColumnElement[bool]:
    """A boolean clause on Report limiting a query to what `user` may see."""
    if user is None or not user.active:
        return false()
    if user.role == "admin":
        return true()
    if user.role == "manager":
        if user.direction_id is None:
            return false()
        return Report.direction_id == user.direction_id
    if user.role == "agent":
        return Report.unit_id.in_(scoped_unit_ids(user.id))
    return false()


def queue_scope(user: User | None) -> ColumnElement[bool]:
    """`report_scope` for the work queue: an agent's unit ids are read first
    and inlined. Behind the recursive CTE the planner guesses one unit of
    unknown id and scans every open report by state; with the ids it reads
    each unit's reports in queue order (index ix_report_unit_due)."""
    if user is not None and user.active and user.role == "agent":
        ids = sorted(_unit_ids(user.id))
        return Report.unit_id.in_(ids) if ids else false()
    return report_scope(user)


def can_act_on(user: User | None, report: Report) -> bool:
    """True if `report` is within `user`'s scope (staff only)."""
    if user is None or not user.active:
        return False
    if user.role == "admin":
        return True
    if user.role == "manager":
        return user.direction_id is not None and report.direction_id == user.direction_id
    if user.role == "agent":
        return report.unit_id in _unit_ids(user.id)
    return False


def _unit_ids(user_id: int) -> frozenset[int]:
    """The user's scoped unit ids, read once per session (mass actions ask 500 times)."""
    cache = db.session.info.setdefault("scoped_unit_ids", {})
    if user_id not in cache:
        cache[user_id] = frozenset(db.session.scalars(scoped_unit_ids(user_id)))
    return cache[user_id]
