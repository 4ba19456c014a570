"""Server time of every /agent page at 1 million reports (issue #11, item 8).

Run: ``python bench/bench_agent_pages.py [--runs 30] [--no-record]``
(AGENT_BENCH_DATABASE_URL, default ``dansmarue_bench_agent``; generated with
bench/generate.py, 1,000,000 reports of which 200,000 open, when too small).

Through the real Flask app (routing, cookie session, CSRF, SQL, Jinja, SVG
map) with Flask's test client, so the time is the server's alone: an agent
of the busiest unit signs in at /agent/login, then each page is requested
RUNS times after three warm-ups: the queue (default, filtered, sorted by
distance, second page), a report, three action forms (schedule, duplicate
with its nearby search, requalify with its pin map), the route sheet of a
day with 30 stops. The queue's map is drawn inside the queue page (an SVG of
the page's points over the district and sector outlines), so its time is in
the queue's. Baseline, measured in the same run: the login page (the same
app, session and base template, no report query), i.e. the floor of any
/agent page on this machine. Target: p95 <= 150 ms. Prints p50/p95 and
appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the repo importable

from sqlalchemy import func, select, text  # noqa: E402

from bench.common import append_results, cpu_model, ensure_data  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_bench_agent"
TARGET_MS = 150
AGENT = "bench.agent.pages@paris.example"
PASSWORD = "bench-agent-pages-42"
STOPS = 30


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def prepare(app) -> dict:
    """Schema at heads, the agent of the busiest unit, 30 stops today; the pages' URLs."""
    from flask_migrate import upgrade

    from dansmarue import city
    from dansmarue.access import auth
    from dansmarue.models import Report, Unit, User, db

    with app.app_context():
        upgrade(revision="heads")
        unit_id = db.session.scalar(
            text(
                "SELECT unit_id FROM report WHERE closed_at IS NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
        )
        code = db.session.scalar(select(Unit.code).where(Unit.id == unit_id))
        user = db.session.scalar(select(User).where(func.lower(User.email) == AGENT))
        if user is None:
            auth.create_user(AGENT, PASSWORD, "agent", full_name="Agent Banc", unit_codes=[code])
        today = datetime.now(city.tz()).date()
        scheduled = db.session.scalar(
            select(func.count()).where(Report.unit_id == unit_id, Report.scheduled_for == today)
        )
        if scheduled < STOPS:
            db.session.execute(
                text(
                    "UPDATE report SET state = 'scheduled', scheduled_for = :d WHERE id IN ("
                    "SELECT id FROM report WHERE unit_id = :u AND closed_at IS NULL "
                    "AND state <> 'scheduled' ORDER BY id LIMIT :n)"
                ),
                {"d": today, "u": unit_id, "n": STOPS - scheduled},
            )
        report = db.session.execute(
            select(
                Report.reference, Report.district_id, Report.category_id, Report.longitude, Report.latitude
            )
            .where(Report.unit_id == unit_id, Report.state == "to_process")
            .order_by(Report.id.desc())
            .limit(1)
        ).one()
        counts = db.session.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE unit_id = :u), "
                "count(*) FILTER (WHERE unit_id = :u AND closed_at IS NULL) FROM report"
            ),
            {"u": unit_id},
        ).one()
        db.session.commit()
    ref, district, category, lon, lat = report
    pages = {
        "queue (default: open, by due date)": "/agent/",
        "queue, filtered (state, category, district, overdue, due before)": (
            f"/agent/?state=to_process&state=new&category_id={category}&district={district}"
            "&overdue=true&due_before=2030-01-01"
        ),
        "queue, free text (address/description)": "/agent/?q=rue",
        "queue, free text matching nothing (scans the scope)": "/agent/?q=introuvable",
        "queue, sorted by distance from the phone": f"/agent/?sort=distance&lat={lat}&lon={lon}",
        "queue, by distance, last page (20th: the 500 nearest)": (
            f"/agent/?sort=distance&lat={lat}&lon={lon}&page=20"
        ),
        "queue, second page (cursor)": None,  # found from the first page's link
        "report page": f"/agent/r/{ref}",
        "action form: Programmer": f"/agent/r/{ref}/schedule",
        "action form: Service fait (messages, photo)": f"/agent/r/{ref}/done",
        "action form: Doublon (nearby open reports)": f"/agent/r/{ref}/mark_duplicate",
        "action form: Requalifier (categories, pin map)": f"/agent/r/{ref}/requalify",
        f"route sheet ({STOPS} stops, 2-opt)": f"/agent/tournee?date={today.isoformat()}",
    }
    return {"pages": pages, "unit": code, "counts": counts}


def login(app):
    client = app.test_client()
    page = client.get("/agent/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/agent/login", data={"email": AGENT, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def time_page(client, url: str, runs: int) -> tuple[float, float, float, int]:
    """(p50, p95 wall ms, median CPU ms of this process, HTML bytes). The CPU time
    is the Python side alone (routing, ORM, Jinja, SVG): it does not grow when
    other work shares the cores, the wall time does (and includes PostgreSQL)."""
    for _ in range(3):  # warm the pool, caches and templates
        client.get(url)
    samples, cpu, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
        size = len(response.data)
    return (*percentiles(samples), statistics.median(cpu), size)


def _args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    return parser.parse_args()


def main() -> None:
    args = _args()
    import logging

    from dansmarue import create_app

    url = os.environ.get("AGENT_BENCH_DATABASE_URL", DEFAULT_URL)
    total = ensure_data(url, 1_000_000)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_AUTO_RELAY": False, "RATELIMIT_ENABLED": False})
    logging.getLogger("dansmarue.access").setLevel(logging.WARNING)  # one line per request
    setup = prepare(app)
    client = login(app)
    first = client.get(setup["pages"]["queue (default: open, by due date)"]).get_data(as_text=True)
    more = re.search(r'href="(/agent/\?[^"]*cursor=[^"]+)"', first)
    setup["pages"]["queue, second page (cursor)"] = more.group(1).replace("&amp;", "&") if more else "/agent/"
    rows = [("baseline: login page (same app and session, no report query)", "/agent/login")]
    rows += list(setup["pages"].items())
    table = [
        "| page | p50 | p95 | Python CPU (median) | HTML size | target p95 <= 150 ms |",
        "|---|---|---|---|---|---|",
    ]
    load = os.getloadavg()[0]
    for name, path in rows:
        p50, p95, cpu, size = time_page(login(app) if path == "/agent/login" else client, path, args.runs)
        verdict = "" if path == "/agent/login" else ("yes" if p95 <= TARGET_MS else "**no**")
        table.append(
            f"| {name} | {p50:.1f} ms | {p95:.1f} ms | {cpu:.1f} ms | {size / 1024:.0f} KB | {verdict} |"
        )
        print(table[-1], flush=True)
    everything, in_unit, open_in_unit = setup["counts"]
    body = (
        f"Reports: {everything:,} ({in_unit:,} in the agent's unit {setup['unit']}, "
        f"{open_in_unit:,} open); {args.runs} requests per page after 3 warm-ups, through "
        f"Flask's test client (server time: routing, cookie session, SQL, Jinja, SVG map); "
        f"{cpu_model()}, 2 cores shared with other work (load average {load:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end).\n\n" + "\n".join(table)
    )
    print(body)
    if not args.no_record:
        append_results("agents' app pages at 1 M reports (issue #11)", body)
    assert total >= 950_000


if __name__ == "__main__":
    main()
