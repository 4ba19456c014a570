"""Render time of the managers' dashboard page on a database of ~1 million reports.

Run: ``python bench/bench_dashboard.py [--reports 1000000] [--runs 30]``.

Uses the bench database of the Delays benchmark (``BENCH_DATABASE_URL``,
default ``dansmarue_bench_sla``, the one bench/generate.py fills), generating it
with ``bench/generate.py`` when it
holds fewer reports than asked. Measures, through the real Flask app (routing,
session, SQL, Jinja, SVG), the full ``GET /dashboard`` for a manager and for
an admin with and without filters, and the CSV export, against a baseline
that computes the same figures by scanning the report table (what a naive
dashboard does). Prints p50/p95 and appends a dated section to bench/RESULTS.md
(not with ``--no-record``). Target: page < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the repo importable

from sqlalchemy import func, select, text  # noqa: E402

from bench.common import append_results, ensure_data  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_bench_sla"
TARGET_MS = 300
MANAGER = "bench.responsable@paris.example"
ADMIN = "bench.admin@paris.example"
PASSWORD = "bench-tableau-de-bord"

# The page's figures computed the naive way: full scans of `report`.
BASELINE_SQL = {
    "map (open / overdue per district)": """
        SELECT district_id, count(*),
               count(*) FILTER (WHERE due_at < now())
        FROM report WHERE closed_at IS NULL {scope} GROUP BY 1""",
    "backlog by age per direction": """
        SELECT direction_id,
               count(*) FILTER (WHERE created_at > now() - interval '48 hours'),
               count(*) FILTER (WHERE created_at <= now() - interval '48 hours'
                                AND created_at > now() - interval '10 days'),
               count(*) FILTER (WHERE created_at <= now() - interval '10 days')
        FROM report WHERE closed_at IS NULL {scope} GROUP BY 1""",
    "weekly on-time, median, p90 (12 weeks)": """
        SELECT date_trunc('week', closed_at), count(*),
               count(*) FILTER (WHERE closed_at <= due_at),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY closed_at - created_at),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY closed_at - created_at)
        FROM report WHERE closed_at > now() - interval '12 weeks' {scope} GROUP BY 1""",
    "top 10 late categories": """
        SELECT category_id, count(*) FROM report
        WHERE closed_at IS NULL AND due_at < now() {scope}
        GROUP BY 1 ORDER BY 2 DESC LIMIT 10""",
}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def ensure_schema(app) -> None:
    """Migrations at heads, and the late roll-up recounted if a bulk load (triggers
    disabled, as bench/generate.py does) left it behind."""
    from flask_migrate import upgrade

    from dansmarue.models import db
    from dansmarue.stats import overdue as overdue_list

    with app.app_context():
        upgrade(revision="heads")
        rolled = db.session.scalar(text("SELECT coalesce(sum(n), 0) FROM late_stats"))
        counted = db.session.scalar(
            text(
                "SELECT count(*) FROM report WHERE closed_at IS NULL "
                "AND sla_status IN ('overdue', 'escalated')"
            )
        )
        if rolled != counted:
            print(f"[bench] late_stats says {rolled:,}, report table {counted:,}: rebuilding", flush=True)
            overdue_list.rebuild_late()
        db.session.commit()


def ensure_users(app) -> int:
    """A manager of the busiest direction and an admin; returns that direction's id."""
    from dansmarue.access import auth
    from dansmarue.models import Report, Unit, User, db

    with app.app_context():
        direction_id = db.session.scalar(
            text(
                "SELECT direction_id FROM open_backlog_total WHERE dim = 0 "
                "GROUP BY 1 ORDER BY sum(n) DESC LIMIT 1"
            )
        ) or db.session.scalar(select(Report.direction_id).limit(1))
        code = db.session.scalar(select(Unit.code).where(Unit.id == direction_id))
        for email, role, direction in ((MANAGER, "manager", code), (ADMIN, "admin", None)):
            user = db.session.scalar(select(User).where(func.lower(User.email) == email))
            if user is None:
                auth.create_user(email, PASSWORD, role, direction_code=direction)
            else:
                user.direction_id = direction_id if role == "manager" else None
        db.session.commit()
        return direction_id


def login(app, email: str):
    client = app.test_client()
    page = client.get("/dashboard/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/dashboard/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    return client


def time_page(client, url: str, runs: int) -> tuple[float, float, int]:
    for _ in range(3):  # warm the connection pool, caches and templates
        client.get(url)
    samples, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    return (*percentiles(samples), size)


def time_baseline(app, direction_id: int | None, runs: int) -> tuple[float, float]:
    from dansmarue.models import db

    scope = "" if direction_id is None else f"AND direction_id = {int(direction_id)}"
    samples = []
    with app.app_context():
        for i in range(runs + 1):
            start = time.perf_counter()
            for sql in BASELINE_SQL.values():
                db.session.execute(text(sql.format(scope=scope))).all()
            if i:  # the first run only warms the cache
                samples.append((time.perf_counter() - start) * 1000)
        db.session.remove()
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    count = ensure_data(url, args.reports)

    from dansmarue import create_app
    from dansmarue.models import Unit, db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "OUTBOX_AUTO_RELAY": False})
    ensure_schema(app)
    direction_id = ensure_users(app)
    with app.app_context():
        unit_id = db.session.scalar(
            select(Unit.id).where(Unit.parent_id == direction_id).order_by(Unit.id).limit(1)
        )
        category_id = db.session.scalar(
            text(
                "SELECT key FROM open_backlog_total WHERE dim = 3 AND direction_id = :d "
                "ORDER BY n DESC LIMIT 1"
            ),
            {"d": direction_id},
        )
        # A unit and a category it handles: the pair a manager would pick.
        category_unit = db.session.scalar(
            text("SELECT unit_id FROM category WHERE id = :c"), {"c": category_id}
        )
        open_count = db.session.scalar(text("SELECT count(*) FROM report WHERE closed_at IS NULL"))
        late_count = db.session.scalar(
            text(
                "SELECT count(*) FROM report WHERE closed_at IS NULL "
                "AND sla_status IN ('overdue', 'escalated')"
            )
        )
        db.session.remove()
    manager, admin = login(app, MANAGER), login(app, ADMIN)
    cases = [
        ("manager, default view", manager, "/dashboard"),
        ("manager, unit filter", manager, f"/dashboard?unit={unit_id}"),
        (
            "manager, category filter, sorted by category",
            manager,
            f"/dashboard?category={category_id}&sort=category&order=asc",
        ),
        ("manager, arrondissement, page 3", manager, "/dashboard?district=11&page=3"),
        ("manager, CSV of the list", manager, "/dashboard/overdue.csv?sort=unit&order=asc"),
        ("admin, all directions", admin, "/dashboard?period=52"),
        (
            "admin, unit + category (report table)",
            admin,
            f"/dashboard?unit={category_unit}&category={category_id}",
        ),
        (
            "admin, unit + category that match nothing",
            admin,
            f"/dashboard?unit={unit_id}&category={category_id}&sort=unit",
        ),
    ]
    rows = []
    for name, client, page_url in cases:
        p50, p95, size = time_page(client, page_url, args.runs)
        rows.append((name, p50, p95, size))
        print(f"{name:48s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {size / 1024:6.0f} kB", flush=True)
    base_manager = time_baseline(app, direction_id, args.baseline_runs)
    base_admin = time_baseline(app, None, args.baseline_runs)
    print(
        f"{'baseline scans, one direction':48s} p50 {base_manager[0]:7.1f} ms  p95 {base_manager[1]:7.1f} ms"
    )
    print(f"{'baseline scans, all directions':48s} p50 {base_admin[0]:7.1f} ms  p95 {base_admin[1]:7.1f} ms")
    worst = max(p95 for _, _, p95, _ in rows)
    verdict = "MET" if worst < TARGET_MS else "NOT MET"
    print(f"worst p95 {worst:.1f} ms, target < {TARGET_MS} ms: {verdict}")
    if not args.no_record:
        record(rows, base_manager, base_admin, count, open_count, late_count, args, worst, verdict)


def record(rows, base_manager, base_admin, count, open_count, late_count, args, worst, verdict):
    lines = [
        f"{count:,} reports ({open_count:,} open, {late_count:,} overdue); Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, PostgreSQL on the same host, "
        f"load average {os.getloadavg()[0]:.1f} (other benchmarks and test suites running). "
        f"Full `GET` through the Flask app (session, SQL, Jinja, inline SVG), "
        f"{args.runs} runs after 3 warm-ups; baseline = the same figures by scanning `report` "
        f"({args.baseline_runs} runs, warm cache).\n",
        "| case | p50 ms | p95 ms | page kB | p50 vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, p50, p95, size in rows:
        base = base_admin[0] if name.startswith("admin") else base_manager[0]
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {size / 1024:.0f} | {base / p50:.1f}x faster |")
    lines.append(
        f"| baseline scans, one direction | {base_manager[0]:.1f} | {base_manager[1]:.1f} | - | 1.0x |"
    )
    lines.append(f"| baseline scans, all directions | {base_admin[0]:.1f} | {base_admin[1]:.1f} | - | 1.0x |")
    lines.append(f"\nWorst page p95 {worst:.1f} ms, target < {TARGET_MS} ms: {verdict}.\n")
    append_results("dashboard page (bench/bench_dashboard.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
