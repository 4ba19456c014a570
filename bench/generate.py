"""Synthesise N reports following the real data's distribution, by bulk COPY.

    .venv/bin/python bench/generate.py --reports 10000000 [--open 1000000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_bench_sla]

The database is created if missing, migrated (`upgrade heads`) and loaded
with the reference data, then emptied of reports and filled:
* category, district, channel: drawn jointly from the real sample
  (data/dans_ma_rue_2023-08_2024-09_sample10k_a.csv), positions are the
  sample's points jittered by ~50 m;
* creation times: the real rate (~2,700/day) backwards from now, so N
  reports span N / 2,700 days, with fewer reports at weekends;
* delays: acknowledgement log-normal (median 5 h), resolution log-normal
  (median 2.5 days, p90 ~ 20 days); `--open` reports stay open (most recent
  first, the rest stale), giving the sweep its open population;
* due dates from each category's targets (business days approximated as
  1.4 calendar days: the exact calendar is for live reports, not for bulk
  fixtures), SLA status as the sweep would have left it at generation time.
Triggers are disabled and secondary indexes dropped during COPY (rebuilt
after), then every roll-up is rebuilt in one pass (`overdue.rebuild_all`).
"""

import argparse
import csv
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import psycopg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_bench_sla"
SAMPLE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "data",
    "dans_ma_rue_2023-08_2024-09_sample10k_a.csv",
)
PER_DAY = 2700
CHUNK = 500_000
OPEN_STATES = np.array(
    [
        "new",
        "to_process",
        "to_process",
        "field_todo",
        "office_todo",
        "scheduled",
        "under_watch",
        "transferred",
        "contractor_scheduled",
    ]
)
COLUMNS = (
    "id",
    "reference",
    "token",
    "state",
    "category_id",
    "priority",
    "geom",
    "origin",
    "district_id",
    "direction_id",
    "unit_id",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "closed_at",
    "ack_due_at",
    "due_at",
    "due_soon_at",
    "escalate_at",
    "sla_status",
    "sla_ack_late",
    "overdue_at",
    "escalated_at",
    "followers_count",
    "congratulations_count",
    "version",
    "address",
)


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def prepare(url: str):
    """Create, migrate and load the bench database; return the Flask app."""
    base, name = plain_url(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    from flask_migrate import upgrade
    from sqlalchemy import text

    from dansmarue import create_app
    from dansmarue.models import db
    from dansmarue.refdata import loader

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_AUTO_RELAY": False})
    with app.app_context():
        upgrade(revision="heads")
        if db.session.execute(text("SELECT count(*) FROM sla_target")).scalar() == 0:
            loader.load_all()
    return app


def reference_tables(conn):
    cats = {
        label: (cid, unit, prio)
        for cid, label, unit, prio in conn.execute(
            "SELECT id, open_data_label, unit_id, default_priority FROM category WHERE is_leaf"
        )
    }
    parents = dict(conn.execute("SELECT id, parent_id FROM unit").fetchall())

    def root(unit):
        while parents.get(unit):
            unit = parents[unit]
        return unit

    targets = {}
    for cid, prio, ack, ack_unit, res, res_unit in conn.execute(
        "SELECT category_id, priority, ack_amount, ack_unit, resolve_amount, resolve_unit " "FROM sla_target"
    ):

        def hours(amount, unit):
            return float(amount) * (1.4 * 24 if unit == "business_days" else 1)

        targets[(cid, prio)] = (hours(ack, ack_unit), hours(res, res_unit))
    return cats, root, targets


def sample_rows(cats):
    rows = []
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            cat = cats.get(f"{r['type']}:{r['soustype']}")
            if cat is None:
                continue
            point = r["geo_point_2d"].strip("{}").replace("'", "").split(",")
            lon = float(point[0].split(":")[1])
            lat = float(point[1].split(":")[1])
            rows.append(
                (cat[0], cat[1], cat[2], int(r["arrondissement"]), r["id_dmr"][0], lon, lat, r["adresse"])
            )
    return rows


def generate_chunk(rng, start_id, n, total, n_open, sample, root, targets, now):
    idx = rng.integers(0, len(sample), n)
    pick = [sample[i] for i in idx]
    cat = np.array([p[0] for p in pick])
    unit = np.array([p[1] for p in pick])
    default_prio = np.array([p[2] for p in pick])
    district = np.array([p[3] for p in pick])
    origin = np.array([p[4] for p in pick])
    lon = np.array([p[5] for p in pick]) + rng.normal(0, 0.0007, n)
    lat = np.array([p[6] for p in pick]) + rng.normal(0, 0.00045, n)
    ids = np.arange(start_id, start_id + n)
    # Position from the newest (id = total) backwards: age in seconds.
    age = (total - ids) / PER_DAY * 86400 + rng.uniform(0, 86400 / PER_DAY * 50, n)
    created = now - age
    prio = np.where(default_prio == 1, 1, rng.choice([2, 2, 2, 2, 3, 1], n))
    ack_delay = rng.lognormal(np.log(5 * 3600), 1.3, n)
    res_delay = ack_delay + rng.lognormal(np.log(2.5 * 86400), 1.5, n)
    # The n_open newest-or-stale reports stay open: the newest 20 % of them,
    # the rest spread over the whole history (forgotten tickets).
    is_open = (total - ids) < n_open * 0.2
    stale_rate = n_open * 0.8 / max(total - n_open * 0.2, 1)
    is_open |= rng.random(n) < stale_rate
    acked = ~is_open | (rng.random(n) < 0.6)
    acked &= created + ack_delay < now
    ack_at = np.where(acked, created + ack_delay, np.nan)
    closed_at = np.where(~is_open, np.minimum(created + res_delay, now - 1), np.nan)
    ack_h = np.empty(n)
    res_h = np.empty(n)
    for i in range(n):
        t = targets.get((cat[i], prio[i])) or targets.get((cat[i], None)) or (24.0, 240.0)
        ack_h[i], res_h[i] = t
    ack_due = created + ack_h * 3600
    due = created + res_h * 3600
    due_soon = created + res_h * 3600 * 0.8
    escalate = due + np.maximum(res_h * 3600 * 0.5, 3600)
    status = np.where(
        escalate <= now,
        "escalated",
        np.where(due <= now, "overdue", np.where(due_soon <= now, "due_soon", "none")),
    )
    status = np.where(is_open, status, np.where(closed_at > due, "overdue", "none"))
    ack_late = np.isnan(ack_at) & (ack_due <= now) & is_open
    state = np.where(is_open, rng.choice(OPEN_STATES, n), np.where(rng.random(n) < 0.9, "done", "rejected"))
    direction = np.array([root(u) for u in unit])
    late = np.isin(status, ["overdue", "escalated"]) & is_open
    cols = [
        ts(created),
        ts(ack_at),
        ts(closed_at),
        ts(ack_due),
        ts(due),
        ts(due_soon),
        ts(escalate),
        ts(np.where(late, due, np.nan)),
        ts(np.where((status == "escalated") & is_open, escalate, np.nan)),
    ]
    years = ts(created)
    lines = []
    for i in range(n):
        c_at, a_at, cl_at, a_due, d_at, ds_at, esc, ov_at, esc_at = (c[i] for c in cols)
        address = pick[i][7].replace("\t", " ").replace("\\", " ")
        lines.append(
            "\t".join(
                (
                    str(ids[i]),
                    f"{origin[i]}{years[i][:4]}B{ids[i]:08d}",
                    f"{ids[i]:032x}",
                    str(state[i]),
                    str(cat[i]),
                    str(prio[i]),
                    f"SRID=4326;POINT({lon[i]:.7f} {lat[i]:.7f})",
                    origin[i],
                    str(district[i]),
                    str(direction[i]),
                    str(unit[i]),
                    c_at,
                    c_at,
                    a_at,
                    cl_at,
                    a_due,
                    d_at,
                    ds_at,
                    esc,
                    str(status[i]),
                    "t" if ack_late[i] else "f",
                    ov_at,
                    esc_at,
                    "0",
                    "0",
                    "1",
                    address,
                )
            )
        )
    return "\n".join(lines) + "\n"


def ts(values):
    """Epoch seconds (NaN = NULL) as COPY text timestamps in UTC."""
    text = np.char.add(np.datetime_as_string(np.nan_to_num(values).astype("datetime64[s]"), unit="s"), "+00")
    return np.where(np.isnan(values), "\\N", text).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--rebuild-only", action="store_true", help="keep the reports, only rebuild the roll-ups"
    )
    args = parser.parse_args()
    n_open = min(args.open, args.reports)
    started = time.perf_counter()
    app = prepare(args.database_url)
    if args.rebuild_only:
        return finish(app, args.database_url, started)
    with psycopg.connect(plain_url(args.database_url)) as conn:
        cats, root, targets = reference_tables(conn)
        sample = sample_rows(cats)
        conn.execute("TRUNCATE report CASCADE")
        conn.execute("TRUNCATE report_stats, open_backlog_day, open_backlog_total, report_stats_delta")
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'report' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'report'::regclass)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        # No triggers during the load, not even foreign-key checks: the rows
        # reference ids read from the same database, and roll-ups are rebuilt.
        conn.execute("SET session_replication_role = replica")
        rng = np.random.default_rng(args.seed)
        now = time.time()
        copy_sql = f"COPY report ({', '.join(COLUMNS)}) FROM STDIN"
        starts = list(range(1, args.reports + 1, CHUNK))

        def make(start):
            n = min(CHUNK, args.reports - start + 1)
            return generate_chunk(rng, start, n, args.reports, n_open, sample, root, targets, now)

        # The next chunk is built while the current one is sent (COPY releases the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(make, starts[0])
            for position, start in enumerate(starts):
                data = pending.result()
                if position + 1 < len(starts):
                    pending = pool.submit(make, starts[position + 1])
                with conn.cursor().copy(copy_sql) as copy:
                    copy.write(data)
                conn.commit()
                done = min(start + CHUNK - 1, args.reports)
                print(f"  {done:,} rows  {time.perf_counter() - started:.0f} s", flush=True)
        conn.execute("SET session_replication_role = origin")
        conn.execute("SELECT setval(pg_get_serial_sequence('report', 'id'), %s)", (args.reports,))
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.commit()
        for _name, definition in indexes:
            conn.execute(definition)
            conn.commit()
        print(f"indexes rebuilt  {time.perf_counter() - started:.0f} s", flush=True)
    finish(app, args.database_url, started)


def finish(app, url: str, started: float) -> None:
    """Statistics for the planner, then the roll-ups in one pass."""
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE report")
    from dansmarue.models import db
    from dansmarue.stats import overdue

    with app.app_context():
        overdue.rebuild_all()  # statistics and late counts: every roll-up the dashboard reads
        db.session.commit()
    print(f"roll-ups rebuilt  {time.perf_counter() - started:.0f} s", flush=True)
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("CLUSTER report_stats USING report_stats_pkey")
        conn.execute("VACUUM ANALYZE report_stats")
        conn.execute("VACUUM ANALYZE open_backlog_day")
        counts = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE closed_at IS NULL) FROM report"
        ).fetchone()
        stats_rows = conn.execute("SELECT count(*) FROM report_stats").fetchone()[0]
    print(
        f"done: {counts[0]:,} reports, {counts[1]:,} open, {stats_rows:,} roll-up rows, "
        f"{time.perf_counter() - started:.0f} s total",
        flush=True,
    )


if __name__ == "__main__":
    main()
