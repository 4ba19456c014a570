"""The requests of the DansMaRue apps, built byte for byte as their sources build them.

Android (SiraApiService.java, Retrofit base URL ".../rest/"): every jsonStream
request is a Gson-serialised model wrapped in "[...]" by SiraRequest.toString()
(SiraRequest.java:26-38), sent as a url-encoded form field; Gson leaves out
null fields and static constants and keeps defaults. Each request carries the
X-Gravitee-Api-Key header (ApplicationModule.java:181).

iOS (RestApiManager.swift, base URL + "signalement/api"): the body is the
literal string "jsonStream=[{…}]", not url-encoded, built by interpolation.

A Transport sends them either through Flask's test client or, when
REPLAY_BASE_URL is set (e.g. http://127.0.0.1:8000 after `make run`), over HTTP.
"""

import json
import os

ANDROID_HEADERS = {"X-Gravitee-Api-Key": ""}
FORM = "application/x-www-form-urlencoded"


class Transport:
    """POST/GET returning (status, text), against the test client or a live server."""

    def __init__(self, client=None, base_url: str | None = None, bearer: str | None = None):
        self.client, self.base_url, self.bearer = client, base_url, bearer

    def with_bearer(self, token: str) -> "Transport":
        return Transport(self.client, self.base_url, token)

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        if self.base_url:
            import requests

            response = requests.request(method, self.base_url + path, data=body, headers=headers, timeout=30)
            return response.status_code, response.content.decode("utf-8")
        content_type = headers.pop("Content-Type", None)
        response = self.client.open(
            path, method=method, data=body, headers=headers, content_type=content_type
        )
        return response.status_code, response.get_data(as_text=True)


def transport_for(client) -> Transport:
    return Transport(client, os.environ.get("REPLAY_BASE_URL") or None)


def gson(obj: dict) -> dict:
    """Gson.toJson leaves out null fields (serializeNulls is off)."""
    return {k: gson(v) if isinstance(v, dict) else v for k, v in obj.items() if v is not None}


# ---- Android ---------------------------------------------------------------


def android_rpc(t: Transport, path: str, request: dict) -> tuple[int, str]:
    """@FormUrlEncoded @POST(path) with @Field("jsonStream") = "[" + Gson + "]"."""
    from urllib.parse import urlencode

    stream = "[" + json.dumps(gson(request), ensure_ascii=False, separators=(",", ":")) + "]"
    return t.send(
        "POST",
        "/rest/" + path,
        urlencode({"jsonStream": stream}).encode(),
        {**ANDROID_HEADERS, "Content-Type": FORM},
    )


def android_category_request(cur_version: str = "0", app_version: str = "4.3.2") -> dict:
    # CategoryRequest.java:23-26; SplashScreenPresenter.java:115 passes "0".
    return {"curVersion": cur_version, "curVersionMobileProd": app_version, "request": "getCategories"}


def android_incident(category_id: str, address: str, description: str, priority: int = 2) -> dict:
    """mvp/models/Incident.java as a new report is serialised: its Java defaults
    (lines 37-87) plus what AddAnomalyPresenter sets."""
    return {
        "address": address,
        "descriptive": description,
        "commentaireAgent": "",
        "precisionsTerrain": "",
        "categoryId": category_id,
        "id": 0,
        "pictures": {"genericPictureId": 0},
        "invalidations": 0,
        "priorityId": priority,
        "stateId": 0,
        "iconId": 0,
        "isIncidentFollowedByUser": False,
        "isResolvable": False,
        "isValidAddressWithNumber": True,
        "isIncidentAnonyme": False,
        "congratulations": 0,
        "followers": 0,
        "origin": "G",
        "iconIncidentSignalement": 0,
        "idPhotoCur": 0,
    }


def android_save_incident(
    incident: dict, lat: float, lon: float, *, udid: str, email: str, guid: str | None, user_token: str | None
) -> dict:
    # SaveIncidentRequest.java:18-25 (udid "0000" and email "" by default).
    return {
        "udid": udid,
        "position": {"latitude": lat, "longitude": lon},
        "incident": incident,
        "email": email,
        "guid": guid,
        "userToken": user_token,
        "request": "saveIncident",
    }


def android_photo(t: Transport, incident_id: int, view: str, jpeg: bytes, udid: str):
    """AddAnomalyPresenter.java:279-287, @POST("signalement/api/photo")."""
    return t.send(
        "POST",
        "/rest/signalement/api/photo",
        jpeg,
        {
            **ANDROID_HEADERS,
            "Content-Type": "image/jpeg",
            "udid": udid,
            "incident-id": str(incident_id),
            "type": view,
            "INCIDENT-CREATION": "true",
        },
    )


# ---- iOS -------------------------------------------------------------------

IOS_RPC = "/rest/signalement/api"  # Constants.swift:36, RestApiManager.swift:26


def ios_post(t: Transport, body: str, path: str = IOS_RPC) -> tuple[int, str]:
    """makeHTTPPostRequest(isJson: false): the string's UTF-8 bytes, as is."""
    return t.send("POST", path, body.encode("utf-8"), {"Content-Type": FORM})


def swift_double(value: float) -> str:
    """Swift's "\\(double)": 0 → "0.0", 48.856613 → "48.856613"."""
    text = repr(float(value))
    return text


def ios_photo(t: Transport, base: str, incident_id: str, view: str, jpeg: bytes, udid: str):
    """uploadPhoto, RestApiManager.swift:554-568: route "\\(baseUrl)/photo/"."""
    return t.send(
        "POST",
        f"{base}/photo/",
        jpeg,
        {
            "Content-Type": "image/jpeg",
            "type": view,
            "incident-id": incident_id,
            "udid": udid,
            "img-comment": "no_comment",
        },
    )
