"""The dashboard's list of overdue reports: filtered, sorted, paginated.

Counts per (district, category, unit) come from the `late_stats` roll-up
(migration 0007a, maintained like the stats roll-ups: trigger deltas folded
before reading). Rows come from the report table through partial indexes that
hold only late rows (migration 0007): a page sorted by category or unit is
read group by group along (group, due_at, id), knowing each group's size,
instead of sorting every late report. "Late" is the sweep's mark, as in
`stats.overdue` (`sla_status` overdue or escalated).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, text

from dansmarue.access.scopes import report_scope
from dansmarue.models import Category, Report, Unit, User, db
from dansmarue.sla.clock import OVERDUE_STATUSES, overdue_clause
from dansmarue.stats import queries as stats
from dansmarue.stats import rollups

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


def scope_filters(
    user: User,
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
    district_id: int | None = None,
) -> list[ColumnElement[bool]]:
    conditions = [report_scope(user)]
    for column, value in (
        (Report.direction_id, direction_id),
        (Report.unit_id, unit_id),
        (Report.category_id, category_id),
        (Report.district_id, district_id),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions


def overdue_conditions(user: User, **filters: int | None) -> list[ColumnElement[bool]]:
    """ "Open and marked late by the sweep" (the partial index `ix_report_sla_late`)."""
    return [overdue_clause(), *scope_filters(user, **filters)]


def overdue_page(
    user: User,
    now: datetime,
    *,
    sort: str = "late",
    order: str = "desc",
    page: int = 1,
    page_size: int = 25,
    late: dict | None = None,
    **filters: int | None,
) -> tuple[list[OverdueRow], int]:
    """One page of overdue reports and the total count, sorted as asked.

    Ties are broken by id so pages never overlap or skip a row. `late` (from
    `late_counts` with the same direction/unit/category filters) gives the
    total, and for a sort by category or unit the size of each group, so the
    page is read group by group from an index on (group, due_at, id) instead
    of sorting every late report."""
    if late is None:
        late = late_counts(
            user,
            direction_id=filters.get("direction_id"),
            unit_id=filters.get("unit_id"),
            category_id=filters.get("category_id"),
        )
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


def _rows_query(user: User, filters: dict[str, int | None]) -> Select[Any]:
    return (
        select(
            Report.id,
            Report.reference,
            CATEGORY_LABEL.label("category"),
            Report.address,
            Unit.label.label("unit"),
            Report.due_at,
        )
        .join(Category, Category.id == Report.category_id)
        .join(Unit, Unit.id == Report.unit_id)
        .where(and_(*overdue_conditions(user, **filters)))
    )


def _rows(query: Select[Any], now: datetime) -> list[OverdueRow]:
    return [
        OverdueRow(
            r.id, r.reference, r.category, r.address, r.unit, r.due_at, int((now - r.due_at).total_seconds())
        )
        for r in db.session.execute(query)
    ]


def _grouped_page(
    user: User,
    now: datetime,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    late: dict[tuple[int, int, int], int],
    filters: dict[str, int | None],
) -> list[OverdueRow]:
    """Rows [offset, offset + limit) in (group label, group id, due_at, id) order."""
    position = 1 if sort == "category" else 2
    district = filters.get("district_id")
    counts: dict[int, int] = {}
    for key, n in late.items():
        if district in (None, key[0]):
            counts[key[position]] = counts.get(key[position], 0) + n
    model, label, column = (
        (Category, CATEGORY_LABEL, Report.category_id)
        if sort == "category"
        else (Unit, Unit.label, Report.unit_id)
    )
    labels: dict[int, str] = dict(
        db.session.execute(select(model.id, label).where(model.id.in_(counts))).tuples().all()
    )
    # Python's str order is code point order, like the database's C collation.
    groups = sorted(counts, key=lambda g: (labels.get(g, ""), g), reverse=descending)
    rows: list[OverdueRow] = []
    for group in groups:
        if offset >= counts[group]:
            offset -= counts[group]
            continue
        keys = (Report.due_at.desc(), Report.id.desc()) if descending else (Report.due_at, Report.id)
        query = (
            _rows_query(user, filters)
            .where(column == group)
            .order_by(*keys)
            .limit(limit - len(rows))
            .offset(offset)
        )
        rows += _rows(query, now)
        offset = 0
        if len(rows) >= limit:
            break
    return rows


# --- Late counts: the `late_stats` roll-up (migration 0007a) ------------------
FOLD_LOCK = 734_007  # advisory lock key: one fold of late deltas at a time
FOLD_SQL = """
WITH d AS (DELETE FROM late_stats_delta
           RETURNING direction_id, district_id, category_id, unit_id, sign)
INSERT INTO late_stats AS t (direction_id, district_id, category_id, unit_id, n)
SELECT direction_id, district_id, category_id, unit_id, sum(sign) FROM d
GROUP BY direction_id, district_id, category_id, unit_id
ON CONFLICT (direction_id, district_id, category_id, unit_id) DO UPDATE SET n = t.n + EXCLUDED.n
"""


def fold_late() -> None:
    """Move pending late deltas into `late_stats` (in the caller's transaction).

    Cheap when there is nothing to do; a fold already running elsewhere makes
    this one a no-op (its transaction will have moved the same rows)."""
    if not db.session.scalar(text("SELECT EXISTS (SELECT 1 FROM late_stats_delta)")):
        return
    if db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": FOLD_LOCK}):
        db.session.execute(text(FOLD_SQL))


def rebuild_late() -> None:
    """Recount `late_stats` from the report table (after a bulk load without triggers)."""
    db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FOLD_LOCK})
    db.session.execute(text("TRUNCATE late_stats, late_stats_delta"))
    db.session.execute(
        text(f"""
        INSERT INTO late_stats (direction_id, district_id, category_id, unit_id, n)
        SELECT direction_id, district_id, category_id, unit_id, count(*) FROM report
        WHERE closed_at IS NULL AND sla_status IN {OVERDUE_STATUSES!r}
        GROUP BY direction_id, district_id, category_id, unit_id""")
    )


def rebuild_all() -> None:
    """Every roll-up the dashboard reads (statistics and late counts), recounted
    from the report table: after a bulk load or an import of history."""
    rollups.rebuild()
    rebuild_late()


def late_counts(
    user: User,
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
    refresh: bool = True,
) -> dict[tuple[int, int, int], int]:
    """Overdue reports per (district, category, unit) in the user's scope, from the
    roll-up; the map, the top list, the totals and the list's groups derive from it."""
    if refresh:
        fold_late()
    where: list[str] = ["n <> 0"]
    params: dict[str, Any] = {}
    scope = stats.directions_for(user, direction_id)
    if scope is not None:
        where.append("direction_id = ANY(:dirs)")
        params["dirs"] = list(scope)
    for column, value in (("unit_id", unit_id), ("category_id", category_id)):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    rows = db.session.execute(
        text(
            "SELECT district_id, category_id, unit_id, sum(n)::int FROM late_stats "
            f"WHERE {' AND '.join(where)} GROUP BY 1, 2, 3 HAVING sum(n) <> 0"
        ),
        params,
    )
    return {(d, c, u): n for d, c, u, n in rows}
