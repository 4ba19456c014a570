"""Manager statistics read from the roll-ups (see dansmarue/stats/rollups.py).

Every function takes `directions`: None for everything (admins) or a list of
direction ids (a manager's scope). Periods are inclusive Paris local dates.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text

from dansmarue import city
from dansmarue.models import User, db, utcnow
from dansmarue.platform import cursors
from dansmarue.sla.calendar import AGE_LIMITS
from dansmarue.sla.clock import OVERDUE_STATUSES, local_day
from dansmarue.stats import rollups
from dansmarue.stats.rollups import BUCKETS, DIM_COLUMNS, DIMS, bucket_bounds

BY = (*DIMS, "week")

_SUMS = ", ".join(f"sum({m})::bigint AS {m}" for m in rollups.MEASURES)


def _scope(directions: list[int] | None, column: str = "direction_id") -> tuple[str, dict]:
    if directions is None:
        return "TRUE", {}
    return f"{column} = ANY(:dirs)", {"dirs": list(directions)}


def _weeks(lo: date, hi: date) -> list[tuple[str, date, date]]:
    """Half-open [lo, hi) as whole ISO weeks plus the days around them."""
    w_from = lo + timedelta(days=(7 - lo.weekday()) % 7)
    w_to = hi - timedelta(days=hi.weekday())
    if w_from >= w_to:
        return [("d", lo, hi)] if lo < hi else []
    parts = [("d", lo, w_from), ("w", w_from, w_to), ("d", w_to, hi)]
    return [p for p in parts if p[1] < p[2]]


def segments(start: date, end: date) -> list[tuple[str, date, date]]:
    """Cover the inclusive local dates [start, end] with the fewest roll-up rows:
    whole months, then whole ISO weeks, then single days, as (grain, lo, hi)."""
    stop = end + timedelta(days=1)
    m_from = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    m_to = stop.replace(day=1)
    if m_from >= m_to:
        return _weeks(start, stop)
    return [*_weeks(start, m_from), ("m", m_from, m_to), *_weeks(m_to, stop)]


def _period_filter(start: date, end: date, params: dict) -> str:
    clauses = []
    for i, (grain, lo, hi) in enumerate(segments(start, end)):
        params.update({f"g{i}": grain, f"lo{i}": lo, f"hi{i}": hi})
        clauses.append(f"(grain = :g{i} AND period >= :lo{i} AND period < :hi{i})")
    return "(" + " OR ".join(clauses or ["FALSE"]) + ")"


def percentile(hist: list[int], fraction: float) -> dict | None:
    """The bucket holding the `fraction` percentile (as percentile_disc) and an estimate."""
    total = sum(hist)
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index, count in enumerate(hist):
        if count and seen + count >= rank:
            lower, upper = bucket_bounds(index)
            estimate = lower if upper is None else lower + (upper - lower) * (rank - seen) / count
            return {
                "bucket": index,
                "seconds": round(estimate),
                "lower": round(lower),
                "upper": None if upper is None else round(upper),
            }
        seen += count
    return None


def _figures(row: Mapping[Any, Any]) -> dict:
    ack_hist = [int(row[f"ah{i:02d}"]) for i in range(BUCKETS)]
    res_hist = [int(row[f"rh{i:02d}"]) for i in range(BUCKETS)]
    ack, res = int(row["acknowledged"]), int(row["resolved"])
    return {
        "created": int(row["created"]),
        "acknowledged": ack,
        "ack_on_time": int(row["ack_on_time"]),
        "ack_on_time_rate": round(int(row["ack_on_time"]) / ack, 4) if ack else None,
        "ack_mean_seconds": round(int(row["ack_seconds"]) / ack) if ack else None,
        "ack_median": percentile(ack_hist, 0.5),
        "ack_p90": percentile(ack_hist, 0.9),
        "resolved": res,
        "resolved_on_time": int(row["resolved_on_time"]),
        "on_time_rate": round(int(row["resolved_on_time"]) / res, 4) if res else None,
        "resolve_mean_seconds": round(int(row["resolve_seconds"]) / res) if res else None,
        "resolve_median": percentile(res_hist, 0.5),
        "resolve_p90": percentile(res_hist, 0.9),
    }


def breakdown(
    by: str, start: date, end: date, directions: list[int] | None = None, refresh: bool = True
) -> list[dict]:
    """Figures over [start, end] grouped by a dimension or by ISO week, plus labels."""
    if refresh:
        rollups.fold()
    scope, params = _scope(directions)
    params.update(start=start, end=end)
    if by == "week":
        sql = (
            f"SELECT date_trunc('week', period)::date AS key, {_SUMS} FROM report_stats "
            f"WHERE dim = 0 AND grain = 'd' AND period BETWEEN :start AND :end AND {scope} "
            "GROUP BY 1 ORDER BY 1"
        )
    else:
        params["dim"] = DIMS[by]
        sql = (
            f"SELECT key, {_SUMS} FROM report_stats WHERE dim = :dim AND "
            f"{_period_filter(start, end, params)} AND {scope} GROUP BY key ORDER BY key"
        )
    rows = db.session.execute(text(sql), params).mappings().all()
    labels = _labels(by, [r["key"] for r in rows])
    return [
        {"key": _key(r["key"]), "label": labels.get(r["key"]), **_figures(r)}
        for r in rows
        if r["created"] or r["acknowledged"] or r["resolved"]
    ]


def totals(start: date, end: date, directions: list[int] | None = None, refresh: bool = True) -> dict:
    """Figures over [start, end] for the whole scope."""
    if refresh:
        rollups.fold()
    scope, params = _scope(directions)
    row = (
        db.session.execute(
            text(
                f"SELECT {_SUMS} FROM report_stats WHERE dim = 0 AND "
                f"{_period_filter(start, end, params)} AND {scope}"
            ),
            params,
        )
        .mappings()
        .one()
    )
    return _figures({k: (v or 0) for k, v in row.items()})


def _key(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _labels(by: str, keys: list) -> dict:
    if by in ("direction", "unit"):
        sql = "SELECT id, label FROM unit WHERE id = ANY(:ids)"
    elif by == "district":
        sql = "SELECT id, name FROM district WHERE id = ANY(:ids)"
    elif by == "category":
        sql = "SELECT id, open_data_label FROM category WHERE id = ANY(:ids)"
    elif by == "priority":
        from dansmarue.models import PRIORITIES

        return dict(PRIORITIES)
    else:
        return {k: f"{k.isocalendar()[0]}-W{k.isocalendar()[1]:02d}" for k in keys}
    return dict(db.session.execute(text(sql), {"ids": list(keys)}).tuples().all())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of one Paris calendar day, in UTC."""
    start = datetime.combine(day, time(0), tzinfo=city.tz()).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=city.tz()).astimezone(UTC)
    return start, end


def backlog(
    by: str, directions: list[int] | None = None, now: datetime | None = None, refresh: bool = True
) -> list[dict]:
    """Open reports per key by age: < 48 h, < 10 days, >= 10 days (exact).

    Whole local days come from `open_backlog_day`, the two days that straddle
    a boundary from the report table (a few thousand rows at most), and the
    oldest bucket is the total minus the two others.
    """
    if refresh:
        rollups.fold()
    now = now or utcnow()
    dim = DIMS[by]
    t48, t10 = (now - limit for limit in AGE_LIMITS)
    d48, d10 = local_day(t48), local_day(t10)
    scope, params = _scope(directions)
    params.update(dim=dim, d48=d48, d10=d10, t48=t48, t10=t10)
    (params["a_from"], params["a_to"]), (params["b_from"], params["b_to"]) = day_bounds(d48), day_bounds(d10)
    figures: dict = {}

    def add(rows: Iterable[Sequence[Any]], *names: str) -> None:
        for row in rows:
            entry = figures.setdefault(row[0], {"total": 0, "lt_48h": 0, "lt_10d": 0})
            for name, value in zip(names, row[1:], strict=False):
                entry[name] += int(value or 0)

    add(
        db.session.execute(
            text(f"SELECT key, sum(n) FROM open_backlog_total WHERE dim = :dim AND {scope} GROUP BY key"),
            params,
        ).all(),
        "total",
    )
    add(
        db.session.execute(
            text(
                "SELECT key, sum(n) FILTER (WHERE day > :d48), "
                "sum(n) FILTER (WHERE day < :d48) FROM open_backlog_day "
                f"WHERE dim = :dim AND day > :d10 AND day <> :d48 AND {scope} GROUP BY key"
            ),
            params,
        ).all(),
        "lt_48h",
        "lt_10d",
    )
    column = DIM_COLUMNS[dim]
    add(
        db.session.execute(
            text(
                f"SELECT {column}, count(*) FILTER (WHERE created_at > :t48), "
                "count(*) FILTER (WHERE created_at <= :t48 AND created_at > :t10) FROM report "
                "WHERE closed_at IS NULL AND ((created_at >= :a_from AND created_at < :a_to) "
                f"OR (created_at >= :b_from AND created_at < :b_to)) AND {scope} GROUP BY 1"
            ),
            params,
        ).all(),
        "lt_48h",
        "lt_10d",
    )
    labels = _labels(by, list(figures))
    result = []
    for key in sorted(figures):
        entry = figures[key]
        if not entry["total"]:
            continue
        result.append(
            {
                "key": key,
                "label": labels.get(key),
                "open": entry["total"],
                "lt_48h": entry["lt_48h"],
                "lt_10d": entry["lt_10d"],
                "ge_10d": entry["total"] - entry["lt_48h"] - entry["lt_10d"],
            }
        )
    return result


def overdue(
    directions: list[int] | None = None, limit: int = 50, after: tuple[datetime, int] | None = None
) -> list[dict]:
    """Open late reports, most overdue first (keyset pagination on due_at, id)."""
    scope, params = _scope(directions, "r.direction_id")
    params["limit"] = limit
    cursor = ""
    if after is not None:
        cursor = "AND (r.due_at, r.id) > (:after_due, :after_id)"
        params.update(after_due=after[0], after_id=after[1])
    rows = (
        db.session.execute(
            text(f"""
        SELECT r.id, r.reference, r.state, r.priority, r.sla_status, r.created_at,
               r.ack_due_at, r.due_at, r.overdue_at, r.escalated_at,
               r.direction_id, r.unit_id, u.label AS unit_label, r.district_id,
               r.category_id, c.open_data_label AS category_label, r.address
        FROM report r JOIN unit u ON u.id = r.unit_id JOIN category c ON c.id = r.category_id
        WHERE r.sla_status IN {OVERDUE_STATUSES!r} AND r.closed_at IS NULL
          AND {scope} {cursor}
        ORDER BY r.due_at, r.id LIMIT :limit"""),
            params,
        )
        .mappings()
        .all()
    )
    return [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()} for row in rows]


def directions_for(user: User, direction_id: int | None = None) -> list[int] | None:
    """The directions a manager or admin may read: None means all (admins)."""
    from dansmarue.errors import Forbidden

    if user.role == "admin":
        return None if direction_id is None else [direction_id]
    if user.role == "manager" and user.direction_id is not None:
        if direction_id is not None and direction_id != user.direction_id:
            raise Forbidden("Vous ne voyez que les chiffres de votre direction.")
        return [user.direction_id]
    raise Forbidden("Réservé aux responsables de direction et aux administrateurs.")


def flat(row: dict) -> dict:
    """A breakdown row with percentiles as plain seconds (for CSV)."""
    out = {}
    for name, value in row.items():
        out[name if not isinstance(value, dict) else f"{name}_seconds"] = (
            value["seconds"] if isinstance(value, dict) else value
        )
    for name in ("ack_median", "ack_p90", "resolve_median", "resolve_p90"):
        if name in row and row[name] is None:
            out[f"{name}_seconds"] = None
            out.pop(name, None)
    return out


def make_cursor(row: dict) -> str:
    return cursors.encode("overdue", row["due_at"], row["id"])


def parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """Decode an overdue-list cursor; a malformed one is a 422 on `after`."""
    return cursors.decode(cursor, "overdue", datetime, parameter="after") if cursor else None
