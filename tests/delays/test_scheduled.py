"""Scheduled reports by tranche (/api/v1/stats/scheduled): every figure equals a
brute-force SQL computation over the same rows, at a moment whose UTC and Paris
dates differ (and on a DST change day)."""

import csv
import io
import random
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from dansmarue.models import Category, Unit, db, utcnow
from dansmarue.sla.clock import local_day
from dansmarue.stats import scheduled as scheduled_stats

from .conftest import move, paris
from .test_api import people  # noqa: F401  (fixture)

# 00:30 in Paris on the spring-forward day, still 28 March in UTC.
NOW = paris(2026, 3, 29, 0, 30)
# Around every tranche boundary, plus far away and undated.
OFFSETS = [-40, -11, -10, -9, -1, 0, 1, 2, 3, 7, 8, 9, 30, None]

BRUTE = """
SELECT {column} AS key,
       CASE WHEN scheduled_for IS NULL THEN 'undated'
            WHEN scheduled_for - t.today < -10 THEN 'late_gt_10d'
            WHEN scheduled_for - t.today < 0 THEN 'late_10d'
            WHEN scheduled_for - t.today < 2 THEN 'due_48h'
            WHEN scheduled_for - t.today < 8 THEN 'due_8d'
            ELSE 'later' END AS tranche,
       count(*)
FROM report,
     (SELECT (CAST(:now AS timestamptz) AT TIME ZONE 'Europe/Paris')::date AS today) t
WHERE state IN ('scheduled', 'contractor_scheduled') {scope}
GROUP BY 1, 2"""


@pytest.fixture
def scheduled(session, make_report):
    """Reports in every district, some scheduled (states 9 and 21) at every offset,
    others open or closed with a stale scheduled day (which must not count)."""
    rng = random.Random(20260329)
    points = db.session.execute(
        text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geom) p FROM district) d "
            "ORDER BY id"
        )
    ).all()
    leaves = db.session.scalars(
        select(Category)
        .where(Category.is_leaf.is_(True), Category.out_of_scope.is_(False))
        .order_by(Category.id)
    ).all()
    today = local_day(NOW)
    made = []
    for i in range(70):
        lon, lat = points[i % len(points)]
        report = make_report(rng.choice(leaves), lon=lon, lat=lat)
        offset = OFFSETS[i % len(OFFSETS)]
        report.scheduled_for = None if offset is None else today + timedelta(days=offset)
        if i % 5 == 4:
            move(report, "done")  # a closed report keeps its old date: not counted
        elif i % 5 != 3:
            move(report, "scheduled" if i % 2 else "contractor_scheduled")
        made.append(report)
    db.session.flush()
    return made


def brute(by: str, directions=None, now=NOW) -> dict:
    column = scheduled_stats._KEY[by]
    scope = "" if directions is None else "AND direction_id = ANY(:dirs)"
    result: dict = {}
    for key, tranche, n in db.session.execute(
        text(BRUTE.format(column=column, scope=scope)), {"now": now, "dirs": directions}
    ):
        entry = result.setdefault(key, dict.fromkeys(("total", *scheduled_stats.TRANCHES), 0))
        entry[tranche] += n
        entry["total"] += n
    return result


def figures(rows: list[dict]) -> dict:
    return {r["key"]: {k: r[k] for k in ("total", *scheduled_stats.TRANCHES)} for r in rows}


@pytest.mark.parametrize("by", scheduled_stats.BY)
def test_tranches_equal_brute_force(scheduled, by):
    got = figures(scheduled_stats.tranches(by, now=NOW))
    assert got == brute(by)
    whole = {t: sum(v[t] for v in got.values()) for t in scheduled_stats.TRANCHES}
    assert all(whole.values()), whole  # the data set reaches every tranche
    assert sum(v["total"] for v in got.values()) >= 42


def test_tranche_boundaries(scheduled):
    """Per offset: today/tomorrow due within 48 h, 2-7 days within 8 days, late 1-10
    days, then beyond; a day later every report moves along."""

    def tranche_of(offset, now):
        report = next(
            r
            for i, r in enumerate(scheduled)
            if OFFSETS[i % len(OFFSETS)] == offset and r.state != "done" and r.state in scheduled_stats.STATES
        )
        return [
            t
            for t, n in figures(scheduled_stats.tranches("district", [report.direction_id], now=now))[
                report.district_id
            ].items()
            if n and t != "total"
        ]

    expected = {
        -11: "late_gt_10d",
        -10: "late_10d",
        -1: "late_10d",
        0: "due_48h",
        1: "due_48h",
        2: "due_8d",
        7: "due_8d",
        8: "later",
    }
    for offset, tranche in expected.items():
        assert tranche in tranche_of(offset, NOW)
    tomorrow = NOW + timedelta(days=1)
    assert figures(scheduled_stats.tranches("unit", now=tomorrow)) == brute("unit", now=tomorrow)


def test_manager_scope_json_and_csv(client, people, scheduled):
    mine = db.session.get(Unit, scheduled[1].direction_id)
    other = next(d for d in people["directions"] if d.id != mine.id)
    headers = people["manager_of"](mine)
    body = client.get("/api/v1/stats/scheduled", query_string={"by": "unit"}, headers=headers).get_json()
    assert body["by"] == "unit"
    assert figures(body["items"]) == brute("unit", [mine.id], now=utcnow())
    assert {r["key"] for r in body["items"]} <= set(
        db.session.scalars(text("SELECT unit_id FROM report WHERE direction_id = :d"), {"d": mine.id})
    )
    response = client.get("/api/v1/stats/scheduled.csv", query_string={"by": "district"}, headers=headers)
    assert response.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    expected = brute("district", [mine.id], now=utcnow())
    assert {
        int(r["key"]): {k: int(r[k]) for k in ("total", *scheduled_stats.TRANCHES)} for r in rows
    } == expected
    assert all(int(r["total"]) == sum(int(r[t]) for t in scheduled_stats.TRANCHES) for r in rows)
    assert (
        client.get(
            "/api/v1/stats/scheduled", headers=headers, query_string={"direction_id": other.id}
        ).status_code
        == 403
    )


def test_admin_filter_and_bad_dimension(client, people, scheduled):
    direction = scheduled[1].direction_id
    body = client.get(
        "/api/v1/stats/scheduled",
        query_string={"by": "district", "direction_id": direction},
        headers=people["admin"],
    ).get_json()
    assert figures(body["items"]) == brute("district", [direction], now=utcnow())
    refused = client.get("/api/v1/stats/scheduled", query_string={"by": "category"}, headers=people["admin"])
    assert refused.status_code == 422
    assert "by" in {e["field"] for e in refused.get_json()["errors"]}
