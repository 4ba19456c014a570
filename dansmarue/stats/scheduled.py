"""Scheduled reports by how close their scheduled day is: the real dashboard's
table for states 9 / 21 (`SignalementDAO.addQueryTranche`, see dansmarue.md §4).

Only reports in `scheduled` or `contractor_scheduled` qualify: a few thousand
rows at most, so this reads the report table directly (index `ix_report_state`,
then `scheduled_for` compared with today's bounds) rather than a roll-up; the
tranches depend on today's date anyway, so a roll-up would shift every day.

Tranches, in Paris calendar days between today and `scheduled_for` (a date:
the work is due by the end of that day):
  due_48h      today or tomorrow (deadline within 48 h)
  due_8d       in 2 to 7 days (deadline within 8 days)
  later        8 days ahead or more
  late_10d     the scheduled day passed 1 to 10 days ago
  late_gt_10d  passed more than 10 days ago
  undated      no scheduled day (legacy rows), so the columns add up to `total`
"""

from datetime import date, datetime, timedelta

from sqlalchemy import text

from dansmarue.models import db, utcnow
from dansmarue.sla.clock import local_day
from dansmarue.stats import queries

BY = ("direction", "unit", "district")
STATES = ("scheduled", "contractor_scheduled")
TRANCHES = ("due_48h", "due_8d", "later", "late_10d", "late_gt_10d", "undated")
COLUMNS = ("key", "label", "total", *TRANCHES)
_KEY = {"direction": "direction_id", "unit": "unit_id", "district": "district_id"}


def tranches(by: str, directions: list[int] | None = None, now: datetime | None = None) -> list[dict]:
    """Scheduled reports per direction, unit or district, by tranche (exact, live)."""
    today = local_day(now or utcnow())
    scope, params = queries._scope(directions)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    params.update(
        states=list(STATES), today=today, d1=day(1), d2=day(2), d7=day(7), d8=day(8), m1=day(-1), m10=day(-10)
    )
    rows = (
        db.session.execute(
            text(f"""
        SELECT {_KEY[by]} AS key, count(*) AS total,
               count(*) FILTER (WHERE scheduled_for BETWEEN :today AND :d1) AS due_48h,
               count(*) FILTER (WHERE scheduled_for BETWEEN :d2 AND :d7) AS due_8d,
               count(*) FILTER (WHERE scheduled_for >= :d8) AS later,
               count(*) FILTER (WHERE scheduled_for BETWEEN :m10 AND :m1) AS late_10d,
               count(*) FILTER (WHERE scheduled_for < :m10) AS late_gt_10d,
               count(*) FILTER (WHERE scheduled_for IS NULL) AS undated
        FROM report WHERE state = ANY(:states) AND {scope}
        GROUP BY 1 ORDER BY 1"""),
            params,
        )
        .mappings()
        .all()
    )
    labels = queries._labels(by, [r["key"] for r in rows if r["key"] is not None])
    return [
        {
            "key": r["key"],
            "label": labels.get(r["key"]),
            **{name: int(r[name]) for name in ("total", *TRANCHES)},
        }
        for r in rows
    ]
