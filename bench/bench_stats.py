"""Dashboard latency from the roll-ups vs raw scans, and SLA sweep time per run.

    .venv/bin/python bench/bench_stats.py [--database-url …dansmarue_bench_sla] [--runs 40]

Run bench/generate.py first. Each dashboard figure is served by the same
service functions as the API (fold of pending deltas included); the baseline
computes the same figures by scanning `report` (as the tests' brute force).
The sweep is run once per simulated minute after the generation instant,
on the bench database's open reports. Appends a dated section to bench/RESULTS.md.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text

from bench.common import BENCH_DATABASE_URL as DEFAULT_URL
from bench.common import append_results, ensure_data


def timed(fn, runs: int) -> dict:
    fn()  # warm-up: plans and caches, as a live server would have them
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return {"p50": statistics.median(samples), "p95": p95, "max": samples[-1], "runs": runs}


def raw_breakdown(db, column: str, start: date, end: date, directions=None):
    scope = "" if directions is None else "AND direction_id = ANY(:dirs)"
    params = {"s": start, "e": end, "dirs": directions}
    local = "(({c}) AT TIME ZONE 'Europe/Paris')::date"
    db.session.execute(
        text(
            f"SELECT {column}, count(*) FROM report WHERE {local.format(c='created_at')} "
            f"BETWEEN :s AND :e {scope} GROUP BY 1"
        ),
        params,
    ).all()
    for at, due in (("acknowledged_at", "ack_due_at"), ("closed_at", "due_at")):
        seconds = f"extract(epoch FROM {at} - created_at)"
        db.session.execute(
            text(f"""
            SELECT {column}, count(*), count(*) FILTER (WHERE {due} IS NULL OR {at} <= {due}),
                   avg({seconds}), percentile_disc(0.5) WITHIN GROUP (ORDER BY {seconds}),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY {seconds})
            FROM report WHERE {at} IS NOT NULL AND {local.format(c=at)} BETWEEN :s AND :e
            {scope} GROUP BY 1"""),
            params,
        ).all()


def raw_backlog(db, column: str, now: datetime):
    db.session.execute(
        text(f"""
        SELECT {column}, count(*) FILTER (WHERE created_at > :now - interval '48 hours'),
               count(*) FILTER (WHERE created_at <= :now - interval '48 hours'
                                  AND created_at > :now - interval '10 days'),
               count(*) FILTER (WHERE created_at <= :now - interval '10 days')
        FROM report WHERE closed_at IS NULL GROUP BY 1"""),
        {"now": now},
    ).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--sweep-runs", type=int, default=30)
    parser.add_argument(
        "--reports", type=int, default=1_000_000, help="generate this many first when the database has fewer"
    )
    parser.add_argument("--dry-run", action="store_true", help="print only, do not append")
    args = parser.parse_args()
    ensure_data(args.database_url, args.reports)

    from dansmarue import create_app
    from dansmarue.models import db
    from dansmarue.sla.sweep import sweep
    from dansmarue.stats import queries

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "OUTBOX_AUTO_RELAY": False})
    with app.app_context():
        n, n_open, last = db.session.execute(
            text("SELECT count(*), count(*) FILTER (WHERE closed_at IS NULL), max(created_at) " "FROM report")
        ).one()
        rollup_rows = db.session.execute(text("SELECT count(*) FROM report_stats")).scalar()
        direction = db.session.execute(
            text("SELECT direction_id FROM report GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        ).scalar()
        end = last.astimezone(UTC).date()
        now = datetime.now(UTC)
        # (name, roll-up call, raw-scan call or None)
        cases = [
            (
                "delays by direction, 3 months",
                lambda: queries.breakdown("direction", end - timedelta(days=90), end),
                lambda: raw_breakdown(db, "direction_id", end - timedelta(days=90), end),
            ),
            (
                "delays by category, 12 months",
                lambda: queries.breakdown("category", end - timedelta(days=365), end),
                lambda: raw_breakdown(db, "category_id", end - timedelta(days=365), end),
            ),
            (
                "delays by district, 45 days across months",
                lambda: queries.breakdown("district", end - timedelta(days=45), end),
                lambda: raw_breakdown(db, "district_id", end - timedelta(days=45), end),
            ),
            (
                "delays by unit, 6 months, one direction",
                lambda: queries.breakdown("unit", end - timedelta(days=182), end, [direction]),
                lambda: raw_breakdown(db, "unit_id", end - timedelta(days=182), end, [direction]),
            ),
            (
                "weekly trends, 6 months",
                lambda: queries.breakdown("week", end - timedelta(days=182), end),
                None,
            ),
            ("totals, 12 months", lambda: queries.totals(end - timedelta(days=365), end), None),
            (
                "backlog by age × category",
                lambda: queries.backlog("category", now=now),
                lambda: raw_backlog(db, "category_id", now),
            ),
            (
                "backlog by age × district",
                lambda: queries.backlog("district", now=now),
                lambda: raw_backlog(db, "district_id", now),
            ),
            ("overdue list, first page", lambda: queries.overdue(limit=50), None),
        ]
        lines = []
        worst = 0.0
        for name, rollup_call, raw_call in cases:
            fast = timed(lambda call=rollup_call: (call(), db.session.commit()), args.runs)
            worst = max(worst, fast["p95"])
            raw = timed(raw_call, args.baseline_runs) if raw_call else None
            raw_text = f"{raw['p50']:.0f} ms" if raw else "—"
            ratio = f"{raw['p50'] / fast['p50']:.0f}×" if raw else "—"
            lines.append(f"| {name} | {fast['p50']:.1f} | {fast['p95']:.1f} | {raw_text} | {ratio} |")
            print(lines[-1], flush=True)

        # Sweep: one run per simulated minute, from the last run recorded (an
        # earlier bench may have swept ahead of the wall clock).
        last_run = db.session.execute(text("SELECT last_run_at FROM sla_sweep_state")).scalar()
        if last_run is not None and last_run > now:
            now = last_run + timedelta(minutes=1)
        db.session.rollback()
        sweeps, claimed = [], []
        for minute in range(args.sweep_runs):
            started = time.perf_counter()
            result = sweep(now=now + timedelta(minutes=minute))
            sweeps.append((time.perf_counter() - started) * 1000)
            claimed.append(result["claimed"])
        idle = timed(lambda: sweep(now=now + timedelta(minutes=args.sweep_runs - 1)), 20)
        started = time.perf_counter()
        naive = db.session.execute(
            text(
                "SELECT count(*) FROM report WHERE closed_at IS NULL AND "
                "(due_at <= :now OR (acknowledged_at IS NULL AND ack_due_at <= :now))"
            ),
            {"now": now},
        ).scalar()
        naive_ms = (time.perf_counter() - started) * 1000
        db.session.rollback()
        sweeps_sorted = sorted(sweeps[1:]) or sweeps
        sweep_p95 = sweeps_sorted[min(len(sweeps_sorted) - 1, int(round(0.95 * len(sweeps_sorted))) - 1)]
        median_claimed = sorted(claimed[1:])[len(claimed[1:]) // 2] if claimed[1:] else 0

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [
        f"\n## SLA dashboards and sweep — {stamp}\n",
        f"Database: {n:,} reports ({n_open:,} open), {rollup_rows:,} roll-up rows "
        f"(`report_stats`), {os.cpu_count()} CPU, PostgreSQL on the same box. "
        f"Dashboard figures via the service functions (fold included), {args.runs} runs each; "
        f"baseline = the same figures by scanning `report`, {args.baseline_runs} runs.\n",
        "| query | roll-up p50 ms | roll-up p95 ms | raw scan p50 | speed-up |",
        "|---|---|---|---|---|",
        *lines,
        f"\nWorst dashboard p95: **{worst:.1f} ms** (target ≤ 50 ms).\n",
        f"Sweep, {args.sweep_runs} runs one simulated minute apart: first run {sweeps[0]:.1f} ms "
        f"(claimed {claimed[0]:,}: thresholds crossed since generation), then p50 "
        f"{statistics.median(sweeps[1:] or sweeps):.2f} ms, p95 {sweep_p95:.2f} ms, max "
        f"{max(sweeps[1:] or sweeps):.2f} ms (claimed per run: {median_claimed} median); "
        f"idle run p95 {idle['p95']:.2f} ms. Naive baseline (scan for every late open report): "
        f"{naive_ms:.0f} ms, {naive:,} rows. Target < 5 ms per run.\n",
    ]
    print("\n".join(section))
    if args.dry_run:
        return
    append_results("SLA dashboards and sweep (bench/bench_stats.py)", "\n".join(section[1:]))


if __name__ == "__main__":
    main()
