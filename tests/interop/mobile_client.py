"""How the DansMaRue apps talk to the server: a form field `jsonStream`."""

import json

RPC = "/rest/signalement/api"
PHOTO = "/rest/signalement/api/photo"


def rpc(client, request: dict | None = None, raw: str | None = None):
    """POST one request; return (http status, decoded body)."""
    stream = raw if raw is not None else json.dumps([request])
    response = client.post(RPC, data={"jsonStream": stream}, content_type="application/x-www-form-urlencoded")
    assert response.mimetype == "application/json"
    return response.status_code, json.loads(response.data)


def answer(client, request: dict) -> dict:
    """The `answer` of a successful call (status 0), checking the envelope."""
    status, body = rpc(client, request)
    assert status == 200
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["request"] == request["request"], body
    assert body[0]["answer"]["status"] == 0
    return body[0]["answer"]


def error_code(client, request: dict) -> int:
    """The real server's error code of a refused call (wrapped in the array)."""
    status, body = rpc(client, request)
    assert status == 200
    assert isinstance(body, list) and len(body) == 1, body
    assert set(body[0]) == {"error", "error_message"}, body
    return body[0]["error"]


def upload(client, incident_id, view: str, data: bytes, udid: str | None = "udid-reporter", **headers):
    sent = {"incident-id": str(incident_id), "type": view, **headers}
    if udid is not None:
        sent["udid"] = udid
    response = client.post(PHOTO, data=data, headers=sent, content_type="image/jpeg")
    return response.status_code, json.loads(response.data)


def save_incident(client, category_id, *, lat=48.856613, lon=2.352222, **overrides) -> dict:
    request = {
        "request": "saveIncident",
        "udid": "udid-reporter",
        "email": "resident@example.org",
        "guid": "guid-reporter",
        "userToken": "paris-account-token",
        "position": {"latitude": lat, "longitude": lon},
        "incident": {
            "categoryId": str(category_id),
            "address": "Place de l'Hôtel de Ville",
            "descriptive": "Graffiti sur le mur",
            "priorityId": 2,
            "origin": "G",
        },
    }
    for key, value in overrides.items():
        if key in ("categoryId", "address", "descriptive", "priorityId", "origin"):
            request["incident"][key] = value
        else:
            request[key] = value
    return request
