"""A saveIncident retried by the app files one report (shared idempotency service)."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import delete, func, select, text

from dansmarue.models import Follower, IdempotencyKey, OutboxJob, Photo, Report, ReportEvent, db
from tests.interop.conftest import own_app
from tests.interop.mobile_client import RPC, answer, error_code, save_incident
from tests.live_server import LiveServer


def _count(session, description):
    return session.scalar(select(func.count()).select_from(Report).where(Report.description == description))


def test_five_replays_file_one_report(client, session, leaf):
    text_ = "Retry " + uuid.uuid4().hex
    request = save_incident(client, leaf.id, descriptive=text_)
    ids = {answer(client, request)["incidentId"] for _ in range(5)}
    assert len(ids) == 1
    assert _count(session, text_) == 1
    key = session.scalar(select(IdempotencyKey).where(IdempotencyKey.report_id == ids.pop()))
    assert key.key.startswith("mobile:") and key.status_code == 200


def test_another_incident_or_device_is_another_report(client, session, leaf):
    text_ = "Autre " + uuid.uuid4().hex
    first = answer(client, save_incident(client, leaf.id, descriptive=text_))["incidentId"]
    moved = answer(client, save_incident(client, leaf.id, descriptive=text_, lat=48.8567))["incidentId"]
    other_phone = answer(client, save_incident(client, leaf.id, descriptive=text_, udid="udid-other"))[
        "incidentId"
    ]
    assert len({first, moved, other_phone}) == 3
    assert _count(session, text_) == 3


def test_a_refused_save_leaves_no_key_and_can_be_retried(client, session, leaf):
    before = session.scalar(select(func.count()).select_from(IdempotencyKey))
    request = save_incident(client, leaf.id, lat=48.70, lon=2.10)  # outside Paris
    assert [error_code(client, request) for _ in range(2)] == [7, 7]
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == before


@pytest.fixture
def live_app(tmp_path_factory):
    app = own_app(tmp_path_factory, RATELIMIT_ENABLED=False)
    marker = "Concurrent " + uuid.uuid4().hex
    yield app, marker
    with app.app_context():  # delete what the live server committed
        ids = select(Report.id).where(Report.description == marker)
        db.session.execute(
            delete(OutboxJob).where(
                text("(args->>0)::bigint IN (SELECT id FROM report WHERE description = :d)")
            ),
            {"d": marker},
        )
        for model in (ReportEvent, Follower, Photo, IdempotencyKey):
            db.session.execute(delete(model).where(model.report_id.in_(ids)))
        db.session.execute(delete(Report).where(Report.description == marker))
        db.session.commit()
        db.session.remove()


def test_five_concurrent_identical_saves_file_one_report(live_app):
    live, marker = live_app
    with live.app_context():
        category_id = db.session.scalar(
            text(
                "SELECT id FROM category WHERE is_leaf AND active AND NOT agent_only "
                "AND NOT out_of_scope AND unit_id IS NOT NULL ORDER BY id LIMIT 1"
            )
        )
        db.session.remove()
    stream = json.dumps([save_incident(None, category_id, descriptive=marker)])
    with LiveServer(live) as server:

        def send(_):
            return requests.post(server.url + RPC, data={"jsonStream": stream}, timeout=30)

        with ThreadPoolExecutor(max_workers=5) as pool:
            answers = list(pool.map(send, range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    bodies = [a.json() for a in answers]
    assert all(b[0]["answer"]["status"] == 0 for b in bodies), bodies
    assert len({b[0]["answer"]["incidentId"] for b in bodies}) == 1
    with live.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Report).where(Report.description == marker))
            == 1
        )
        db.session.remove()
