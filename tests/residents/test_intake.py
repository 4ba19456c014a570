"""POST /api/v1/reports: validation, routing, answer, history, outbox, photos."""

import io
import os
import re

import pytest
from sqlalchemy import func, select

from dansmarue.models import Category, OutboxJob, Photo, Report, ReportEvent, Unit
from tests.residents.conftest import ROQUETTE, body, category_where, jpeg_bytes


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_json_intake_answers_201_with_routing(client, session, graffiti):
    response = client.post("/api/v1/reports", json=body(graffiti, email="Alice@Example.org"))
    assert response.status_code == 201, response.json
    data = response.json
    assert re.fullmatch(r"S\d{4}[A-L]\d{6}", data["reference"])
    assert re.fullmatch(r"[0-9a-f]{32}", data["token"])
    assert data["state"] == "Reçu"
    assert data["district"]["id"] == 11
    assert data["direction"]["code"] == "DPE"
    assert data["tracking_url"] == f"http://testserver/api/v1/track/{data['token']}"
    assert data["possible_duplicates"] == []
    assert response.headers["Location"] == f"/api/v1/reports/{data['reference']}"
    report = session.scalar(select(Report).where(Report.reference == data["reference"]))
    assert report.state == "initial" and report.reporter_email == "alice@example.org"
    assert session.get(Unit, report.unit_id).open_data_name == "graffitis"
    assert report.quartier_id is not None and report.conseil_id is not None
    assert report.priority == graffiti.default_priority
    events = session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)).all()
    assert [(e.action, e.to_state, e.is_public) for e in events] == [("creation", "initial", True)]
    jobs = session.scalars(select(OutboxJob.func).where(OutboxJob.args == [report.id])).all()
    assert sorted(jobs) == [
        "workers.jobs.dispatch.dispatch_report",
        "workers.jobs.notify.notify_unit_new_report",
        "workers.jobs.notify.send_acknowledgement",
    ]


def test_intake_tells_the_auto_relay_that_jobs_were_written(client, session, graffiti):
    from dansmarue.jobs import autorelay

    session.info.pop(autorelay._FLAG, None)
    from dansmarue.reports import intake as reports

    reports.create_report(category_id=graffiti.id, **ROQUETTE)
    assert session.info.get(autorelay._FLAG) is True


def test_no_acknowledgement_job_without_email(client, session, graffiti):
    data = client.post("/api/v1/reports", json=body(graffiti)).json
    report_id = session.scalar(select(Report.id).where(Report.reference == data["reference"]))
    jobs = session.scalars(select(OutboxJob.func).where(OutboxJob.args == [report_id])).all()
    assert "workers.jobs.notify.send_acknowledgement" not in jobs
    assert len(jobs) == 2


def test_report_created_signal_is_sent(client, session, graffiti):
    from dansmarue import signals

    seen = []

    def receiver(report):
        seen.append((report.id, report.reference))

    signals.report_created.connect(receiver)
    try:
        data = client.post("/api/v1/reports", json=body(graffiti)).json
    finally:
        signals.report_created.disconnect(receiver)
    assert seen and seen[0][1] == data["reference"] and seen[0][0] is not None


def test_multipart_with_photos_stores_originals_and_queues_jobs(app, client, session, graffiti):
    form = {k: str(v) for k, v in body(graffiti, origin="G").items()}
    png = jpeg_bytes(fmt="PNG")
    form["close"] = (io.BytesIO(jpeg_bytes()), "close.jpg", "image/jpeg")
    # Declared as JPEG but really a PNG: the bytes decide.
    form["far"] = (io.BytesIO(png), "far.jpg", "image/jpeg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json["reference"].startswith("G")
    report = session.scalar(select(Report).where(Report.reference == response.json["reference"]))
    photos = session.scalars(select(Photo).where(Photo.report_id == report.id).order_by(Photo.view)).all()
    assert [(p.view, p.mime_type, p.status) for p in photos] == [
        ("close", "image/jpeg", "pending"),
        ("far", "image/png", "pending"),
    ]
    for photo in photos:
        path = os.path.join(app.config["MEDIA_ROOT"], photo.storage_key)
        assert os.path.exists(path)
        assert len(os.path.basename(path).split(".")[0]) >= 32  # unguessable key
        assert len(photo.access_key) == 43
    with open(os.path.join(app.config["MEDIA_ROOT"], photos[1].storage_key), "rb") as f:
        assert f.read() == png
    queued = session.scalars(
        select(OutboxJob.args).where(OutboxJob.func == "workers.jobs.photos.process_photo")
    ).all()
    assert sorted(a[0] for a in queued if a[0] in {p.id for p in photos}) == sorted(p.id for p in photos)


def _files_under(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


@pytest.mark.parametrize(
    "payload, code",
    [
        (b"%PDF-1.4 not a photo at all", "unsupported_type"),
        (b"hello world, plain text", "not_an_image"),
        (jpeg_bytes(400, 300)[:300], "truncated"),
    ],
)
def test_bad_photos_are_refused_before_anything_is_stored(app, client, session, graffiti, payload, code):
    before_files, before_reports = _files_under(app.config["MEDIA_ROOT"]), count(session, Report)
    form = {k: str(v) for k, v in body(graffiti).items()}
    form["close"] = (io.BytesIO(payload), "x.jpg", "image/jpeg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    error = response.json["errors"][0]
    assert error["field"] == "photos.close" and error["code"] in (code, "not_an_image", "truncated")
    assert count(session, Report) == before_reports
    assert _files_under(app.config["MEDIA_ROOT"]) == before_files


def test_decompression_bomb_is_refused(client, session, graffiti):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")  # 81 Mpx, a few kB
    form = {k: str(v) for k, v in body(graffiti).items()}
    form["far"] = (io.BytesIO(buffer.getvalue()), "bomb.png", "image/png")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "decompression_bomb"


def test_photo_over_10_mb_is_refused(client, session, graffiti):
    import io

    big = jpeg_bytes() + b"\0" * (10 * 1024 * 1024)
    form = {k: str(v) for k, v in body(graffiti).items()}
    form["close"] = (io.BytesIO(big), "big.jpg", "image/jpeg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "too_large"


def test_unknown_photo_slot_is_refused(client, session, graffiti):
    import io

    form = {k: str(v) for k, v in body(graffiti).items()}
    form["selfie"] = (io.BytesIO(jpeg_bytes()), "x.jpg", "image/jpeg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "selfie"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"latitude": 91}, "latitude"),
        ({"latitude": "nan"}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"longitude": True}, "longitude"),
        ({"priority": 4}, "priority"),
        ({"priority": 0}, "priority"),
        ({"description": "x" * 4001}, "description"),
        ({"email": "not-an-email"}, "email"),
        ({"origin": "B"}, "origin"),
        ({"category_id": "abc"}, "category_id"),
        ({"category_id": 10**12}, "category_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_fields_answer_422_field_by_field(client, session, graffiti, overrides, field):
    before = count(session, Report)
    response = client.post("/api/v1/reports", json=body(graffiti, **overrides))
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}
    assert count(session, Report) == before


def test_missing_required_fields(client, session):
    response = client.post("/api/v1/reports", json={})
    assert response.status_code == 422
    assert {"category_id", "latitude", "longitude"} <= {e["field"] for e in response.json["errors"]}


def test_description_is_cleaned_and_limit_counts_after_cleaning(client, session, graffiti):
    text = "Tag\x00 énorme\r\nsur la porte\x07\u202e" + "\x01" * 50
    data = client.post("/api/v1/reports", json=body(graffiti, description=text)).json
    report = session.scalar(select(Report).where(Report.reference == data["reference"]))
    assert report.description == "Tag énorme\nsur la porte"
    exactly = "é" * 4000 + "\x00" * 10
    assert client.post("/api/v1/reports", json=body(graffiti, description=exactly)).status_code == 201


def test_outside_paris_is_refused_with_clear_message(client, session, graffiti):
    before = count(session, Report)
    response = client.post("/api/v1/reports", json=body(graffiti, latitude=48.9000, longitude=2.2500))
    assert response.status_code == 422
    assert "pas situé dans Paris" in response.json["detail"]
    assert count(session, Report) == before


def test_category_rules(client, session):
    branch = category_where(session, Category.is_leaf.is_(False))
    agent = category_where(session, Category.agent_only, Category.is_leaf, Category.active)
    out = category_where(session, Category.out_of_scope)
    before = count(session, Report)
    for category, slug in (
        (branch, "unprocessable"),
        (agent, "unprocessable"),
        (out, "out-of-scope-category"),
    ):
        response = client.post("/api/v1/reports", json=body(category))
        assert response.status_code == 422, category.label
        assert response.json["type"] == f"/problems/{slug}"
        assert response.json["errors"][0]["field"] == "category_id"
    response = client.post("/api/v1/reports", json=body(out))
    assert response.json["detail"] == out.out_of_scope_message
    assert client.post("/api/v1/reports", json=body(branch, category_id=999999)).status_code == 422
    assert count(session, Report) == before


def test_inactive_category_is_refused(client, session, graffiti):
    graffiti.active = False
    session.flush()
    assert client.post("/api/v1/reports", json=body(graffiti)).status_code == 422


def test_agent_only_category_allowed_to_agents_through_the_service(session):
    from dansmarue.reports import intake as reports

    agent = category_where(
        session, Category.agent_only, Category.is_leaf, Category.active, Category.out_of_scope.is_(False)
    )
    report = reports.create_report(
        category_id=agent.id, as_agent=True, origin="B", actor_label="Agent", **ROQUETTE
    )
    assert report.id and report.reference.startswith("B")


def test_invalid_json_is_a_problem_not_a_500(client, session):
    response = client.post("/api/v1/reports", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    response = client.post("/api/v1/reports", json=[1, 2, 3])
    assert response.status_code == 422


def test_service_cleans_text_for_every_channel(session, graffiti):
    """Open311 and the mobile RPC call create_report with raw values: what
    PostgreSQL cannot store goes, the bounds hold (the API strips more)."""
    from dansmarue.errors import Unprocessable
    from dansmarue.reports import intake as reports

    report = reports.create_report(
        category_id=graffiti.id,
        description="Tag\x00\nici",
        address="  12 rue\ud800 X ",
        reporter_email=" A@B.fr ",
        reporter_guid="",
        **ROQUETTE,
    )
    assert (report.description, report.address, report.reporter_email, report.reporter_guid) == (
        "Tag\nici",
        "12 rue X",
        "a@b.fr",
        None,
    )
    with pytest.raises(Unprocessable) as refused:
        reports.create_report(category_id=graffiti.id, description="ab" * 2001, **ROQUETTE)
    assert refused.value.errors[0]["field"] == "description"
