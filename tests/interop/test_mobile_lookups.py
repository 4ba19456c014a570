"""Mobile requests getReports, checkVersion, getIncidentPhotos, searchByNumber,
and the GET endpoints isDmrOnline and getAnomalieByNumber."""

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
    second = make_report(reporter_udid="udid-phone-1", reporter_guid=None, description="Deuxième")
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
    assert result == {
        "status": 0,
        "version": current,
        "upToDate": True,
        "androidVersionStore": None,
        "androidMajObligatoire": "false",
        "derniereVersionObligatoire": "0",
        "iosDerniereVersionObligatoire": "0",
    }
    assert (
        answer(client, {"request": "checkVersion", "curVersion": f"{current}.0"})["upToDate"] is True
    )  # iOS keeps versions as doubles
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
    result = answer(client, {"request": "getIncidentsByPosition", "searchByNumber": number, **extra})
    assert isinstance(result["closest_incidents"], list)  # as both apps parse it
    return result["closest_incidents"]


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
    """Top-level online and message_information (SiraSimpleResponse.java:16-19,
    RestApiManager.swift:1444 and :1146), at both the apps' path and the old one."""
    for path in ("/rest/signalement/isDmrOnline", f"{GET}/isDmrOnline"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.json["online"] is True and response.json["message_information"] == ""


def test_is_dmr_online_when_the_city_closes_the_apps(tmp_path_factory):
    from tests.interop.conftest import own_app

    app = own_app(tmp_path_factory, MOBILE_ONLINE=False, MOBILE_MESSAGE_INFORMATION="Maintenance ce soir.")
    response = app.test_client().get("/rest/signalement/isDmrOnline")
    assert response.status_code == 503
    assert "online" not in response.json  # iOS tests the key's presence
    assert response.json["message_information"] == "Maintenance ce soir."


def test_anomaly_by_number(client, session, make_report):
    report = make_report()
    for path in ("/rest/signalement", GET):
        response = client.get(f"{path}/getAnomalieByNumber/{report.reference}")
        assert response.status_code == 200
        body = response.json
        assert body["request"] == "getAnomalieByNumber" and body["answer"]["status"] == 0
        [incident] = body["answer"]["incident"]  # an array (List<Incident>, .arrayValue)
        assert incident["id"] == report.id and incident["numero"] == report.reference
        assert incident["token"] is None  # only its reporter gets the tracking key
    mine = client.get(f"{GET}/getAnomalieByNumber/{report.reference}/guid-reporter").json
    assert mine["answer"]["incident"][0]["token"] == report.token


def test_anomaly_by_number_refused_after_90_days(client, session, make_report):
    """200 with an error_message, which both apps display (iOS indexes [0] of the
    array, so an empty one would crash it: BottomSheetViewController.swift:790)."""
    report = make_report()
    report.created_at = utcnow() - timedelta(days=91)
    session.flush()
    response = client.get(f"/rest/signalement/getAnomalieByNumber/{report.reference}")
    assert response.status_code == 200 and "answer" not in response.json
    assert response.json["error"] == 12 and "90 jours" in response.json["error_message"]
    unknown = client.get("/rest/signalement/getAnomalieByNumber/B2000A999999")
    assert unknown.status_code == 200 and unknown.json["error"] == 12
    assert session.scalar(select(func.count()).select_from(Report).where(Report.id == report.id)) == 1
