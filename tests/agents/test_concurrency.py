"""Two agents (or eight) act on the same ticket at once, through a real HTTP
server on a free port: exactly one wins, the others get 412, nothing is lost.

The data is committed (server threads have their own sessions) and deleted
afterwards; this test does not use the rolled-back `session` fixture.
"""

import socket
import threading
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import func, select, text
from werkzeug.serving import make_server

from dansmarue.access import auth
from dansmarue.models import ApiToken, Report, ReportEvent, User, db
from tests.agents.conftest import make_report

PARALLEL = 8
CLEANED_TABLES = ("outbox_job", "report_stats_delta")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(app):
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join()


def _max_ids() -> dict:
    found = {}
    for table in CLEANED_TABLES:
        if db.session.scalar(text("SELECT to_regclass(:t)"), {"t": table}) is not None:
            found[table] = db.session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))
    return found


@pytest.fixture
def committed(app):
    """Agents with tokens and one report, committed; all deleted afterwards."""
    with app.app_context():
        before = _max_ids()
        agents = [
            auth.create_user(f"concurrent{i}@paris.fr", None, "agent", unit_codes=["DPE-STPP-DT"])
            for i in range(PARALLEL)
        ]
        tokens = [auth.issue_token(a) for a in agents]
        report = make_report(state="to_process")
        data = {
            "reference": report.reference,
            "id": report.id,
            "tokens": tokens,
            "user_ids": [a.id for a in agents],
        }
        db.session.commit()
        db.session.remove()
    try:
        yield data
    finally:
        with app.app_context():
            db.session.execute(Report.__table__.delete().where(Report.id == data["id"]))
            db.session.execute(ApiToken.__table__.delete().where(ApiToken.user_id.in_(data["user_ids"])))
            db.session.execute(User.__table__.delete().where(User.id.in_(data["user_ids"])))
            for table, max_id in before.items():
                db.session.execute(text(f"DELETE FROM {table} WHERE id > :m"), {"m": max_id})
            db.session.commit()
            db.session.remove()


def test_parallel_actions_one_wins_others_get_412(app, live_server, committed):
    url = f"{live_server}/api/v1/agent/reports/{committed['reference']}"
    first = requests.get(url, headers={"Authorization": f"Bearer {committed['tokens'][0]}"}, timeout=10)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    barrier = threading.Barrier(PARALLEL)
    results = [None] * PARALLEL

    def act(i):
        day = (date.today() + timedelta(days=10 + i)).isoformat()
        headers = {"Authorization": f"Bearer {committed['tokens'][i]}", "If-Match": etag}
        barrier.wait()
        response = requests.post(f"{url}/actions/schedule", json={"date": day}, headers=headers, timeout=30)
        results[i] = (response.status_code, day)

    threads = [threading.Thread(target=act, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * (PARALLEL - 1), results
    winner_day = next(day for status, day in results if status == 200)
    with app.app_context():
        report = db.session.get(Report, committed["id"])
        events = db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)).all()
        # No lost update: the stored date is the winner's, and one action was recorded.
        assert report.scheduled_for.isoformat() == winner_day
        assert report.state == "scheduled"
        assert [e.action for e in events] == ["schedule"]
        assert (
            db.session.scalar(
                select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report.id)
            )
            == 1
        )
        db.session.remove()

    # The losers retry with the fresh ETag and are told what is possible now.
    latest = requests.get(url, headers={"Authorization": f"Bearer {committed['tokens'][1]}"}, timeout=10)
    retry = requests.post(
        f"{url}/actions/schedule",
        json={"date": winner_day},
        headers={"Authorization": f"Bearer {committed['tokens'][1]}", "If-Match": latest.headers["ETag"]},
        timeout=10,
    )
    assert retry.status_code == 409 and "reschedule" in retry.json()["allowed"]


def test_write_race_without_if_match_is_still_safe(app, committed):
    """Without If-Match (internal callers, mass actions): B reads, A commits, B's UPDATE
    finds a newer version and fails with 412 instead of overwriting A."""
    import time

    from dansmarue.errors import PreconditionFailed
    from dansmarue.workflow import perform as workflow

    outcome = {}

    with app.app_context():
        agent_a = db.session.get(User, committed["user_ids"][0])
        workflow.perform(committed["id"], "to_field", agent_a)
        # A holds the row lock (uncommitted) while B runs its whole action.

        def run_b():
            with app.app_context():
                try:
                    agent_b = db.session.get(User, committed["user_ids"][1])
                    workflow.perform(committed["id"], "to_office", agent_b)
                    db.session.commit()
                    outcome["b"] = "committed"
                except PreconditionFailed:
                    outcome["b"] = "412"
                finally:
                    db.session.remove()

        b = threading.Thread(target=run_b)
        b.start()
        waiting_sql = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
            "current_database() AND wait_event_type = 'Lock'"
        )
        with db.engine.connect() as probe:
            for _ in range(400):  # until B is blocked on A's row lock
                if probe.execute(waiting_sql).scalar():
                    break
                time.sleep(0.025)
            else:
                pytest.fail("B never waited for A's lock")
        db.session.commit()
        db.session.remove()
    b.join()
    assert outcome["b"] == "412"
    with app.app_context():
        report = db.session.get(Report, committed["id"])
        assert report.state == "field_todo"
        actions = db.session.scalars(
            select(ReportEvent.action).where(ReportEvent.report_id == report.id)
        ).all()
        assert actions == ["to_field"]
        db.session.remove()
