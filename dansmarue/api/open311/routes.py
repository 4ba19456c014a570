"""Open311 GeoReport v2 (+ v2.1 updated_*, page/page_size, extensions, FMS updates).

Every path ends in `.json` or `.xml`; errors use the spec's own body
(`[{code, description}]` / `<errors><error>`) with 400, 403, 404, 405 or 429.
"""

from typing import Any, ClassVar

import flask
from flask import Response, current_app, request
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from dansmarue.api import ratelimits
from dansmarue.api.body_formats import FORM, MULTIPART, accepts
from dansmarue.api.edge import Blueprint
from dansmarue.api.open311 import intake, render, schemas
from dansmarue.api.open311 import serializers as ser
from dansmarue.errors import (
    DomainError,
    NotFound,
    answer_errors_under,
    field_errors,
    http_detail,
    wire_errors,
)
from dansmarue.extensions import limiter
from dansmarue.interop import open311
from dansmarue.models import Report

blp = Blueprint(
    "open311",
    __name__,
    url_prefix="/open311/v2",
    description="Open311 GeoReport v2 (JSON et XML); jurisdiction_id : celui du "
    "profil de la ville (paris.fr pour Paris)",
)
FMT = "<any(json,xml):fmt>"
KEPT_CODES = (403, 404, 405, 429)  # other HTTP errors are the spec's 400
TOO_MANY = "Trop de demandes envoyées depuis cette adresse : réessayez dans une minute."


def _fmt() -> str:
    return "json" if request.path.endswith(".json") else "xml"


# Open311's names for the domain's field keys (the REST API's are in dansmarue.errors).
OPEN311_FIELDS = {
    "category": ("service_code",),
    "position": ("lat", "long"),
    "address": ("address_string",),
    "guid": ("account_id",),
    "udid": ("device_id",),
    "address_precision": ("attribute[address_precision]",),
}


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    status = {404: 404, 401: 403, 403: 403}.get(error.status, 500 if error.status >= 500 else 400)
    errors = wire_errors(error.errors, OPEN311_FIELDS, "media", None)
    messages = [error.detail] + [
        f"{e['field']} : {e['message']}"
        for e in errors
        if e.get("field") and e.get("message") != error.detail
    ]
    return render.errors(_fmt(), status, messages)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    if "messages" in data:
        messages = [
            f"{e['field']} : {e['message']}" if e.get("field") else e["message"]
            for e in field_errors(data["messages"])
        ]
    else:
        messages = [http_detail(error)]
    status = error.code if error.code in KEPT_CODES else 400
    if status == 429:
        messages = [TOO_MANY]
    response = render.errors(_fmt(), status, messages)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


# What the handlers above do not see (a last-resort database error, an
# unexpected exception, an address outside /open311/v2) is answered the same way.
answer_errors_under(blp, "/open311", _domain_error)


@blp.route(f"/discovery.{FMT}")
def discovery(fmt: str) -> Response:
    """Service discovery: specification, URL, formats, changeset."""
    return render.render(fmt, "discovery", ser.discovery(open311.catalogue_changed_at()))


@blp.route(f"/services.{FMT}")
@blp.arguments(schemas.JurisdictionArgs, location="query")
def services(args: dict[str, Any], fmt: str) -> Response:
    """Leaf categories residents may choose; `group` is the top-level type."""
    open311.check_jurisdiction(args.get("jurisdiction_id"))
    items = [ser.service(leaf, group) for leaf, group in open311.services()]
    return render.render(fmt, "services", items)


@blp.route(f"/services/<code>.{FMT}")
@blp.arguments(schemas.JurisdictionArgs, location="query")
def service_definition(args: dict[str, Any], code: str, fmt: str) -> Response:
    """Attributes of one service (priority, location details)."""
    open311.check_jurisdiction(args.get("jurisdiction_id"))
    leaf, _ = open311.service(code)
    return render.render(fmt, "service_definition", ser.definition(leaf))


@blp.route(f"/requests.{FMT}")
class Requests(MethodView):
    decorators: ClassVar[list] = [limiter.limit(ratelimits.intake_limit, methods=["POST"])]

    @blp.arguments(schemas.RequestsQueryArgs, location="query")
    def get(self, args: dict[str, Any], fmt: str) -> Response:
        """Search requests (default: the last 90 days, at most 1000 rows)."""
        open311.check_jurisdiction(args.get("jurisdiction_id"))
        reports = open311.find_requests(
            open311.RequestFilters(
                ids=args.get("service_request_id"),
                service_codes=args.get("service_code"),
                start=args.get("start_date"),
                end=args.get("end_date"),
                statuses=args.get("status"),
                updated_after=args.get("updated_after"),
                updated_before=args.get("updated_before"),
                page=args["page"],
                page_size=args["page_size"],
            )
        )
        return _requests(fmt, reports, args["extensions"])

    @blp.arguments(schemas.CreateRequestForm, location="form")
    @accepts(FORM, MULTIPART)  # an XML or JSON body is refused (400), never read as an empty form
    def post(self, form: dict[str, Any], fmt: str) -> Response:
        """Create a request (api_key required; lat/long, attribute[..], media)."""
        for name in ("api_key", "jurisdiction_id"):  # some clients put these in the URL
            form.setdefault(name, request.args.get(name) or None)
        open311.check_jurisdiction(form.get("jurisdiction_id"))
        answer = intake.create(form, request.files)
        return render.render(fmt, "service_requests", [answer])


@blp.route(f"/requests/<request_id>.{FMT}")
@blp.arguments(schemas.RequestQueryArgs, location="query")
def get_request(args: dict[str, Any], request_id: str, fmt: str) -> Response:
    """One request, still wrapped in a list (spec)."""
    open311.check_jurisdiction(args.get("jurisdiction_id"))
    return _requests(fmt, [open311.get_request(request_id)], args["extensions"])


@blp.route(f"/tokens/<token>.{FMT}")
@blp.arguments(schemas.JurisdictionArgs, location="query")
def token(args: dict[str, Any], token: str, fmt: str) -> Response:
    """The service_request_id behind a report's token."""
    open311.check_jurisdiction(args.get("jurisdiction_id"))
    report = open311.by_token(token)
    return render.render(fmt, "service_requests", [{"service_request_id": report.reference, "token": token}])


@blp.route(f"/servicerequestupdates.{FMT}")
@blp.arguments(schemas.UpdatesQueryArgs, location="query")
def updates(args: dict[str, Any], fmt: str) -> Response:
    """FixMyStreet extension: state changes and public messages (default: last 2 h)."""
    open311.check_jurisdiction(args.get("jurisdiction_id"))
    events = open311.find_updates(args.get("start_date"), args.get("end_date"))
    return render.render(fmt, "service_request_updates", [ser.update(e) for e in events])


def unknown(rest: str) -> Response:
    """Every method on an unknown path (404), or on a known one it lacks (405)."""
    adapter = current_app.create_url_adapter(request)
    assert adapter is not None  # always built when given a request
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if not allowed:
        raise NotFound(f"Ressource Open311 inconnue : /{rest}")
    response = render.errors(
        _fmt(), 405, [f"Méthode {request.method} non permise ici : {', '.join(allowed)}."]
    )
    response.headers["Allow"] = ", ".join(allowed + ["HEAD"] * ("GET" in allowed) + ["OPTIONS"])
    return response


# Plain Flask registration: kept out of the OpenAPI document.
flask.Blueprint.add_url_rule(
    blp, "/<path:rest>", view_func=unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
)


def _requests(fmt: str, reports: list[Report], extensions: bool) -> Response:
    labels = open311.category_labels()
    return render.render(fmt, "service_requests", [ser.request(r, labels, extensions) for r in reports])
