"""Every dashboard figure equals a brute-force SQL computation over the same rows.

Reports are created through intake (real routing), then their timestamps are
rewritten, so the roll-ups are fed by the triggers' UPDATE path as well.
"""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from dansmarue.models import Category, db
from dansmarue.stats import queries, rollups
from dansmarue.stats.rollups import DIM_COLUMNS, DIMS

from .conftest import paris

NOW = paris(2026, 6, 20, 12, 0)
LOCAL = "(({col}) AT TIME ZONE 'Europe/Paris')::date"
PERIODS = [
    (date(2026, 1, 1), date(2026, 6, 30)),
    (date(2026, 1, 15), date(2026, 4, 10)),
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 6, 10), date(2026, 6, 10)),
    (date(2026, 2, 27), date(2026, 5, 2)),
]


@pytest.fixture
def dataset(session, make_report):
    """~90 reports in every district with varied categories, delays and states."""
    rng = random.Random(20260620)
    points = db.session.execute(
        text(
            "SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geom) p FROM district) d "
            "ORDER BY id"
        )
    ).all()
    leaves = db.session.scalars(
        select(Category)
        .where(Category.is_leaf.is_(True), Category.out_of_scope.is_(False))
        .order_by(Category.id)
    ).all()
    reports = []
    for i in range(90):
        _, lon, lat = points[i % len(points)]
        report = make_report(rng.choice(leaves), priority=rng.choice((1, 2, 2, 3)), lon=lon, lat=lat)
        created = NOW - timedelta(seconds=rng.randint(0, 170 * 86400))
        if i % 6 == 0:  # crowd the last two weeks, and both backlog boundaries
            created = NOW - timedelta(seconds=rng.randint(0, 14 * 86400))
        report.created_at = created
        report.ack_due_at = created + timedelta(hours=rng.choice((4, 24, 72)))
        report.due_at = created + timedelta(hours=rng.choice((24, 48, 240)))
        if rng.random() < 0.75:
            report.acknowledged_at = created + timedelta(seconds=rng.randint(0, 5 * 86400))
            if rng.random() < 0.7:
                report.closed_at = report.acknowledged_at + timedelta(
                    seconds=int(rng.expovariate(1 / (4 * 86400)))
                )
                report.state = "done"
        reports.append(report)
    db.session.flush()
    # Requalify a few afterwards: the trigger must move their figures.
    for report in reports[:5]:
        report.category_id = leaves[0].id
        report.priority = 3
    db.session.flush()
    return reports


def _brute_breakdown(by: str, start: date, end: date, directions=None) -> dict:
    key = (
        "date_trunc('week', " + LOCAL.format(col="created_at") + ")::date"
        if by == "week"
        else DIM_COLUMNS[DIMS[by]]
    )
    scope = "" if directions is None else "AND direction_id = ANY(:dirs)"
    params = {"s": start, "e": end, "dirs": directions}
    result: dict = {}
    created = db.session.execute(
        text(
            f"SELECT {key}, count(*) FROM report WHERE {LOCAL.format(col='created_at')} "
            f"BETWEEN :s AND :e {scope} GROUP BY 1"
        ),
        params,
    ).all()
    for k, n in created:
        result.setdefault(k, {})["created"] = n
    for kind, at, due in (("ack", "acknowledged_at", "ack_due_at"), ("resolve", "closed_at", "due_at")):
        k_expr = key.replace("created_at", at)
        seconds = f"greatest(0, extract(epoch FROM {at} - created_at))::bigint"
        rows = db.session.execute(
            text(f"""
            SELECT {k_expr}, count(*), count(*) FILTER (WHERE {due} IS NULL OR {at} <= {due}),
                   sum({seconds}),
                   sla_bucket(percentile_disc(0.5) WITHIN GROUP (ORDER BY {seconds})),
                   sla_bucket(percentile_disc(0.9) WITHIN GROUP (ORDER BY {seconds}))
            FROM report WHERE {at} IS NOT NULL AND {LOCAL.format(col=at)} BETWEEN :s AND :e
            {scope} GROUP BY 1"""),
            params,
        ).all()
        for k, n, on_time, total, p50, p90 in rows:
            result.setdefault(k, {}).update(
                {
                    f"{kind}_n": n,
                    f"{kind}_on_time": on_time,
                    f"{kind}_mean": round(total / n),
                    f"{kind}_p50": p50,
                    f"{kind}_p90": p90,
                }
            )
    return result


def _compare(rows: list[dict], brute: dict, by: str) -> None:
    got = {(date.fromisoformat(r["key"]) if by == "week" else r["key"]): r for r in rows}
    nonzero = {k: v for k, v in got.items() if v["created"] or v["acknowledged"] or v["resolved"]}
    assert set(nonzero) == set(brute)
    for k, expected in brute.items():
        row = got[k]
        assert row["created"] == expected.get("created", 0)
        assert row["acknowledged"] == expected.get("ack_n", 0)
        assert row["resolved"] == expected.get("resolve_n", 0)
        if expected.get("ack_n"):
            assert row["ack_on_time"] == expected["ack_on_time"]
            assert row["ack_mean_seconds"] == expected["ack_mean"]
            assert row["ack_median"]["bucket"] == expected["ack_p50"]
            assert row["ack_p90"]["bucket"] == expected["ack_p90"]
        if expected.get("resolve_n"):
            assert row["resolved_on_time"] == expected["resolve_on_time"]
            assert row["on_time_rate"] == round(expected["resolve_on_time"] / expected["resolve_n"], 4)
            assert row["resolve_mean_seconds"] == expected["resolve_mean"]
            assert row["resolve_median"]["bucket"] == expected["resolve_p50"]
            assert row["resolve_p90"]["bucket"] == expected["resolve_p90"]


@pytest.mark.parametrize("by", queries.BY)
def test_breakdowns_equal_brute_force(dataset, by):
    for start, end in PERIODS:
        _compare(queries.breakdown(by, start, end), _brute_breakdown(by, start, end), by)


def test_scoped_breakdown_and_totals(dataset):
    direction = dataset[0].direction_id
    start, end = PERIODS[1]
    _compare(
        queries.breakdown("district", start, end, [direction]),
        _brute_breakdown("district", start, end, [direction]),
        "district",
    )
    whole = _brute_breakdown("direction", start, end)
    totals = queries.totals(start, end)
    assert totals["created"] == sum(v.get("created", 0) for v in whole.values())
    assert totals["resolved"] == sum(v.get("resolve_n", 0) for v in whole.values())


@pytest.mark.parametrize("by", list(DIMS))
def test_backlog_by_age_equals_brute_force(dataset, by):
    column = DIM_COLUMNS[DIMS[by]]
    brute = {
        k: (lt48, lt10, ge10)
        for k, lt48, lt10, ge10 in db.session.execute(
            text(f"""
        SELECT {column}, count(*) FILTER (WHERE created_at > :now - interval '48 hours'),
               count(*) FILTER (WHERE created_at <= :now - interval '48 hours'
                                  AND created_at > :now - interval '10 days'),
               count(*) FILTER (WHERE created_at <= :now - interval '10 days')
        FROM report WHERE closed_at IS NULL GROUP BY 1"""),
            {"now": NOW},
        )
    }
    got = {r["key"]: (r["lt_48h"], r["lt_10d"], r["ge_10d"]) for r in queries.backlog(by, now=NOW)}
    assert got == brute
    assert sum(sum(v) for v in got.values()) > 10


def test_roll_ups_survive_a_rebuild_and_deletes(dataset):
    start, end = PERIODS[0]
    before = queries.breakdown("category", start, end)
    rollups.rebuild()
    assert queries.breakdown("category", start, end, refresh=False) == before
    db.session.execute(text("DELETE FROM report WHERE id = :id"), {"id": dataset[-1].id})
    _compare(queries.breakdown("category", start, end), _brute_breakdown("category", start, end), "category")


def test_overdue_list_matches_and_pages(dataset):
    for report in dataset[:20]:
        report.sla_status = "overdue" if report.id % 2 else "escalated"
    db.session.flush()
    expected = list(
        db.session.scalars(
            text(
                "SELECT id FROM report WHERE sla_status IN ('overdue', 'escalated') "
                "AND closed_at IS NULL ORDER BY due_at, id"
            )
        )
    )
    first = queries.overdue(limit=3)
    rest = queries.overdue(limit=500, after=queries.parse_cursor(queries.make_cursor(first[-1])))
    assert [r["id"] for r in first + rest] == expected


def test_percentile_interpolates_inside_the_bucket():
    hist = [0] * rollups.BUCKETS
    hist[10] = 4
    p = queries.percentile(hist, 0.5)
    assert p["bucket"] == 10 and p["lower"] <= p["seconds"] <= p["upper"]
    assert queries.percentile([0] * rollups.BUCKETS, 0.5) is None


@pytest.mark.parametrize(
    "start,end", [*PERIODS, (date(2026, 2, 2), date(2026, 3, 1)), (date(2025, 12, 29), date(2027, 1, 3))]
)
def test_segments_cover_each_day_once(start, end):
    covered = []
    for grain, lo, hi in queries.segments(start, end):
        if grain == "w":
            assert lo.weekday() == 0 and hi.weekday() == 0
        if grain == "m":
            assert lo.day == 1 and hi.day == 1
        covered += [lo + timedelta(days=i) for i in range((hi - lo).days)]
    assert covered == [start + timedelta(days=i) for i in range((end - start).days + 1)]
    assert sum(1 for g, _, _ in queries.segments(start, end) if g == "d") <= 12
