"""The DansMaRue mobile apps' RPC and photo upload, at the URLs the apps build:
/rest/signalement/api and /rest/equipement/api, each with and without a trailing
slash (Android adds one, iOS not; iOS uploads photos to …/api/photo/)."""

from collections.abc import Callable, Mapping

from flask import Response, current_app, request
from flask_limiter import RateLimitExceeded
from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.exceptions import HTTPException

from dansmarue import observe
from dansmarue.api import ratelimits
from dansmarue.api.mobile import agent_calls, equipment, handlers, protocol
from dansmarue.api.mobile.blueprint import blp
from dansmarue.api.security import current_user
from dansmarue.errors import DomainError, answer_errors_under
from dansmarue.extensions import limiter
from dansmarue.media.imaging import MAX_UPLOAD_BYTES
from dansmarue.models import Report, db, key_from_text
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.platform import storage
from dansmarue.reports import photo_uploads

SIGNALEMENT = {**handlers.HANDLERS, **agent_calls.HANDLERS}
MAX_PHOTO_BYTES = MAX_UPLOAD_BYTES  # the real server's request limit too


class RpcForm(Schema):
    class Meta:
        unknown = EXCLUDE

    jsonStream = fields.String(
        load_default=None,
        metadata={
            "description": "Tableau JSON d'un objet, ex. " '[{"request":"getCategories","curVersion":3}]'
        },
    )


class PhotoHeaders(Schema):
    class Meta:
        unknown = EXCLUDE

    incident_id = fields.String(data_key="incident-id", load_default=None)
    type = fields.String(load_default=None, metadata={"description": "close, far ou done"})
    udid = fields.String(load_default=None, validate=validate.Length(max=TEXT_LIMITS["udid"]))
    guid = fields.String(load_default=None, validate=validate.Length(max=TEXT_LIMITS["guid"]))


def not_an_intake() -> bool:
    """Only saveIncident creates reports: the other requests are not limited."""
    try:
        return protocol.parse(request.form.get("jsonStream"))["request"] != "saveIncident"
    except protocol.MobileError:
        return True
    except HTTPException:  # a body too large to read: counted, then refused by the view
        return False


@blp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> Response:
    response = protocol.error(
        protocol.TOO_MANY_REQUESTS,
        "Trop de signalements envoyés depuis cette adresse : " "réessayez dans une minute.",
        status=429,
    )
    response.headers["Retry-After"] = "60"
    return response


def _unanswered(error: DomainError) -> Response:
    """An error no handler answered (a body too large, an unreadable form, an
    unknown address, a last resort): the bare error object, with its HTTP status."""
    photo = request.path.rstrip("/").endswith("/photo")
    return protocol.error(
        protocol.code_for_http(error, photo), error.detail, wrapped=False, status=error.status
    )


answer_errors_under(blp, "/rest", _unanswered)


def context() -> handlers.Context:
    return handlers.Context(
        user=current_user(), client_address=request.remote_addr, settings=current_app.config
    )


def run(name: str, produce: Callable[[], dict]) -> Response:
    """Call a handler inside the envelope: commit on success, roll back on error."""
    try:
        payload = produce()
    except protocol.MobileError as exc:
        db.session.rollback()
        _refused(name, f"mobile-{exc.code}")
        return protocol.error(exc.code, exc.message)
    except DomainError as exc:
        db.session.rollback()
        _refused(name, exc.slug)
        return protocol.error(protocol.code_for(exc), exc.detail)
    return protocol.answer(name, payload)


def _refused(name: str, reason: str) -> None:
    if name == "saveIncident":
        observe.note_refusal(reason, any_endpoint=True)


def dispatch(stream: str | None, table: Mapping[str, Callable[[dict, handlers.Context], dict]]) -> Response:
    try:
        req = protocol.parse(stream)
    except protocol.MobileError as exc:
        return protocol.error(exc.code, exc.message, wrapped=False)
    name = req["request"]
    handler = table.get(name)
    if handler is None:
        return protocol.error(protocol.BAD_JSON, f"Requête inconnue : {name}.", wrapped=False)
    ctx = context()
    return run(name, lambda: handler(req, ctx))


@blp.route("/signalement/api", methods=["POST"])
@blp.route("/signalement/api/", methods=["POST"])
@limiter.limit(ratelimits.intake_limit, exempt_when=not_an_intake)
@blp.arguments(RpcForm, location="form")
def rpc(form: dict) -> Response:
    """One request per call; answers [{"request", "answer": {"status": 0, …}}]."""
    return dispatch(form["jsonStream"], SIGNALEMENT)


@blp.route("/equipement/api", methods=["POST"])
@blp.route("/equipement/api/", methods=["POST"])
@limiter.limit(ratelimits.intake_limit, exempt_when=not_an_intake)
@blp.arguments(RpcForm, location="form")
def equipment_rpc(form: dict) -> Response:
    """The equipment module: the same envelope, see mobile/equipment.py."""
    return dispatch(form["jsonStream"], equipment.HANDLERS)


@blp.route("/signalement/api/photo", methods=["POST"])
@blp.route("/signalement/api/photo/", methods=["POST"])
@blp.route("/equipement/api/photo", methods=["POST"])
@blp.route("/equipement/api/photo/", methods=["POST"])
@limiter.limit(ratelimits.per_report_limit, key_func=ratelimits.photo_report_key)
@blp.arguments(PhotoHeaders, location="headers")
def photo(headers: dict) -> Response:
    """Raw image body; headers incident-id, type (close|far|done), udid (must be the reporter's)."""
    if (request.content_length or 0) > MAX_PHOTO_BYTES:
        return protocol.error(
            protocol.BAD_PICTURE, "Photo trop volumineuse (10 Mo au plus).", wrapped=False, status=413
        )
    data = request.get_data(cache=False)
    if len(data) > MAX_PHOTO_BYTES:
        return protocol.error(
            protocol.BAD_PICTURE, "Photo trop volumineuse (10 Mo au plus).", wrapped=False, status=413
        )
    report_id = key_from_text(headers["incident_id"] or "", Report.id)
    if report_id is None:  # absent, or no report number ("²", beyond the column's range)
        return protocol.error(
            protocol.EMPTY_INCIDENT_ID,
            "En-tête incident-id manquant ou illisible.",
            wrapped=False,
            status=400,
        )
    try:
        saved, stale = photo_uploads.attach_photo(
            report_id,
            (headers["type"] or "").strip().lower(),
            data,
            udid=headers["udid"],
            guid=headers["guid"],
        )
    except DomainError as exc:
        db.session.rollback()
        status = {404: 404, 403: 403}.get(exc.status, 400)
        return protocol.error(protocol.code_for(exc), exc.detail, wrapped=False, status=status)
    for key in stale:  # the replaced photo's files, once the new one is committed
        storage.delete(key)
    return protocol.respond({"request": "photo", "answer": {"status": 0, "id": saved.id, "type": saved.view}})


from dansmarue.api.mobile import pages  # noqa: E402,F401  (registers the GET endpoints)
