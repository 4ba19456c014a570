"""The dashboard's list of overdue reports: filtered, sorted, paginated.

Reads the report table through partial indexes that hold only late rows
(migration 0007): counts per (district, category, unit) are an index-only
scan, and a page sorted by category or unit is read group by group along
(group, due_at, id) instead of sorting every late report. "Late" is the
sweep's mark, as in `stats.overdue` (`sla_status` overdue or escalated).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from dansmarue.models import Category, Report, Unit, User, db
from dansmarue.services.scopes import report_scope

# The stats services' spelling of a category ("Type:Sous-type"), so the page,
# its CSV and the API name categories alike.
CATEGORY_LABEL = func.coalesce(Category.open_data_label, Category.label)

SORT_COLUMNS = {
    "due": (Report.due_at,),
    "late": (Report.due_at,),  # later due date = less late: order is flipped below
    "category": (CATEGORY_LABEL, Category.id, Report.due_at),
    "unit": (Unit.label, Unit.id, Report.due_at),
}


@dataclass(frozen=True)
class OverdueRow:
    id: int
    reference: str
    category: str
    address: str | None
    unit: str
    due_at: datetime
    late_seconds: int


OVERDUE_STATUSES = ("overdue", "escalated")


def scope_filters(user: User, direction_id=None, unit_id=None, category_id=None,
             district_id=None) -> list:
    conditions = [report_scope(user)]
    for column, value in ((Report.direction_id, direction_id), (Report.unit_id, unit_id),
                          (Report.category_id, category_id), (Report.district_id, district_id)):
        if value is not None:
            conditions.append(column == value)
    return conditions


def overdue_conditions(user: User, **filters) -> list:
    """"Open and marked late by the sweep" (the partial index `ix_report_sla_late`)."""
    return [Report.closed_at.is_(None), Report.sla_status.in_(OVERDUE_STATUSES),
            *scope_filters(user, **filters)]


def overdue_page(user: User, now: datetime, *, sort: str = "late", order: str = "desc",
                 page: int = 1, page_size: int = 25, late: dict | None = None,
                 **filters) -> tuple[list[OverdueRow], int]:
    """One page of overdue reports and the total count, sorted as asked.

    Ties are broken by id so pages never overlap or skip a row. `late` (from
    `late_counts` with the same direction/unit/category filters) gives the
    total, and for a sort by category or unit the size of each group, so the
    page is read group by group from an index on (group, due_at, id) instead
    of sorting every late report."""
    if late is None:
        late = late_counts(user, **{k: v for k, v in filters.items() if k != "district_id"})
    district = filters.get("district_id")
    total = sum(n for (d, _, _), n in late.items() if district in (None, d))
    descending = (order == "desc") != (sort == "late")
    offset = (page - 1) * page_size
    if offset >= total:
        # Nothing to read: and with a selective filter pair, the planner would
        # otherwise walk a whole due_at range looking for rows that are not there.
        return [], total
    if sort in ("category", "unit"):
        return _grouped_page(user, now, sort, descending, offset, page_size, late, filters), total
    keys = [c.desc() if descending else c.asc() for c in SORT_COLUMNS[sort]]
    keys.append(Report.id.desc() if descending else Report.id.asc())
    query = _rows_query(user, filters).order_by(*keys).limit(page_size).offset(offset)
    return _rows(query, now), total


def _rows_query(user: User, filters: dict):
    return (select(Report.id, Report.reference, CATEGORY_LABEL.label("category"),
                   Report.address, Unit.label.label("unit"), Report.due_at)
            .join(Category, Category.id == Report.category_id)
            .join(Unit, Unit.id == Report.unit_id)
            .where(and_(*overdue_conditions(user, **filters))))


def _rows(query, now: datetime) -> list[OverdueRow]:
    return [OverdueRow(r.id, r.reference, r.category, r.address, r.unit, r.due_at,
                       int((now - r.due_at).total_seconds()))
            for r in db.session.execute(query)]


def _grouped_page(user, now, sort, descending, offset, limit, late, filters) -> list[OverdueRow]:
    """Rows [offset, offset + limit) in (group label, group id, due_at, id) order."""
    position = 1 if sort == "category" else 2
    district = filters.get("district_id")
    counts: dict[int, int] = {}
    for key, n in late.items():
        if district in (None, key[0]):
            counts[key[position]] = counts.get(key[position], 0) + n
    model, label, column = ((Category, CATEGORY_LABEL, Report.category_id) if sort == "category"
                            else (Unit, Unit.label, Report.unit_id))
    labels = dict(db.session.execute(select(model.id, label).where(model.id.in_(counts))).all())
    # Python's str order is code point order, like the database's C collation.
    groups = sorted(counts, key=lambda g: (labels.get(g, ""), g), reverse=descending)
    rows: list[OverdueRow] = []
    for group in groups:
        if offset >= counts[group]:
            offset -= counts[group]
            continue
        keys = (Report.due_at.desc(), Report.id.desc()) if descending else (Report.due_at, Report.id)
        query = (_rows_query(user, filters).where(column == group).order_by(*keys)
                 .limit(limit - len(rows)).offset(offset))
        rows += _rows(query, now)
        offset = 0
        if len(rows) >= limit:
            break
    return rows



def late_counts(user: User, **filters) -> dict[tuple[int, int, int], int]:
    """Overdue reports per (district, category, unit): an index-only scan of the
    late rows (`ix_report_late_dims`), from which the map, the top list, the
    totals and the list's groups derive."""
    query = (select(Report.district_id, Report.category_id, Report.unit_id, func.count())
             .where(*overdue_conditions(user, **filters))
             .group_by(Report.district_id, Report.category_id, Report.unit_id))
    return {(d, c, u): n for d, c, u, n in db.session.execute(query)}
