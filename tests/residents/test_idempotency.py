"""Idempotent intake: replays, conflicts, and ten concurrent identical requests."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import delete, func, select, text

from dansmarue import create_app
from dansmarue.models import IdempotencyKey, OutboxJob, Report, ReportEvent, db
from tests.live_server import LiveServer
from tests.residents.conftest import GRAFFITI, body, config_for


def test_same_key_replays_the_first_answer(client, session, graffiti):
    headers = {"Idempotency-Key": "retry-" + uuid.uuid4().hex}
    first = client.post("/api/v1/reports", json=body(graffiti), headers=headers)
    second = client.post("/api/v1/reports", json=body(graffiti), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert (
        session.scalar(
            select(func.count()).select_from(Report).where(Report.reference == first.json["reference"])
        )
        == 1
    )


def test_same_key_other_body_is_a_conflict(client, session, graffiti):
    headers = {"Idempotency-Key": "k-" + uuid.uuid4().hex}
    assert client.post("/api/v1/reports", json=body(graffiti), headers=headers).status_code == 201
    before = session.scalar(select(func.count()).select_from(Report))
    other = client.post("/api/v1/reports", json=body(graffiti, description="autre"), headers=headers)
    assert other.status_code == 409
    assert other.mimetype == "application/problem+json"
    assert session.scalar(select(func.count()).select_from(Report)) == before


def test_client_uuid_alone_makes_retries_idempotent(client, session, graffiti):
    data = body(graffiti, client_uuid=str(uuid.uuid4()))
    first = client.post("/api/v1/reports", json=data)
    second = client.post("/api/v1/reports", json=data)
    assert first.status_code == second.status_code == 201
    assert first.json["reference"] == second.json["reference"]
    changed = client.post("/api/v1/reports", json={**data, "priority": 1})
    assert changed.status_code == 409


def test_client_uuid_reused_under_another_key_is_a_conflict(client, session, graffiti):
    data = body(graffiti, client_uuid=str(uuid.uuid4()))
    assert (
        client.post(
            "/api/v1/reports", json=data, headers={"Idempotency-Key": "a" + uuid.uuid4().hex}
        ).status_code
        == 201
    )
    again = client.post("/api/v1/reports", json=data, headers={"Idempotency-Key": "b" + uuid.uuid4().hex})
    assert again.status_code == 409
    assert again.json["errors"][0]["field"] == "client_uuid"


def test_refused_request_keeps_no_key(client, session, graffiti):
    key = "bad-" + uuid.uuid4().hex
    response = client.post(
        "/api/v1/reports",
        json=body(graffiti, latitude=48.9, longitude=2.25),
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 422
    assert session.get(IdempotencyKey, f"key:{key}") is None
    # The same key may then be used for a corrected request.
    assert (
        client.post("/api/v1/reports", json=body(graffiti), headers={"Idempotency-Key": key}).status_code
        == 201
    )


def test_bad_idempotency_key_header(client, session, graffiti):
    response = client.post("/api/v1/reports", json=body(graffiti), headers={"Idempotency-Key": "x" * 101})
    assert response.status_code == 422


@pytest.fixture
def live_app(tmp_path):
    """A second app on the same test database, with committed data cleaned up."""
    app = create_app({**config_for(tmp_path), "RATELIMIT_ENABLED": False})
    created: list[str] = []
    yield app, created
    with app.app_context():
        ids = select(Report.id).where(Report.reference.in_(created))
        db.session.execute(
            delete(OutboxJob).where(
                text("(args->>0)::bigint IN (SELECT id FROM report WHERE reference = ANY(:refs))")
            ),
            {"refs": created},
        )
        db.session.execute(delete(ReportEvent).where(ReportEvent.report_id.in_(ids)))
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.key.like("key:conc-%")))
        db.session.execute(delete(Report).where(Report.reference.in_(created)))
        db.session.commit()
        db.session.remove()


def test_ten_concurrent_identical_requests_create_one_report(app, live_app):
    live, created = live_app
    with live.app_context():
        category_id = db.session.scalar(text("SELECT id FROM category WHERE label = :l"), {"l": GRAFFITI})
        db.session.remove()
    payload = {
        "category_id": category_id,
        "latitude": 48.8539252,
        "longitude": 2.3801912,
        "description": "Dix fois le même envoi",
    }
    headers = {"Idempotency-Key": "conc-" + uuid.uuid4().hex}
    with LiveServer(live) as server:

        def send(_):
            return requests.post(f"{server.url}/api/v1/reports", json=payload, headers=headers, timeout=30)

        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(send, range(10)))
    created.extend({a.json()["reference"] for a in answers if a.status_code == 201})
    assert [a.status_code for a in answers] == [201] * 10
    assert len({a.json()["reference"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 9
    with live.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Report).where(Report.description == "Dix fois le même envoi")
            )
            == 1
        )
        db.session.remove()


def test_a_key_that_cannot_be_claimed_is_never_run_without_it(session, monkeypatch):
    """If the claim keeps missing (the key purged between claim and read each time),
    run_once refuses with 503 instead of running the work without holding the key."""
    from dansmarue.errors import ServiceUnavailable
    from dansmarue.reports import idempotency

    # A claim that never inserts and a read that never finds: the purge race, forced.
    monkeypatch.setattr(idempotency, "CLAIM_SQL", text("SELECT 1 WHERE false"))
    monkeypatch.setattr(idempotency, "READ_SQL", text("SELECT 1, 2, 3 WHERE false"))
    ran = []
    with pytest.raises(ServiceUnavailable):
        idempotency.run_once("never-claimed", "h", lambda: ran.append(1) or (201, {}, None))
    assert ran == []
