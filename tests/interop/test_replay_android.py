"""Replays the Android app's calls as it builds them (SiraApiService.java URLs,
Gson-serialised models) and reads every answer with its Gson models
(android_models.py): a type the app cannot read fails the test, as it would
fail the app. Steps follow the app: SplashScreenPresenter (isDmrOnline →
checkVersion → getCategories, news, help), MapParisPresenter (map, bulky-item
pickups, search by number), AddAnomalyPresenter (saveIncident → photos →
processWorkflow), AnomalyDetailsPresenter (getIncidentById, follow,
congratulate, incidentResolved), ProfilePresenter (getIncidentsByUser),
LoginPresenter (identitystore).

Set REPLAY_BASE_URL=http://127.0.0.1:8000 to replay against a running server
(`make run`); the account checks then only check that the app can read the answers.
test_replay_live.py runs the same sequences against `scripts/run.sh` started
by the test itself (web, worker, scheduler), accounts included.
"""

import json
import os

from tests.interop import android_models as m
from tests.interop.app_calls import (
    ANDROID_HEADERS,
    Transport,
    android_category_request,
    android_incident,
    android_photo,
    android_rpc,
    android_save_incident,
    transport_for,
)
from tests.interop.conftest import jpeg_bytes
from tests.interop.replay_support import (  # noqa: F401  (fixture)
    ADDRESS,
    DESCRIPTION,
    HOTEL_DE_VILLE,
    android_version_compare,
    dispatched,
    pick_leaf,
    resident_account,
)

LIVE = bool(os.environ.get("REPLAY_BASE_URL"))
APP_VERSION = "4.3.2"  # BuildConfig.VERSION_NAME
UDID = "android-udid-5f1c"
API, API_NO_SLASH = "signalement/api/", "signalement/api"  # SiraApiService.java:57, :87


def _ok(model_answer: dict) -> None:
    assert model_answer["answer"]["status"] == "0"  # Constants.STATUT_WS_OK compared with equals


def test_android_resident_sequence(client, session, resident_account):
    android_resident_sequence(transport_for(client), accounts=not LIVE)


def android_resident_sequence(t: Transport, accounts: bool) -> None:
    """The resident's whole sequence; `accounts`: the server knows
    `resident_account` (else only the answers' readability is checked)."""
    guid, email = "guid-camille", "camille.martin@example.org"

    # Splash: isDmrOnline (SiraApiService.java:203), then checkVersion if online.
    status, text = t.send("GET", "/rest/signalement/isDmrOnline", headers=ANDROID_HEADERS)
    online = m.read(status, text, m.SIMPLE)
    assert online["online"] is True  # SplashScreenPresenter.java:467
    assert not (online.get("message_information") or "").strip()  # else a dialog, no checkVersion

    version = m.read(*android_rpc(t, API, {"request": "checkVersion"}), m.CHECK_VERSION)
    mandatory = version["answer"]["derniereVersionObligatoire"]
    assert mandatory is not None  # else the store version is never compared (:266)
    assert android_version_compare(APP_VERSION, mandatory) >= 0  # no forced update
    store = version["answer"].get("androidVersionStore")
    assert store is None or android_version_compare(APP_VERSION, store) >= 0

    categories = m.read(*android_rpc(t, API, android_category_request()), m.CATEGORIES)
    _ok(categories)
    tree = categories["answer"]["categories"]
    assert tree and tree["0"]["children_id"]
    leaf = pick_leaf(tree)

    for path, model, key in (("getActualite/0", m.NEWS, "actualites"), ("getAide/0", m.HELP, "aides")):
        pages = m.read(*t.send("GET", f"/rest/signalement/{path}", headers=ANDROID_HEADERS), model)
        _ok(pages)
        assert isinstance(pages["answer"]["version"], int)
        assert isinstance(pages["answer"][key], list)

    # Map: incidents around the position, and the bulky-item pickups.
    lat, lon = HOTEL_DE_VILLE
    position = {"latitude": lat, "longitude": lon}
    around = m.read(
        *android_rpc(
            t, API_NO_SLASH, {"guid": guid, "position": position, "request": "getIncidentsByPosition"}
        ),
        m.BY_POSITION,
    )
    _ok(around)
    assert isinstance(around["answer"]["closest_incidents"], list)
    status, text = t.send(
        "POST",
        "/rest/signalement/getDossiersCourrantsByGeomWithLimit",
        json.dumps(position).encode(),
        {**ANDROID_HEADERS, "Content-Type": "application/json; charset=UTF-8"},
    )
    assert m.ramen_dossiers(status, text) == []

    # Publishing: saveIncident, the two photos, then processWorkflow.
    incident = android_incident(leaf, ADDRESS, DESCRIPTION)
    saved = m.read(
        *android_rpc(
            t,
            API,
            android_save_incident(
                incident, lat, lon, udid=UDID, email=email, guid=guid, user_token="fcm-token"
            ),
        ),
        m.SAVE_INCIDENT,
    )
    _ok(saved)
    incident_id = saved["answer"]["incidentId"]
    assert isinstance(incident_id, int)
    for view, seed in (("close", 21), ("far", 22)):
        status, _ = android_photo(t, incident_id, view, jpeg_bytes(seed), UDID)
        assert 200 <= status < 300  # UploadPictureObserver: any 2xx body is a success
    _ok(m.read(*android_rpc(t, API, {"id": str(incident_id), "request": "processWorkflow"}), m.SIMPLE))
    dispatched(t, incident_id)

    # Details, as its reporter (GetIncidentByIdRequest: Long id, source, guid).
    detail = m.read(
        *android_rpc(
            t,
            API_NO_SLASH,
            {"id": incident_id, "source": "DansMaRue", "guid": guid, "request": "getIncidentById"},
        ),
        m.BY_ID,
    )
    _ok(detail)
    found = detail["answer"]["incident"]
    assert found["id"] == incident_id and found["descriptive"] == DESCRIPTION
    assert found["state"] == "O" and found["address"] == ADDRESS
    assert float(found["lat"]) == lat and float(found["lng"]) == lon
    assert len(found["pictures"]["close"]) == 1 and len(found["pictures"]["far"]) == 1
    assert found["isIncidentFollowedByUser"] is True  # processWorkflow: the reporter follows
    assert found.get("reporterGuid") is None  # compared server-side instead:
    assert detail["answer"]["resolved_authorization"] is True
    messages = detail["answer"]["messages_sf_generic"] + detail["answer"]["messages_sf_typologie"]
    assert all(isinstance(msg["numero_message"], int) for msg in messages)

    # Someone else follows and congratulates it.
    _ok(
        m.read(
            *android_rpc(
                t,
                API,
                {
                    "incidentId": str(incident_id),
                    "guid": "guid-voisin",
                    "email": "voisin@example.org",
                    "device": "G",
                    "udid": "udid-voisin",
                    "userToken": "t",
                    "request": "follow",
                },
            ),
            m.SIMPLE,
        )
    )
    _ok(
        m.read(
            *android_rpc(t, API, {"incidentId": str(incident_id), "request": "congratulateAnomalie"}),
            m.SIMPLE,
        )
    )
    other = m.read(
        *android_rpc(
            t,
            API_NO_SLASH,
            {"id": incident_id, "source": "DansMaRue", "guid": "guid-voisin", "request": "getIncidentById"},
        ),
        m.BY_ID,
    )
    assert other["answer"]["resolved_authorization"] is False
    assert other["answer"]["incident"]["followers"] == 2
    assert other["answer"]["incident"]["congratulations"] == 1
    assert other["answer"]["incident"].get("token") is None

    # The reporter declares it resolved with a service-done message (IncidentResolvedRequest).
    chosen = messages[0]["numero_message"] if messages else 0
    _ok(
        m.read(
            *android_rpc(
                t,
                API,
                {
                    "incidentId": str(incident_id),
                    "numeroMessage": chosen,
                    "isGeneric": True,
                    "guid": guid,
                    "udid": UDID,
                    "email": email,
                    "request": "incidentResolved",
                },
            ),
            m.SIMPLE,
        )
    )

    # Profile: resolved reports of the account.
    mine = m.read(
        *android_rpc(t, API, {"guid": guid, "filterIncidentStatus": "R", "request": "getIncidentsByUser"}),
        m.BY_USER,
    )
    _ok(mine)
    assert incident_id in [i["id"] for i in mine["answer"]["incidents"]]
    assert [i["state"] for i in mine["answer"]["incidents"] if i["id"] == incident_id] == ["R"]

    # Search by number (MapParisPresenter.java:116-121 reads answer.incident[0]).
    number = found["numero"]
    by_number = m.read(
        *t.send("GET", f"/rest/signalement/getAnomalieByNumber/{number}", headers=ANDROID_HEADERS),
        m.BY_POSITION,
    )
    _ok(by_number)
    assert [i["id"] for i in by_number["answer"]["incident"]] == [incident_id]
    unknown = m.read(
        *t.send("GET", "/rest/signalement/getAnomalieByNumber/B2000A999999", headers=ANDROID_HEADERS),
        m.BY_POSITION,
    )
    assert unknown.get("answer") is None and unknown["error_message"]  # shown (:129-130)

    # Sign-in: identitystore with the bare IdentityRequest object (no [ ]).
    from urllib.parse import urlencode

    status, text = t.send(
        "POST",
        "/rest/signalement/identitystore",
        urlencode({"jsonStream": json.dumps({"guid": guid})}).encode(),
        {**ANDROID_HEADERS, "Content-Type": "application/x-www-form-urlencoded"},
    )
    identity = m.read(status, text, m.IDENTITY)
    if accounts:
        _ok(identity)
        assert identity["answer"]["user"] == {
            "name": "Martin",
            "firstname": "Camille",
            "mail": email,
            "isAgent": False,
        }


def test_android_equipment_module_reads(client, session):
    """SplashScreenPresenter.java:121-131 loads the equipment catalogue at every launch."""
    t = transport_for(client)
    cats = m.read(*android_rpc(t, "equipement/api/", android_category_request()), m.EQUIPMENT_CATEGORIES)
    _ok(cats)
    equipments = m.read(
        *android_rpc(t, "equipement/api/", {"curVersion": "0", "request": "getEquipements"}), m.EQUIPMENTS
    )
    _ok(equipments)
    assert equipments["answer"]["equipements"] == {}  # no equipment register here
