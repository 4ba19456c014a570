"""Incrementally maintained roll-ups behind the manager dashboards.

Design
------
* Capture: AFTER triggers on `report` (migration 0005, `report_stats_emit`)
  append signed facts to `report_stats_delta` in the writer's transaction:
  kind 1 created (day of creation), 2 acknowledged (day of acknowledgement,
  seconds since creation, on time vs `ack_due_at`), 3 resolved (day of
  `closed_at`, seconds, on time vs `due_at`), 4 open (day of creation, while
  `closed_at` is NULL). An UPDATE that touches a relevant column emits the old
  row's facts with sign -1 and the new row's with +1, so requalification,
  reopening or a late `due_at` change stay exact. Appending never contends
  on a hot counter row, so intake is not serialised by statistics.
* Fold: `fold()` moves the deltas (DELETE … RETURNING, one statement, under
  an advisory lock) into
    - `report_stats` (dim, grain, period, direction_id, key): counts, sums
      and 48-bucket log-scale histograms (×1.35 per bucket, `sla_bucket()`)
      of time to acknowledge / resolve, for dim ∈ direction, unit, district,
      category, priority and grain ∈ local day, ISO week, month. Keeping direction_id
      in every key lets a manager's scope filter any breakdown.
    - `open_backlog_day` (open reports per creation day) and
      `open_backlog_total` (open reports per key).
  The sweep folds every minute and every dashboard read folds first, so the
  figures are live; a fold of a few hundred deltas takes a millisecond.
* Read: a period [from, to] is covered by whole months, then whole weeks,
  then at most 12 days (`stats.segments`): ~30 rows per key for a year, so a query
  reads O(keys × (months + 60)) roll-up rows
  whatever the number of reports. Medians and p90 come from the summed
  histograms (bucket found exactly, value interpolated inside it).
* Rebuild: `rebuild()` recomputes everything from `report` in one pass (bulk
  loads disable the trigger, then rebuild).
"""

from sqlalchemy import text

from dansmarue.models import db

BUCKETS = 48
RATIO = 1.35
DIMS = {"direction": 0, "unit": 1, "district": 2, "category": 3, "priority": 4}
DIM_COLUMNS = {0: "direction_id", 1: "unit_id", 2: "district_id", 3: "category_id", 4: "priority"}
HIST = [f"ah{i:02d}" for i in range(BUCKETS)] + [f"rh{i:02d}" for i in range(BUCKETS)]
MEASURES = [
    "created",
    "acknowledged",
    "ack_on_time",
    "ack_seconds",
    "resolved",
    "resolved_on_time",
    "resolve_seconds",
    *HIST,
]
FOLD_LOCK = 734_005  # advisory lock key: one fold at a time


def bucket_bounds(index: int) -> tuple[float, float | None]:
    """[lower, upper) seconds of a histogram bucket (upper None: open-ended)."""
    lower = 0.0 if index == 0 else 60.0 * RATIO ** (index - 1)
    upper = None if index == BUCKETS - 1 else 60.0 * RATIO**index
    return lower, upper


def _measure_exprs(src: str = "f") -> str:
    n, secs, kind, b = f"{src}.n", f"{src}.secs", f"{src}.kind", f"{src}.b"
    parts = [
        f"sum({n}) FILTER (WHERE {kind} = 1)",
        f"sum({n}) FILTER (WHERE {kind} = 2)",
        f"sum({n}) FILTER (WHERE {kind} = 2 AND {src}.on_time)",
        f"sum({secs}) FILTER (WHERE {kind} = 2)",
        f"sum({n}) FILTER (WHERE {kind} = 3)",
        f"sum({n}) FILTER (WHERE {kind} = 3 AND {src}.on_time)",
        f"sum({secs}) FILTER (WHERE {kind} = 3)",
    ]
    parts += [f"sum({n}) FILTER (WHERE {kind} = 2 AND {b} = {i})" for i in range(BUCKETS)]
    parts += [f"sum({n}) FILTER (WHERE {kind} = 3 AND {b} = {i})" for i in range(BUCKETS)]
    return ",\n".join(f"coalesce({p}, 0)" for p in parts)


# The period a local day falls in, for each grain (ISO weeks start on Monday).
PERIOD = (
    "CASE g.grain WHEN 'd' THEN {day} WHEN 'w' THEN date_trunc('week', {day})::date "
    "ELSE date_trunc('month', {day})::date END"
)


def _weighted(facts: str) -> str:
    """Raw signed facts as weighted rows: n = signed count, secs = signed seconds."""
    return f"""(SELECT kind, day, direction_id, unit_id, district_id, category_id, priority,
                      on_time, sla_bucket(seconds) AS b, sign AS n, sign * seconds AS secs
               FROM {facts} raw)"""


def _fan_out(weighted: str) -> str:
    """Each weighted fact × 5 dimensions × 3 grains (day, ISO week, month)."""
    return f"""
      SELECT v.dim, g.grain, {PERIOD.format(day="x.day")} AS period,
             x.direction_id, v.key, x.kind, x.n, x.secs, x.on_time, x.b
      FROM {weighted} x
      CROSS JOIN (VALUES ('d'), ('w'), ('m')) AS g(grain)
      CROSS JOIN LATERAL (VALUES (0, x.direction_id), (1, x.unit_id), (2, x.district_id),
                                 (3, x.category_id), (4, x.priority::int)) AS v(dim, key)
      WHERE x.kind IN (1, 2, 3)"""


def _upsert_stats(source: str) -> str:
    cols = ", ".join(MEASURES)
    updates = ", ".join(f"{m} = report_stats.{m} + EXCLUDED.{m}" for m in MEASURES)
    return f"""
      INSERT INTO report_stats (dim, grain, period, direction_id, key, {cols})
      SELECT f.dim, f.grain, f.period, f.direction_id, f.key, {_measure_exprs()}
      FROM ({source}) f
      GROUP BY f.dim, f.grain, f.period, f.direction_id, f.key
      ON CONFLICT (dim, grain, period, direction_id, key) DO UPDATE SET {updates}"""


def _open_rows(weighted: str) -> str:
    return f"""
      SELECT v.dim, x.day, x.direction_id, v.key, sum(x.n)::int AS n
      FROM {weighted} x
      CROSS JOIN LATERAL (VALUES (0, x.direction_id), (1, x.unit_id), (2, x.district_id),
                                 (3, x.category_id), (4, x.priority::int)) AS v(dim, key)
      WHERE x.kind = 4
      GROUP BY v.dim, x.day, x.direction_id, v.key"""


FOLD_SQL = f"""
WITH d AS (DELETE FROM report_stats_delta RETURNING *),
stats AS ({_upsert_stats(_fan_out(_weighted("d")))} RETURNING 1),
open_rows AS ({_open_rows(_weighted("d"))}),
days AS (
  INSERT INTO open_backlog_day AS o (dim, day, direction_id, key, n)
  SELECT dim, day, direction_id, key, n FROM open_rows
  ON CONFLICT (dim, day, direction_id, key) DO UPDATE SET n = o.n + EXCLUDED.n
  RETURNING 1),
totals AS (
  INSERT INTO open_backlog_total AS t (dim, direction_id, key, n)
  SELECT dim, direction_id, key, sum(n) FROM open_rows GROUP BY dim, direction_id, key
  ON CONFLICT (dim, direction_id, key) DO UPDATE SET n = t.n + EXCLUDED.n
  RETURNING 1)
SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM stats)
"""

# Facts of every report, as the trigger would emit them (for rebuilds and tests).
ALL_FACTS = """(
  SELECT f.kind, 1 AS sign, f.day, r.direction_id, r.unit_id, r.district_id,
         r.category_id, r.priority, f.seconds, f.on_time
  FROM report r
  CROSS JOIN LATERAL (VALUES
    (1, sla_day(r.created_at), NULL::bigint, NULL::boolean, true),
    (2, sla_day(r.acknowledged_at),
        greatest(0, extract(epoch FROM r.acknowledged_at - r.created_at))::bigint,
        r.ack_due_at IS NULL OR r.acknowledged_at <= r.ack_due_at, r.acknowledged_at IS NOT NULL),
    (3, sla_day(r.closed_at),
        greatest(0, extract(epoch FROM r.closed_at - r.created_at))::bigint,
        r.due_at IS NULL OR r.closed_at <= r.due_at, r.closed_at IS NOT NULL),
    (4, sla_day(r.created_at), NULL::bigint, NULL::boolean, r.closed_at IS NULL)
  ) AS f(kind, day, seconds, on_time, applies)
  WHERE f.applies)"""


def fold(wait: bool = False) -> int:
    """Fold pending deltas into the roll-ups; returns how many were folded.

    Another fold in progress makes this one a no-op unless `wait`.
    """
    # The fold statement is large to plan: skip it when there is nothing to fold.
    if not db.session.execute(text("SELECT EXISTS (SELECT 1 FROM report_stats_delta)")).scalar():
        return 0
    lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    got = db.session.execute(text(f"SELECT {lock}(:k)"), {"k": FOLD_LOCK}).scalar()
    if got is False:
        return 0
    return db.session.execute(text(FOLD_SQL)).scalar_one()


def rebuild() -> None:
    """Recompute all roll-ups from the report table (after a bulk load).

    Staged to stay cheap at 10 M reports: facts grouped at the finest key
    (with their histogram bucket), then narrowed per dimension and day, and
    only then pivoted into the wide rows (the pivot's cost is per input row).
    Scratch tables are unlogged, not temporary, so PostgreSQL can build them
    with parallel workers.
    """
    db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FOLD_LOCK})
    db.session.execute(
        text("TRUNCATE report_stats, open_backlog_day, open_backlog_total, report_stats_delta")
    )
    db.session.execute(text("DROP TABLE IF EXISTS rollup_fine_scratch, rollup_narrow_scratch"))
    db.session.execute(
        text(f"""
        CREATE UNLOGGED TABLE rollup_fine_scratch AS
        SELECT kind, day, direction_id, unit_id, district_id, category_id, priority, on_time,
               sla_bucket(seconds) AS b, count(*)::bigint AS n, sum(seconds)::bigint AS secs
        FROM {ALL_FACTS} a
        GROUP BY kind, day, direction_id, unit_id, district_id, category_id, priority,
                 on_time, sla_bucket(seconds)""")
    )
    db.session.execute(
        text("""
        CREATE UNLOGGED TABLE rollup_narrow_scratch AS
        SELECT v.dim, x.day, x.direction_id, v.key, x.kind, x.on_time, x.b,
               sum(x.n)::bigint AS n, sum(x.secs)::bigint AS secs
        FROM rollup_fine_scratch x
        CROSS JOIN LATERAL (VALUES (0, x.direction_id), (1, x.unit_id), (2, x.district_id),
                                   (3, x.category_id), (4, x.priority::int)) AS v(dim, key)
        WHERE x.kind IN (1, 2, 3)
        GROUP BY 1, 2, 3, 4, 5, 6, 7""")
    )
    db.session.execute(
        text(
            _upsert_stats(f"""
        SELECT dim, 'd' AS grain, day AS period, direction_id, key, kind, n, secs, on_time, b
        FROM rollup_narrow_scratch
        UNION ALL
        SELECT dim, g.grain, {PERIOD.format(day="day")}, direction_id, key, kind,
               sum(n), sum(secs), on_time, b
        FROM rollup_narrow_scratch CROSS JOIN (VALUES ('w'), ('m')) AS g(grain)
        GROUP BY 1, 2, 3, 4, 5, 6, 9, 10""")
        )
    )
    db.session.execute(
        text(f"""
        INSERT INTO open_backlog_day (dim, day, direction_id, key, n)
        SELECT dim, day, direction_id, key, n FROM ({_open_rows("rollup_fine_scratch")}) o""")
    )
    db.session.execute(
        text("""
        INSERT INTO open_backlog_total (dim, direction_id, key, n)
        SELECT dim, direction_id, key, sum(n) FROM open_backlog_day
        GROUP BY dim, direction_id, key""")
    )
    db.session.execute(text("DROP TABLE rollup_fine_scratch, rollup_narrow_scratch"))
