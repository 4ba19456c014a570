"""Replays a field agent's sequence in the Android app (the same app, in its
agent mode once identitystore answers isAgent): sign-in, categories with the
agents' types, a resident's report programmed for a day, the route sheet of
that day (MapParisPresenter.searchFDTById), the report's details, field
precisions (AnomalyDetailsPresenter.java:272), service done, the note after
the round (WelcomeMapPresenter.java:115-122), read back by the sheet, and a
requalification (changeStatus, AnomalyDetailsPresenter.java:247-262).
Every answer is read with the app's Gson models (android_models.py).

The real app sends no bearer token (only its Gravitee key): this server keeps
the agents' calls behind one (docs/mobile_apps.md), so the agent's transport
carries it. test_replay_live.py runs this sequence against `scripts/run.sh`.
"""

import json
import os
from datetime import date

from dansmarue.api.mobile.agent_calls import sheet_number
from tests.agents.conftest import people  # noqa: F401  (fixture)
from tests.interop import android_models as m
from tests.interop.app_calls import (
    ANDROID_HEADERS,
    Transport,
    android_incident,
    android_photo,
    android_rpc,
    android_save_incident,
    transport_for,
)
from tests.interop.conftest import jpeg_bytes
from tests.interop.replay_support import dispatched

LIVE = bool(os.environ.get("REPLAY_BASE_URL"))
API, API_NO_SLASH = "signalement/api/", "signalement/api"
GRASS = "17"  # "Herbes éparses": routed to DPE-STPP-DT, the agent's unit
GRID = "24"  # "Élément de grille d'arbre manquant" (DVD-STV)
POINT = (48.8566, 2.3522)  # Hôtel de Ville
AGENT_GUID = "guid-agent-proprete"
DAY = date(2031, 3, 14)
NOTE = "Herbes arrachées, trottoir balayé"


def _ok(answer: dict) -> None:
    assert answer.get("answer", {}).get("status") == "0", answer


def android_agent_sequence(resident: Transport, agent: Transport, accounts: bool) -> None:
    """`agent` carries the agent's bearer token; `accounts`: the agent's
    account has AGENT_GUID (identitystore is then checked)."""
    number = sheet_number(DAY)

    # Sign-in (LoginPresenter): identitystore says whether the app turns to agent mode.
    from urllib.parse import urlencode

    status, text = agent.send(
        "POST",
        "/rest/signalement/identitystore",
        urlencode({"jsonStream": json.dumps({"guid": AGENT_GUID})}).encode(),
        {**ANDROID_HEADERS, "Content-Type": "application/x-www-form-urlencoded"},
    )
    identity = m.read(status, text, m.IDENTITY)
    if accounts:
        _ok(identity)
        assert identity["answer"]["user"]["isAgent"] is True

    categories = m.read(
        *android_rpc(
            agent,
            API,
            {"curVersion": "0", "curVersionMobileProd": "4.3.2", "request": "getCategories"},
        ),
        m.CATEGORIES,
    )
    _ok(categories)
    assert GRASS in categories["answer"]["categories"]

    def file_report(udid: str, seed: int) -> int:
        """A resident (no account, an e-mail) files a report the agent's unit handles."""
        saved = m.read(
            *android_rpc(
                resident,
                API,
                android_save_incident(
                    android_incident(
                        GRASS, "Parvis de l'Hôtel de Ville, 75004 Paris", f"Herbes hautes {seed}"
                    ),
                    *POINT,
                    udid=udid,
                    email="riverain@example.org",
                    guid=None,
                    user_token=None,
                ),
            ),
            m.SAVE_INCIDENT,
        )
        _ok(saved)
        incident_id = saved["answer"]["incidentId"]
        status, _ = android_photo(resident, incident_id, "close", jpeg_bytes(seed), udid)
        assert 200 <= status < 300
        _ok(
            m.read(
                *android_rpc(resident, API, {"id": str(incident_id), "request": "processWorkflow"}), m.SIMPLE
            )
        )
        dispatched(resident, incident_id)
        return incident_id

    def by_id(incident_id: int) -> dict:
        detail = m.read(
            *android_rpc(
                agent,
                API_NO_SLASH,
                {"id": incident_id, "source": "DansMaRue", "guid": AGENT_GUID, "request": "getIncidentById"},
            ),
            m.BY_ID,
        )
        _ok(detail)
        return detail["answer"]["incident"]

    incident_id = file_report("android-udid-riverain", 41)

    # Programmed for DAY by the unit (the agents' API, as /agent's form does).
    reference = by_id(incident_id)["numero"]
    status, text = agent.send("GET", f"/api/v1/agent/reports/{reference}")
    assert status == 200, text
    version = json.loads(text)["version"]
    status, text = agent.send(
        "POST",
        f"/api/v1/agent/reports/{reference}/actions/schedule",
        json.dumps({"date": DAY.isoformat()}).encode(),
        {"Content-Type": "application/json", "If-Match": f'"{version}"'},
    )
    assert status == 200, text

    # The route sheet of that day (SiraApiService.java:221, an int path segment).
    def sheet() -> dict:
        read = m.read(
            *agent.send("GET", f"/rest/signalement/searchIncidentsByIdFdt/{number}", headers=ANDROID_HEADERS),
            m.BY_POSITION,
        )
        _ok(read)
        assert read["request"] == "searchIncidentsByIdFdt"  # MapParisPresenter.java:122
        assert read["answer"].get("closest_incidents") is None and read["answer"].get("incident") is None
        return read["answer"]

    stops = sheet()
    assert incident_id in [i["id"] for i in stops["incidents"]]
    assert isinstance(stops["infosAvantTournee"], str)

    # On site: field precisions (SavePrecisionsTerrainRequest: Long idSignalement).
    _ok(
        m.read(
            *android_rpc(
                agent,
                API,
                {
                    "idSignalement": incident_id,
                    "precisionsTerrain": "Côté rue de Rivoli",
                    "request": "savePrecisionsTerrain",
                },
            ),
            m.SIMPLE,
        )
    )
    done = m.read(
        *android_rpc(
            agent,
            API,
            {
                "incidentId": str(incident_id),
                "numeroMessage": 0,
                "isGeneric": True,
                "guid": AGENT_GUID,
                "udid": "android-udid-agent",
                "email": "proprete@paris.fr",
                "request": "incidentResolved",
            },
        ),
        m.SIMPLE,
    )
    _ok(done)

    # After the round (SaveInfosApresTourneeRequest: int idFDT), read back by the sheet.
    _ok(
        m.read(
            *android_rpc(
                agent, API, {"idFDT": number, "infosApresTournee": NOTE, "request": "saveInfosApresTournee"}
            ),
            m.SIMPLE,
        )
    )
    stops = sheet()
    assert stops["infosApresTournee"] == NOTE
    (mine,) = [i for i in stops["incidents"] if i["id"] == incident_id]
    assert mine["state"] == "R" and mine["precisionsTerrain"] == "Côté rue de Rivoli"

    # Another report, of the wrong type: the agent requalifies it (changeStatus,
    # AnomalyDetailsPresenter.doRequalification: the ChangeStatusRequest.Answer
    # object with its Java defaults; the token is null for an agent, so left out).
    other_id = file_report("android-udid-voisin", 42)
    before = by_id(other_id)
    changed = m.read(
        *android_rpc(
            agent,
            API,
            {
                "answer": {
                    "id": other_id,
                    "reference": before["numero"],
                    "status": "requalifier",
                    "action_date": "",
                    "comment": "Grille d'arbre, pas des herbes",
                    "rejection_reason": "",
                    "programming_date": "",
                    "id_type_anomalie": int(GRID),
                    "chosenMessage": "",
                    "email": "proprete@paris.fr",
                },
                "request": "changeStatus",
            },
        ),
        m.CHANGE_STATUS,
    )
    # AnomalyDetailsPresenter.java:206: a success is an id and no error.
    assert changed["answer"]["id"] == str(other_id) and changed["answer"].get("error") is None
    assert by_id(other_id)["alias"] != before["alias"]


def test_android_agent_sequence(client, session, people):
    people["users"]["agent"].account_guid = AGENT_GUID
    session.commit()  # a refused call rolls back: the accounts must outlive it
    resident = transport_for(client)
    android_agent_sequence(resident, resident.with_bearer(people["tokens"]["agent"]), accounts=not LIVE)
