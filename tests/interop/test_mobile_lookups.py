"""Mobile requests getReports, checkVersion, getIncidentPhotos, searchByNumber,
and the GET endpoints isDmrOnline and getAnomalieByNumber."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from dansmarue.catalogue import categories
from dansmarue.models import Report, utcnow
from dansmarue.workflow.states import PUBLIC_STATES
from tests.interop.conftest import jpeg_bytes
from tests.interop.mobile_client import answer, error_code, upload

GET = "/rest/signalement/api"


def test_get_reports_lists_the_device_reports_newest_first(client, session, make_report):
    first = make_report(reporter_udid="udid-phone-1", reporter_guid=None)
    second = make_report(reporter_udid="udid-phone-1", reporter_guid=None,
                         description="Deuxième")
    make_report(reporter_udid="udid-other")
    second.created_at = first.created_at + timedelta(seconds=5)
    session.flush()
    result = answer(client, {"request": "getReports", "udid": "udid-phone-1"})
    assert [i["id"] for i in result["incidents"]] == [second.id, first.id]
    item = result["incidents"][0]
    assert item["numero"] == second.reference and isinstance(item["lat"], float)
    assert answer(client, {"request": "getReports", "udid": "nobody"})["incidents"] == []
    assert error_code(client, {"request": "getReports"}) == 13


def test_check_version_compares_with_the_catalogue(client, session):
    current = categories.version()
    result = answer(client, {"request": "checkVersion", "curVersion": current})
    assert result == {"status": 0, "version": current, "upToDate": True}
    stale = answer(client, {"request": "checkVersion", "curVersion": current - 1})
    assert stale["upToDate"] is False
    assert answer(client, {"request": "checkVersion"})["upToDate"] is False


def test_get_incident_photos(client, session, make_report):
    report = make_report()
    empty = answer(client, {"request": "getIncidentPhotos", "incidentId": report.id})
    assert empty["incidentId"] == report.id
    assert empty["pictures"] == {"close": [], "far": [], "done": []}
    assert upload(client, report.id, "close", jpeg_bytes(3))[0] == 200
    session.expire_all()
    result = answer(client, {"request": "getIncidentPhotos", "incidentId": str(report.id)})
    assert len(result["pictures"]["close"]) == 1
    assert isinstance(result["pictures"]["close"][0], str)
    assert error_code(client, {"request": "getIncidentPhotos", "incidentId": 999999999}) == 12
    assert error_code(client, {"request": "getIncidentPhotos"}) == 15


def _by_number(client, number, **extra):
    result = answer(client, {"request": "getIncidentsByPosition", "searchByNumber": number,
                             **extra})
    assert isinstance(result["closest_incidents"], str)  # serialised, as the real one
    return json.loads(result["closest_incidents"])


def test_search_by_number_needs_no_position(client, session, make_report):
    report = make_report()
    found = _by_number(client, report.reference.lower())
    assert [i["id"] for i in found] == [report.id]
    assert _by_number(client, "B2000A999999") == []


def test_search_by_number_keeps_the_map_rules(client, session, make_report):
    hidden = make_report()
    hidden.state = "done"  # closed: not a public (map) state
    old = make_report()
    old.created_at = utcnow() - timedelta(days=400)
    session.flush()
    assert "done" not in PUBLIC_STATES
    assert _by_number(client, hidden.reference) == []
    assert _by_number(client, old.reference) == []


def test_is_dmr_online(client):
    response = client.get(f"{GET}/isDmrOnline")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json == [{"request": "isDmrOnline", "answer": {"status": 0, "online": True}}]


def test_anomaly_by_number(client, session, make_report):
    report = make_report()
    response = client.get(f"{GET}/getAnomalieByNumber/{report.reference}")
    assert response.status_code == 200
    body = response.json
    assert body[0]["request"] == "getAnomalieByNumber"
    incident = body[0]["answer"]["incident"]
    assert incident["id"] == report.id and incident["numero"] == report.reference
    assert incident["token"] is None  # only its reporter gets the tracking key
    mine = client.get(f"{GET}/getAnomalieByNumber/{report.reference}/guid-reporter").json
    assert mine[0]["answer"]["incident"]["token"] == report.token


def test_anomaly_by_number_refused_after_90_days(client, session, make_report):
    report = make_report()
    report.created_at = utcnow() - timedelta(days=91)
    session.flush()
    response = client.get(f"{GET}/getAnomalieByNumber/{report.reference}")
    assert response.status_code == 404
    assert response.json["error"] == 12 and "90 jours" in response.json["error_message"]
    unknown = client.get(f"{GET}/getAnomalieByNumber/B2000A999999")
    assert unknown.status_code == 404 and unknown.json["error"] == 12
    assert session.scalar(select(func.count()).select_from(Report).where(
        Report.id == report.id)) == 1
