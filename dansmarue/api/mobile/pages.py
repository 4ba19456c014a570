"""The apps' GET endpoints and their two non-RPC posts, at the apps' URLs
(/rest/signalement/…): isDmrOnline, getAnomalieByNumber, getActualite, getAide,
searchIncidentsByIdFdt, identitystore, getDossiersCourrantsByGeomWithLimit.
They answer a bare JSON object (iOS reads them with json.dictionary; Android
accepts both), HTTP 200 also for a refusal the apps display."""

from collections.abc import Callable

from flask import Response, current_app, request

from dansmarue.api.mobile import agent_calls, content, lookups, protocol
from dansmarue.api.mobile.blueprint import blp
from dansmarue.api.mobile.handlers import _text
from dansmarue.api.mobile.routes import context, run

OFFLINE = "Le service DansMaRue est momentanément indisponible."
ROUTE_SHEET = "searchIncidentsByIdFdt"


def _object(name: str, produce: Callable[[], dict]) -> Response:
    """`run` without the array: a refusal is {"error", "error_message"}, HTTP 200."""
    response = run(name, produce)
    body = response.get_json()
    return protocol.respond(body[0] if isinstance(body, list) else body)


@blp.route("/signalement/isDmrOnline", methods=["GET"])
@blp.route("/signalement/api/isDmrOnline", methods=["GET"])
def is_dmr_online() -> Response:
    """Top-level `online` and `message_information`. Offline: no `online` key
    (iOS tests its presence, Android's boolean defaults to false) and HTTP 503."""
    message = current_app.config.get("MOBILE_MESSAGE_INFORMATION") or ""
    if lookups.online(current_app.config):
        return protocol.respond(
            {
                "online": True,
                "message_information": message,
                "request": "isDmrOnline",
                "answer": {"status": 0},
            }
        )
    return protocol.respond({"message_information": message, "error_message": OFFLINE}, status=503)


@blp.route("/signalement/getAnomalieByNumber/<number>", methods=["GET"])
@blp.route("/signalement/api/getAnomalieByNumber/<number>", methods=["GET"])
@blp.route("/signalement/api/getAnomalieByNumber/<number>/<guid>", methods=["GET"])
def anomaly_by_number(number: str, guid: str | None = None) -> Response:
    """{"answer": {"incident": [one report]}}; unknown or over 90 days old: an
    error_message, which both apps show (iOS would crash on an empty array)."""
    return _object("getAnomalieByNumber", lambda: {"incident": [lookups.by_number(number, guid)]})


@blp.route("/signalement/getActualite/<version>", methods=["GET"])
def news(version: str) -> Response:
    return _object("getActualite", lambda: content.pages("actualites", current_app.config))


@blp.route("/signalement/getAide/<version>", methods=["GET"])
def help_pages(version: str) -> Response:
    return _object("getAide", lambda: content.pages("aides", current_app.config))


@blp.route("/signalement/searchIncidentsByIdFdt/<sheet_id>", methods=["GET"])
def route_sheet(sheet_id: str) -> Response:
    """The agent's route sheet of that day (agent_calls.route_sheet). A refusal
    (unknown number, not an agent) is status 0 with a top-level error_message:
    the app then shows it in its sheet-number dialog (MapParisPresenter.java:122-127,
    MapParisFragment.java:1235-1236), where an error object would open the
    search-by-number dialog and leave the sheet's dialog spinning."""
    ctx = context()
    try:
        return protocol.answer(ROUTE_SHEET, agent_calls.route_sheet(sheet_id, ctx), wrapped=False)
    except protocol.MobileError as exc:
        body = {"request": ROUTE_SHEET, "answer": {"status": 0}, "error_message": exc.message}
        return protocol.respond(body)


@blp.route("/signalement/identitystore", methods=["POST"])
def identity_store() -> Response:
    """Form field jsonStream = {"guid": …} (a bare object, no request name)."""

    def produce() -> dict:
        req = protocol.parse(request.form.get("jsonStream"), named=False)
        return content.identity(_text(req, "guid"))

    return _object("identitystore", produce)


@blp.route("/signalement/getDossiersCourrantsByGeomWithLimit", methods=["POST"])
def bulky_item_pickups() -> Response:
    """Android posts its position as JSON and parses "[" + body + "]" as
    DossierRamen[]: the bulky-item pickups of the city's Ramen system, which this
    server does not run. An empty array reads as no pickup."""
    position = request.get_json(silent=True)
    if not isinstance(position, dict) or not all(
        isinstance(position.get(k), int | float) for k in ("latitude", "longitude")
    ):
        return protocol.error(
            protocol.EMPTY_POSITION, "latitude et longitude sont requis.", wrapped=False, status=400
        )
    return protocol.respond([])
