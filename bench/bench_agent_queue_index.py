"""The agents' work queue at scale, with and without `ix_report_unit_due`.

Run: ``python bench/bench_agent_queue_index.py`` (QUEUE_BENCH_DATABASE_URL: a
migrated database with reference data and many reports; default
``dansmarue_agt2_scale``; generated with bench/generate.py when too small).

One transaction: an agent of one unit is created, then the first queue page
(50, by due date) is timed for that agent's scope and for an admin filtering
on one unit, first with the index (migration 0009), then after dropping it
inside a SAVEPOINT (the baseline, measured in the same run); everything is
rolled back. Prints the plans and appends a dated section to bench/RESULTS.md
(not with ``--no-record``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.common import append_results, cpu_model, ensure_data  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_agt2_scale"
UNIT = "DPE-STPP-DT"
RUNS = 30


def _time(run) -> float:
    """Median milliseconds of RUNS executions (after one warm-up)."""
    run()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _plan(db, query) -> str:
    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    rows = db.session.scalars(text(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}"))
    return "\n".join(rows)


def _args():
    """Only --no-record (and --help, so asking for help does not run the benchmark)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    return parser.parse_args()


def main() -> None:
    args = _args()
    from dansmarue import create_app
    from dansmarue.access import auth
    from dansmarue.models import Unit, db
    from dansmarue.workflow import agent_queue

    url = os.environ.get("QUEUE_BENCH_DATABASE_URL", DEFAULT_URL)
    count = ensure_data(url, 1_000_000)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_AUTO_RELAY": False, "RATELIMIT_ENABLED": False})
    lines, figures = [], {}
    with app.app_context():
        unit_id = db.session.scalar(text("SELECT id FROM unit WHERE code = :c"), {"c": UNIT})
        in_unit, open_in_unit, closed_first = db.session.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE closed_at IS NULL), "
                "count(*) FILTER (WHERE closed_at IS NOT NULL AND due_at < (SELECT min(due_at) "
                "FROM report WHERE unit_id = :u AND closed_at IS NULL)) "
                "FROM report WHERE unit_id = :u"
            ),
            {"u": unit_id},
        ).one()
        agent = auth.create_user(f"bench.queue.{time.time_ns()}@paris.fr", None, "agent", unit_codes=[UNIT])
        admin = auth.create_user(f"bench.admin.{time.time_ns()}@paris.fr", None, "admin")
        db.session.flush()
        cases = {
            "agent scope (1 unit)": agent_queue.queue_query(agent),
            "admin, unit filter": agent_queue.queue_query(admin, unit_id=unit_id),
        }
        for phase in ("with index", "without index (baseline)"):
            if phase.startswith("without"):
                db.session.begin_nested()
                db.session.execute(text("DROP INDEX ix_report_unit_due"))
            for name, query in cases.items():
                figures[(phase, name)] = _time(lambda q=query: db.session.execute(q).unique().all())
                plan = _plan(db, query)
                uses = "ix_report_unit_due" in plan
                lines.append(
                    f"### {name}, {phase}: {figures[(phase, name)]:.2f} ms "
                    f"(index used: {uses})\n\n```\n{plan}\n```\n"
                )
        db.session.rollback()
        assert db.session.get(Unit, unit_id) is not None
    table = ["| query | with ix_report_unit_due | without (baseline) | speed-up |", "|---|---|---|---|"]
    for name in cases:
        with_ix = figures[("with index", name)]
        without = figures[("without index (baseline)", name)]
        table.append(f"| {name} | {with_ix:.2f} ms | {without:.2f} ms | " f"{without / with_ix:.1f}x |")
    body = (
        f"Reports: {count:,} ({in_unit:,} in unit {UNIT}, {open_in_unit:,} open; "
        f"{closed_first:,} closed ones fall before the first open one in due order and "
        f"are skipped by the index scan); first page of 50 by due date, median of "
        f"{RUNS} runs (query + ORM rows); {cpu_model()}.\n\n" + "\n".join(table) + "\n\n" + "\n".join(lines)
    )
    print(body)
    if not args.no_record:
        append_results("agents' work queue index (migration 0009)", body)


if __name__ == "__main__":
    main()
