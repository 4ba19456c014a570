"""Replays the iOS app's calls as RestApiManager.swift builds them (raw
"jsonStream=[…]" bodies at base + "signalement/api", photos at ".../photo/") and
reads every answer with its SwiftyJSON code (ios_readers.py): a force-unwrapped
key that is missing fails the test, as it crashes the app, and each step checks
that the app really got the data (SwiftyJSON reads a wrong type as empty).

Set REPLAY_BASE_URL=http://127.0.0.1:8000 to replay against a running server;
test_replay_live.py runs this sequence against `scripts/run.sh` itself.
"""

import os

from tests.interop import ios_readers as ios
from tests.interop.app_calls import IOS_RPC, Transport, ios_photo, ios_post, swift_double, transport_for
from tests.interop.conftest import jpeg_bytes
from tests.interop.replay_support import (  # noqa: F401  (fixture)
    ADDRESS,
    DESCRIPTION,
    HOTEL_DE_VILLE,
    dispatched,
    ios_update_required,
    pick_leaf,
    resident_account,
)

LIVE = bool(os.environ.get("REPLAY_BASE_URL"))
APP_VERSION = "4.3.0"  # Bundle.main.version
UDID = "6F9619FF-8B86-D011-B42D-00C04FC964FF"  # identifierForVendor
GUID, EMAIL = "guid-camille", "camille.martin@example.org"
DEVICE_TOKEN = "apns-device-token"


def test_ios_resident_sequence(client, session, resident_account):
    ios_resident_sequence(transport_for(client), accounts=not LIVE)


def ios_resident_sequence(t: Transport, accounts: bool) -> None:
    """The resident's whole sequence; `accounts` as in android_resident_sequence."""

    # Launch: isDMROnline and getOpeningMessage (same URL), checkVersion.
    status, text = t.send("GET", "/rest/signalement/isDmrOnline")
    assert ios.is_online(ios.parse(text))
    assert ios.opening_message(ios.parse(text)) == ""
    _, text = ios_post(t, 'jsonStream=[{"request":"checkVersion"}]')
    assert not ios_update_required(APP_VERSION, ios.check_version(ios.parse(text)))

    # getCategories with no cached file (curVersion "0.0"), then with its version.
    body = (
        f'jsonStream=[{{"request":"getCategories","curVersion":"{swift_double(0)}",'
        f'"curVersionMobileProd":"{APP_VERSION}"}}]'
    )
    _, text = ios_post(t, body)
    tree = ios.categories(ios.parse(text))
    assert tree, "the app would keep no category"
    leaf = pick_leaf(tree)
    version = next(a for a in ios.parse(text) if "answer" in a)["answer"]["version"]
    cached = body.replace('"curVersion":"0.0"', f'"curVersion":"{swift_double(version)}"')
    _, text = ios_post(t, cached)
    assert ios.categories(ios.parse(text)) == {}  # up to date: the cache is kept

    for path, kind in (("getActualite/0", "actualites"), ("getAide/0", "aides")):
        _, text = t.send("GET", f"/rest/signalement/{path}")
        read = ios.pages(ios.parse(text), kind)
        assert read is not None and isinstance(read[1], list)

    # The map (lines 25-36), with its "radius":"far".
    lat, lon = HOTEL_DE_VILLE
    _, text = ios_post(
        t,
        f'jsonStream=[{{"position":{{"latitude":{swift_double(lat)},'
        f'"longitude":{swift_double(lon)}}},"radius":"far",'
        f'"request":"getIncidentsByPosition","guid":"{GUID}"}}]',
    )
    assert isinstance(ios.incidents_by_position(ios.parse(text)), list)

    # saveIncident (line 462: categoryId and priorityId are unquoted), photos, workflow.
    body = (
        f'jsonStream=[{{"request":"saveIncident","email":"{EMAIL}","incident":'
        f'{{"categoryId":{leaf},"address":"{ADDRESS}","descriptive":"{DESCRIPTION}",'
        f'"priorityId":2, "origin": "A"}}, "position":{{"latitude":{swift_double(lat)},'
        f'"longitude":{swift_double(lon)}}}, "udid":"{UDID}", "guid":"{GUID}", '
        f'"userToken":"{DEVICE_TOKEN}"}}]'
    )
    _, text = ios_post(t, body)
    incident_id = ios.saved_incident_id(ios.parse(text))
    assert incident_id and incident_id.isdigit(), text
    for view, seed in (("close", 31), ("far", 32)):
        _, text = ios_photo(t, IOS_RPC, incident_id, view, jpeg_bytes(seed), UDID)
        assert ios.photo_ok(ios.parse(text)), text
    _, text = ios_post(t, f'jsonStream=[{{"request":"processWorkflow","id":"{incident_id}"}}]')
    assert ios.status_ok(ios.parse(text))
    dispatched(t, int(incident_id))

    def detail(guid: str) -> dict:
        _, text = ios_post(
            t,
            f'jsonStream=[{{"id":"{incident_id}","request":"getIncidentById",'
            f'"source":"DansMaRue", "guid":"{guid}"}}]',
        )
        anomaly = ios.incident_by_id(ios.parse(text))
        assert anomaly is not None, text
        return anomaly

    mine = detail(GUID)
    assert mine["id"] == incident_id and mine["address"] == ADDRESS
    assert (mine["lat"], mine["lng"]) == (lat, lon) and mine["source"] == "DansMaRue"
    assert mine["date"] and mine["hour"] and mine["followed"] is True
    assert mine["resolvedAuthorization"] is True

    # A neighbour follows (follow force-unwraps its own User.shared.email) and congratulates.
    _, text = ios_post(
        t,
        f'jsonStream=[{{"request":"follow", "incidentId":"{incident_id}", '
        f'"guid":"guid-voisin", "udid":"udid-voisin", '
        f'"email":"voisin@example.org", "userToken":"-1", "device":"A"}}]',
    )
    assert ios.status_ok(ios.parse(text))
    _, text = ios_post(
        t, f'jsonStream=[{{"request":"congratulateAnomalie",' f'"incidentId":"{incident_id}"}}]'
    )
    assert ios.status_ok(ios.parse(text))
    theirs = detail("guid-voisin")
    assert theirs["resolvedAuthorization"] is False and theirs["followers"] == 2

    # The reporter resolves it, choosing a service-done message (lines 684-685).
    chosen = mine["messages"][0][0] if mine["messages"] else ""
    if chosen:
        body = (
            f'jsonStream=[{{"request":"incidentResolved", "incidentId":"{incident_id}", '
            f'"guid":"{GUID}", "udid":"{UDID}", "numeroMessage":"{chosen}", '
            f'"isGeneric":"false", "email":"{EMAIL}"}}]'
        )
    else:
        body = (
            f'jsonStream=[{{"request":"incidentResolved", "incidentId":"{incident_id}", '
            f'"guid":"{GUID}", "udid":"{UDID}", "email":"{EMAIL}"}}]'
        )
    _, text = ios_post(t, body)
    assert ios.status_ok(ios.parse(text)), text

    _, text = ios_post(
        t, f'jsonStream=[{{"request":"getIncidentsByUser", "guid":"{GUID}", ' f'"filterIncidentStatus":"R"}}]'
    )
    listed = [i for i in ios.incidents_by_user(ios.parse(text)) if i["id"] == incident_id]
    assert [i["state"] for i in listed] == ["R"]

    # Search by number: the app then opens the report by its id.
    number = next(i for i in ios.incidents_by_user(ios.parse(text)) if i["id"] == incident_id)["number"]
    _, text = t.send("GET", f"/rest/signalement/getAnomalieByNumber/{number}")
    assert ios.by_number(ios.parse(text)) == {"id": incident_id}
    _, text = t.send("GET", "/rest/signalement/getAnomalieByNumber/B2000A999999")
    assert ios.by_number(ios.parse(text))["popup"]  # a message, not a crash

    # identitystore (lines 1062-1093): a bare {"guid"} object.
    _, text = ios_post(t, f'jsonStream={{"guid":"{GUID}"}}', "/rest/signalement/identitystore")
    profile = ios.identity(ios.parse(text))
    if accounts:
        assert profile == {
            "status": True,
            "lastName": "Martin",
            "firstName": "Camille",
            "email": EMAIL,
            "isAgent": False,
        }


def test_ios_equipment_detail_has_its_force_unwrapped_id(client, make_report):
    """getIncidentEquipementById (lines 245-316) force-unwraps incident.equipementId."""
    if LIVE:
        return
    report = make_report()
    t = transport_for(client)
    _, text = ios_post(
        t,
        f'jsonStream=[{{"id":"{report.id}","request":"getIncidentById", ' f'"guid":""}}]',
        "/rest/equipement/api",
    )
    anomaly = ios.incident_by_id(ios.parse(text), equipment=True)
    assert anomaly["id"] == str(report.id) and anomaly["equipementId"] == ""
