"""Mass actions and the agents' work queue, on the real PostGIS database.

Run: ``python bench/bench_mass_actions.py`` (DATABASE_URL: a migrated database
with reference data; default the agents' test database). Measures:

  (a) baseline: 500 rejections in ONE transaction (a savepoint each, one commit),
  (b) `workflow.perform_many` (what the API does): a savepoint each, a commit
      every 50 reports, so locks are not held for the whole batch,
  (c) work queue pages of 50 over 5,000 in-scope reports at depth 4,000:
      keyset cursor (`agent_queue.work_queue`) vs OFFSET, plus the full HTTP request.

Everything created is deleted at the end. Appends a dated section to
bench/RESULTS.md (not with ``--no-record``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.common import append_results  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_test_agt"
MASS = 500
QUEUE = 5000
DEPTH = 4000


def _args():
    """Only --no-record (and --help, so asking for help does not run the benchmark)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    return parser.parse_args()


def main() -> None:
    args = _args()
    from dansmarue import create_app
    from dansmarue.access import auth
    from dansmarue.models import District, db
    from dansmarue.workflow import agent_queue
    from dansmarue.workflow import perform as workflow
    from tests.agents.conftest import make_report

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_AUTO_RELAY": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.session.scalar(select(District.id).limit(1)) is None:
            sys.exit("No reference data: run `flask db upgrade && flask data load` first.")
        mark = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM outbox_job"))
        agent = auth.create_user(
            f"bench.{time.time_ns()}@paris.fr", None, "agent", unit_codes=["DPE-STPP-DT"]
        )
        token = auth.issue_token(agent)
        db.session.commit()
        created: list[int] = []

        def report(**fields):
            made = make_report(**fields)
            created.append(made.id)
            return made

        rows = []
        try:
            rows += _mass(db, workflow, report, agent)
            rows += _queue(app, db, agent_queue, report, agent, token)
        finally:
            _cleanup(db, created, agent.id, mark)
    _print_and_record(rows, record=not args.no_record)


def _cleanup(db, report_ids: list[int], user_id: int, outbox_mark: int) -> None:
    """Delete what this run created (its reports cascade to events, photos...)."""
    from dansmarue.models import User

    db.session.rollback()
    events = db.session.scalars(
        text("SELECT id FROM report_event WHERE report_id = ANY(:r)"), {"r": report_ids}
    ).all()
    db.session.execute(
        text(
            "DELETE FROM outbox_job WHERE id > :m AND jsonb_typeof(args->0) = 'number' "
            "AND (args->>0)::bigint = ANY(:ids)"
        ),
        {"m": outbox_mark, "ids": report_ids + events},
    )
    db.session.execute(text("DELETE FROM report WHERE id = ANY(:r)"), {"r": report_ids})
    db.session.execute(User.__table__.delete().where(User.id == user_id))
    db.session.commit()


def _mass(db, workflow, make_report, agent):
    def batch():
        reports = [make_report(state="to_process") for _ in range(MASS)]
        db.session.commit()
        return {r.reference: r.id for r in reports}

    naive = batch()
    start = time.perf_counter()
    for report_id in naive.values():
        workflow.perform(report_id, "reject", agent, reason="Domaine privé")
    db.session.commit()
    baseline = time.perf_counter() - start

    ours = batch()
    start = time.perf_counter()
    results = workflow.perform_many(ours, "reject", agent, reason="Domaine privé")
    measured = time.perf_counter() - start
    assert all(r["ok"] for r in results)
    return [
        ("(a) one transaction, savepoint each (baseline)", MASS, baseline, None),
        ("(b) perform_many, savepoint each, commit every 50", MASS, measured, baseline),
    ]


def _queue(app, db, agent_queue, make_report, agent, token):
    now = dt.datetime.now(dt.UTC)
    for i in range(QUEUE):
        make_report(state="new", due_at=now + dt.timedelta(minutes=i))
        if i % 1000 == 999:
            db.session.commit()
    db.session.commit()
    db.session.execute(text("ANALYZE report"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get(f"/api/v1/agent/reports?limit=50&due_before={_z(now)}", headers=headers)
    assert first.status_code == 200
    # A cursor pointing DEPTH rows in, then timed fetches of the next page.
    ids = db.session.scalars(
        text(
            "SELECT id FROM report WHERE unit_id IN (SELECT unit_id FROM user_unit "
            "WHERE user_id = :u) AND state = 'new' ORDER BY due_at NULLS LAST, id "
            "OFFSET :d LIMIT 1"
        ),
        {"u": agent.id, "d": DEPTH - 1},
    ).all()
    from sqlalchemy.orm import joinedload

    from dansmarue.access import scopes
    from dansmarue.models import Report

    anchor = db.session.get(Report, ids[0])
    cursor = agent_queue._encode(anchor)
    offset_query = (
        select(Report)
        .where(scopes.report_scope(agent), Report.state == "new")
        .options(joinedload(Report.category), joinedload(Report.unit))
        .order_by(Report.due_at.asc().nulls_last(), Report.id)
        .offset(DEPTH)
        .limit(51)
    )
    timings = {"offset": [], "keyset": [], "http": []}
    for _ in range(30):
        start = time.perf_counter()
        rows = db.session.scalars(offset_query).unique().all()
        [agent_queue.summary(r, agent) for r in rows[:50]]
        timings["offset"].append(time.perf_counter() - start)
        start = time.perf_counter()
        items, _ = agent_queue.work_queue(agent, state=["new"], cursor=cursor, limit=50)
        timings["keyset"].append(time.perf_counter() - start)
        assert len(items) == 50 and items[0]["reference"] == rows[0].reference
        start = time.perf_counter()
        page = client.get(f"/api/v1/agent/reports?limit=50&state=new&cursor={cursor}", headers=headers)
        timings["http"].append(time.perf_counter() - start)
        assert page.status_code == 200 and len(page.json["items"]) == 50
    base = statistics.median(timings["offset"])
    return [
        ("(c) page at depth 4,000 by OFFSET (baseline)", 30, base, None),
        (
            "(c) page at depth 4,000 by keyset cursor (work_queue)",
            30,
            statistics.median(timings["keyset"]),
            base,
        ),
        ("(c) same, full HTTP request (auth, JSON)", 30, statistics.median(timings["http"]), base),
    ]


def _z(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _print_and_record(rows, record: bool) -> None:
    lines = [
        f"## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: mass actions and "
        "work queue (bench/bench_mass_actions.py)",
        "",
        f"Python {platform.python_version()}, PostgreSQL on 127.0.0.1; "
        f"{MASS} reports per mass run, {QUEUE} reports in the queue.",
        "",
        "| case | n | seconds (total, or median per page) | ms per report (a, b) or page (c) | vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, count, seconds, baseline in rows:
        per = seconds * 1000 if name.startswith("(c)") else seconds / count * 1000
        ratio = f"{seconds / baseline:.2f}x" if baseline else "1.00x"
        lines.append(f"| {name} | {count} | {seconds:.4f} | {per:.2f} | {ratio} |")
    text_block = "\n".join(lines) + "\n"
    print(text_block)
    if record:
        append_results("mass actions and work queue (bench/bench_mass_actions.py)", "\n".join(lines[2:]))


if __name__ == "__main__":
    main()
