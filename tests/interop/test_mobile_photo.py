"""POST /rest/signalement/api/photo: raw body, headers, ownership, size, replacement."""

from sqlalchemy import select

from dansmarue.models import OutboxJob, Photo
from tests.interop.conftest import jpeg_bytes
from tests.interop.mobile_client import upload


def _photos(session, report):
    session.expire_all()
    return session.scalars(select(Photo).where(Photo.report_id == report.id).order_by(Photo.id)).all()


def test_owner_uploads_close_and_far(client, session, make_report):
    report = make_report()
    for view, seed in (("close", 1), ("far", 2)):
        status, body = upload(client, report.id, view, jpeg_bytes(seed))
        assert status == 200, body
        assert body["answer"]["status"] == 0 and body["answer"]["type"] == view
    photos = _photos(session, report)
    assert [(p.view, p.status) for p in photos] == [("close", "pending"), ("far", "pending")]
    jobs = session.scalars(
        select(OutboxJob.args).where(OutboxJob.func == "workers.jobs.photos.process_photo")
    ).all()
    assert all([p.id] in jobs for p in photos)  # one processing job per photo


def test_a_new_photo_replaces_the_same_view(client, session, make_report):
    report = make_report()
    upload(client, report.id, "close", jpeg_bytes(1))
    first = _photos(session, report)[0].id
    status, _ = upload(client, report.id, "close", jpeg_bytes(4))
    assert status == 200
    photos = _photos(session, report)
    assert len(photos) == 1 and photos[0].id != first


def test_guid_header_also_proves_ownership(client, session, make_report):
    report = make_report()
    status, _ = upload(client, report.id, "far", jpeg_bytes(2), udid=None, guid="guid-reporter")
    assert status == 200


def test_someone_else_cannot_add_photos(client, session, make_report):
    report = make_report()
    for udid in ("udid-intruder", None):
        status, body = upload(client, report.id, "close", jpeg_bytes(1), udid=udid)
        assert status == 403
        assert body["error"] == 36
    assert _photos(session, report) == []


def test_unknown_incident_bad_type_and_missing_id(client, session, make_report):
    report = make_report()
    status, body = upload(client, 987654321, "close", jpeg_bytes(1))
    assert status == 404 and body["error"] == 12
    status, body = upload(client, report.id, "selfie", jpeg_bytes(1))
    assert status == 400 and body["error"] == 3
    status, body = upload(client, "", "close", jpeg_bytes(1))
    assert status == 400 and body["error"] == 15


def test_not_an_image_is_error_29(client, session, make_report):
    report = make_report()
    status, body = upload(client, report.id, "close", b"<html>not a photo</html>")
    assert status == 400 and body["error"] == 29
    assert _photos(session, report) == []


def test_more_than_10_mb_is_refused(client, session, make_report):
    report = make_report()
    status, body = upload(client, report.id, "close", b"\xff\xd8" + b"0" * (10 * 1024 * 1024))
    assert status == 413 and body["error"] == 29
    assert _photos(session, report) == []
