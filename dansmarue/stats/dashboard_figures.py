"""Dashboard figures that the stats services do not already give.

The page's aggregates come from `dansmarue.stats.queries` (the same code as
`/api/v1/stats/...`, reading the roll-ups). This module adds the choices of
the filter form and the unit/category filters: the roll-ups are keyed by
direction × ONE dimension, so one such filter is read from them, while two at
once (or a district breakdown under a filter) fall back to the report table
through partial covering indexes (migration 0007). Overdue counts come from
`overdue_list.late_counts`.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from dansmarue.catalogue import categories as catalogue
from dansmarue.models import Category, Report, Unit, User, db
from dansmarue.sla.calendar import AGE_LIMITS
from dansmarue.stats import queries as stats
from dansmarue.stats import rollups
from dansmarue.stats.overdue import CATEGORY_LABEL, scope_filters


@dataclass(frozen=True)
class Option:
    id: int
    label: str
    code: str | None = None


def directions(user: User) -> list[Option]:
    """Root units the user may pick (a manager: only theirs)."""
    query = select(Unit).where(Unit.parent_id.is_(None), Unit.active.is_(True)).order_by(Unit.code)
    if user.role == "manager":
        query = query.where(Unit.id == user.direction_id)
    return [Option(u.id, f"{u.code} · {u.label}", u.code) for u in db.session.scalars(query)]


def units(direction_id: int | None) -> list[Option]:
    """Non-root units, those under `direction_id` if given (whole subtree)."""
    roots = select(Unit.id, Unit.parent_id).where(Unit.parent_id.is_(None))
    if direction_id is not None:
        roots = roots.where(Unit.id == direction_id)
    anchor = roots.cte("unit_tree", recursive=True)
    tree = anchor.union_all(select(Unit.id, Unit.parent_id).where(Unit.parent_id == anchor.c.id))
    query = (
        select(Unit)
        .where(Unit.id.in_(select(tree.c.id)), Unit.parent_id.is_not(None), Unit.active.is_(True))
        .order_by(Unit.label)
    )
    return [Option(u.id, u.label, u.code) for u in db.session.scalars(query)]


def categories() -> list[tuple[str, list[Option]]]:
    """Leaf categories grouped under their top-level type, in catalogue order
    (the catalogue's cached tree; intermediate levels prefix the label)."""

    def leaves(node: dict, prefix: str) -> list[Option]:
        if "children" not in node:
            return [Option(node["id"], prefix + node["label"])]
        return [o for child in node["children"] for o in leaves(child, f"{prefix}{node['label']} › ")]

    return [
        (top["label"], [o for child in top.get("children", ()) for o in leaves(child, "")])
        for top in catalogue.tree(include_agent=True)["categories"]
        if "children" in top
    ]


# --- Aggregates -------------------------------------------------------------


@dataclass(frozen=True)
class DistrictFigures:
    open: int
    overdue: int


@dataclass(frozen=True)
class Backlog:
    direction_id: int
    lt48h: int
    lt10d: int
    ge10d: int

    @property
    def total(self) -> int:
        return self.lt48h + self.lt10d + self.ge10d


@dataclass(frozen=True)
class Week:
    week_start: date
    resolved: int
    resolved_on_time: int
    median_seconds: float | None
    p90_seconds: float | None

    @property
    def on_time_rate(self) -> float | None:
        return self.resolved_on_time / self.resolved if self.resolved else None


@dataclass(frozen=True)
class LateCategory:
    category_id: int
    label: str
    overdue: int


def district_figures(
    user: User,
    late: dict[tuple[int, int, int], int],
    now: datetime,
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
) -> dict[int, DistrictFigures]:
    """Open (stats backlog by district) and overdue reports per arrondissement."""
    open_counts: dict[int, int]
    if unit_id is None and category_id is None:
        rows = stats.backlog("district", stats.directions_for(user, direction_id), now, refresh=False)
        open_counts = {r["key"]: r["open"] for r in rows}
    else:
        query = (
            select(Report.district_id, func.count())
            .where(
                Report.closed_at.is_(None),
                *scope_filters(user, direction_id=direction_id, unit_id=unit_id, category_id=category_id),
            )
            .group_by(Report.district_id)
        )
        open_counts = dict(db.session.execute(query).tuples().all())
    overdue: dict[int, int] = {}
    for (district, _, _), n in late.items():
        overdue[district] = overdue.get(district, 0) + n
    return {
        d: DistrictFigures(open_counts.get(d, 0), overdue.get(d, 0)) for d in set(open_counts) | set(overdue)
    }


def backlog_by_direction(
    user: User,
    now: datetime,
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
    district_id: int | None = None,
) -> list[Backlog]:
    """Open reports by age bucket (< 48 h, < 10 days, >= 10 days) per direction."""
    scope = stats.directions_for(user, direction_id)
    if district_id is not None or (unit_id is not None and category_id is not None):
        return _backlog_raw(user, now, direction_id, unit_id, category_id, district_id)
    if unit_id is not None:
        owner = db.session.get_one(Unit, unit_id).direction_id  # a known unit (the page checks)
        rows = [
            dict(r, key=owner)
            for r in stats.backlog("unit", scope, now, refresh=False)
            if r["key"] == unit_id
        ]
    elif category_id is not None:
        ids = scope if scope is not None else [o.id for o in directions(user)]
        rows = [
            dict(r, key=d)
            for d in ids
            for r in stats.backlog("category", [d], now, refresh=False)
            if r["key"] == category_id
        ]
    else:
        rows = stats.backlog("direction", scope, now, refresh=False)
    return [Backlog(r["key"], r["lt_48h"], r["lt_10d"], r["ge_10d"]) for r in rows]


def _backlog_raw(
    user: User,
    now: datetime,
    direction_id: int | None,
    unit_id: int | None,
    category_id: int | None,
    district_id: int | None,
) -> list[Backlog]:
    t48, t10 = (now - limit for limit in AGE_LIMITS)
    district = [Report.district_id == district_id] if district_id is not None else []
    query = (
        select(
            Report.direction_id,
            func.count().filter(Report.created_at > t48),
            func.count().filter(Report.created_at <= t48, Report.created_at > t10),
            func.count().filter(Report.created_at <= t10),
        )
        .where(
            Report.closed_at.is_(None),
            *district,
            *scope_filters(user, direction_id=direction_id, unit_id=unit_id, category_id=category_id),
        )
        .group_by(Report.direction_id)
        .order_by(Report.direction_id)
    )
    return [Backlog(*row) for row in db.session.execute(query)]


def weekly(
    user: User,
    start: date,
    end: date,
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
    district_id: int | None = None,
) -> list[Week]:
    """Resolved, on time, median and p90 time to resolve per week (Monday), every
    week of [start, end] present even when empty."""
    scope = stats.directions_for(user, direction_id)
    if unit_id is None and category_id is None and district_id is None:
        rows = {
            date.fromisoformat(r["key"]): Week(
                date.fromisoformat(r["key"]),
                r["resolved"],
                r["resolved_on_time"],
                (r["resolve_median"] or {}).get("seconds"),
                (r["resolve_p90"] or {}).get("seconds"),
            )
            for r in stats.breakdown("week", start, end, scope, refresh=False)
        }
    else:
        rows = _weekly_filtered(scope, start, end, unit_id, category_id, district_id)
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(rows.get(monday, Week(monday, 0, 0, None, None)))
        monday += timedelta(days=7)
    return weeks


def _weekly_filtered(
    scope: list[int] | None,
    start: date,
    end: date,
    unit_id: int | None,
    category_id: int | None,
    district_id: int | None = None,
) -> dict[date, Week]:
    """Weekly figures under a unit or category filter: the same roll-up rows the
    stats services read (dimension unit or category), or the report table when
    two filters combine or a district is chosen."""
    where: list[str] = ["TRUE"]
    params: dict[str, Any] = {"start": start, "end": end}
    if scope is not None:
        where.append("direction_id = ANY(:dirs)")
        params["dirs"] = list(scope)
    if district_id is not None or (unit_id is not None and category_id is not None):
        # Same histogram buckets as the roll-ups, so estimates match the other paths.
        params.update(since=stats.day_bounds(start)[0], until=stats.day_bounds(end)[1])
        for column, value in (
            ("unit_id", unit_id),
            ("category_id", category_id),
            ("district_id", district_id),
        ):
            if value is not None:
                where.append(f"{column} = :{column}")
                params[column] = value
        sql = f"""SELECT date_trunc('week', sla_day(closed_at))::date AS week,
                         sla_bucket(extract(epoch FROM closed_at - created_at)) AS bucket,
                         count(*), count(*) FILTER (WHERE due_at IS NULL OR closed_at <= due_at)
                  FROM report WHERE closed_at >= :since AND closed_at < :until
                    AND {' AND '.join(where)}
                  GROUP BY 1, 2"""
        weeks: dict[date, list] = {}
        for week, bucket, n, on_time in db.session.execute(text(sql), params):
            entry = weeks.setdefault(week, [0, 0, [0] * rollups.BUCKETS])
            entry[0] += n
            entry[1] += on_time
            entry[2][bucket] += n
        return {week: _week(week, n, on_time, hist) for week, (n, on_time, hist) in weeks.items()}
    params.update(dim=1 if unit_id is not None else 3, key=unit_id or category_id)
    hist = ", ".join(f"sum(rh{i:02d})::bigint" for i in range(rollups.BUCKETS))
    sql = f"""SELECT date_trunc('week', period)::date AS week, sum(resolved)::bigint,
                     sum(resolved_on_time)::bigint, {hist}
              FROM report_stats WHERE dim = :dim AND key = :key AND grain = 'd'
                AND period BETWEEN :start AND :end AND {' AND '.join(where)} GROUP BY 1"""
    return {
        row[0]: _week(row[0], int(row[1]), int(row[2]), [int(v) for v in row[3:]])
        for row in db.session.execute(text(sql), params)
    }


def _week(start: date, resolved: int, on_time: int, histogram: list[int]) -> Week:
    p50, p90 = stats.percentile(histogram, 0.5), stats.percentile(histogram, 0.9)
    return Week(
        start,
        resolved,
        on_time,
        None if p50 is None else p50["seconds"],
        None if p90 is None else p90["seconds"],
    )


def top_late_categories(late: dict, limit: int = 10, district_id: int | None = None) -> list[LateCategory]:
    """The categories with the most overdue reports (optionally in one district)."""
    totals: dict[int, int] = {}
    for (district, category, _), n in late.items():
        if district_id is None or district == district_id:
            totals[category] = totals.get(category, 0) + n
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    labels = dict(
        db.session.execute(select(Category.id, CATEGORY_LABEL).where(Category.id.in_([c for c, _ in top])))
        .tuples()
        .all()
    )
    return [LateCategory(c, labels.get(c, str(c)), n) for c, n in top]


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    label: str
    open: int
    overdue: int


def unit_figures(
    user: User,
    late: dict[tuple[int, int, int], int],
    direction_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
    district_id: int | None = None,
) -> list[UnitFigures]:
    """Open and overdue reports per unit under every filter, most overdue first.

    Open counts come from the report table (open reports only, a partial index);
    overdue counts from the same `late` roll-up as the map and the totals."""
    query = (
        select(Report.unit_id, func.count())
        .where(
            Report.closed_at.is_(None),
            *scope_filters(
                user,
                direction_id=direction_id,
                unit_id=unit_id,
                category_id=category_id,
                district_id=district_id,
            ),
        )
        .group_by(Report.unit_id)
    )
    open_counts = dict(db.session.execute(query).tuples().all())
    overdue: dict[int, int] = {}
    for (district, _, unit), n in late.items():
        if district_id in (None, district):
            overdue[unit] = overdue.get(unit, 0) + n
    ids = set(open_counts) | set(overdue)
    labels = dict(db.session.execute(select(Unit.id, Unit.label).where(Unit.id.in_(ids))).tuples().all())
    rows = [UnitFigures(u, labels.get(u, str(u)), open_counts.get(u, 0), overdue.get(u, 0)) for u in ids]
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, r.label))
