"""Replays the Android app's publishing sequence (AddAnomalyPresenter):
saveIncident → photo close → photo far → processWorkflow → getIncidentById."""

from sqlalchemy import select

from dansmarue.models import Photo, Report
from tests.interop.conftest import jpeg_bytes
from tests.interop.mobile_client import answer, save_incident, upload
from workers.jobs.photos import process_photo


def test_android_publishing_sequence(client, session, leaf):
    # 1. saveIncident: the report exists, without photos yet.
    incident_id = answer(client, save_incident(client, leaf.id))["incidentId"]

    # 2. The two photos, raw JPEG bodies with the app's headers.
    for view, seed in (("close", 11), ("far", 12)):
        status, body = upload(client, incident_id, view, jpeg_bytes(seed))
        assert status == 200 and body["answer"]["status"] == 0

    # 3. processWorkflow: status 0, and the reporter now follows the report.
    assert answer(client, {"request": "processWorkflow", "id": str(incident_id)}) == {"status": 0}

    # The photo worker runs (the real job function, as RQ would call it).
    session.expire_all()
    photo_ids = session.scalars(select(Photo.id).where(Photo.report_id == incident_id)).all()
    assert [process_photo(pid) for pid in photo_ids] == ["ready", "ready"]

    # 4. getIncidentById, as the app asks for it after publishing.
    result = answer(
        client,
        {
            "request": "getIncidentById",
            "id": str(incident_id),
            "source": "DansMaRue",
            "guid": "guid-reporter",
        },
    )
    incident = result["incident"]
    report = session.get(Report, incident_id)
    assert incident["id"] == incident_id and incident["numero"] == report.reference
    assert incident["followers"] == 1 and incident["isIncidentFollowedByUser"] is True
    assert "reporterGuid" not in incident  # compared server-side, never published
    assert incident["token"] == report.token  # the reporter gets their tracking token
    assert len(incident["pictures"]["close"]) == 1 and len(incident["pictures"]["far"]) == 1
    assert incident["pictures"]["done"] == []
    assert incident["descriptive"] == "Graffiti sur le mur"
    assert result["resolved_authorization"] is True

    # The picture URLs serve the processed 800 px JPEG.
    url = incident["pictures"]["close"][0]
    assert url.startswith("http://testserver/media/photos/")
    image = client.get(url.removeprefix("http://testserver"))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.data[:2] == b"\xff\xd8"
