"""Resident endpoints of /api/v1/reports."""

from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import RAISE
from werkzeug.datastructures import FileStorage

from dansmarue.api import ratelimits
from dansmarue.api.body_formats import FORM, JSON, MULTIPART, accepts
from dansmarue.api.edge import Blueprint
from dansmarue.api.me import identity
from dansmarue.api.reports.schemas import (
    INTAKE_BODY_DOC,
    DuplicatesQuerySchema,
    IntakeHeadersSchema,
    PersonQuerySchema,
    PersonSchema,
    PhotoFilesSchema,
    ReportCreateSchema,
    ReportSearchSchema,
)
from dansmarue.extensions import limiter
from dansmarue.reports import engagement, views
from dansmarue.reports import intake as reports
from dansmarue.reports import search as report_search

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Signalements : dépôt, carte, suivi, félicitations",
)
GEOJSON = "application/geo+json"


@blp.route("", methods=["POST"])
@limiter.limit(ratelimits.intake_limit)
@blp.arguments(IntakeHeadersSchema(), location="headers")
# One body, JSON or multipart: parsed by the blueprint's parser, documented below.
@blp.ARGUMENTS_PARSER.use_args(ReportCreateSchema(), location="json_or_form")
@blp.ARGUMENTS_PARSER.use_args(PhotoFilesSchema(), location="files", unknown=RAISE)
@blp.doc(requestBody=INTAKE_BODY_DOC)
@blp.response(201)
@blp.alt_response(409, description="Idempotency key reused with another body")
@blp.alt_response(429, description="Too many reports from this address")
@accepts(JSON, FORM, MULTIPART)
def create_report(
    headers: dict[str, Any], fields: dict[str, Any], files: dict[str, FileStorage]
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """File a report (JSON, or multipart with photos close/far/extra)."""
    photos = [(view, upload.read()) for view, upload in files.items()]
    status, body, replayed = reports.submit_report(
        fields,
        photos,
        idempotency_key=headers.get("idempotency_key"),
        base_url=current_app.config["PUBLIC_BASE_URL"],
    )
    extra = {"Location": f"/api/v1/reports/{body['reference']}"}
    if replayed:
        extra["Idempotent-Replayed"] = "true"
    return body, status, extra


@blp.route("", methods=["GET"])
@blp.arguments(ReportSearchSchema(), location="query")
@blp.response(200)
def list_reports(query: dict[str, Any]) -> Response | dict[str, Any]:
    """Public reports near a point (sorted by distance) or in a box; GeoJSON on request."""
    result = report_search.search(**query)
    if request.accept_mimetypes.best_match(["application/json", GEOJSON]) == GEOJSON:
        response = jsonify(views.geojson(result["items"], result["next_cursor"]))
        response.mimetype = GEOJSON
        return response
    return result


@blp.route("/duplicates", methods=["GET"])
@blp.arguments(DuplicatesQuerySchema(), location="query")
@blp.response(200)
def possible_duplicates(query: dict[str, Any]) -> dict[str, Any]:
    """Before filing: open reports of the category within 50 m, to follow instead."""
    return {"items": report_search.duplicates_near(**query)}


@blp.route("/<reference>", methods=["GET"])
@blp.response(200)
def get_report(reference: str) -> dict[str, Any]:
    """The public view of a report, with its public history."""
    return views.public_view(reports.by_reference(reference))


@blp.route("/<reference>/followers", methods=["POST"])
@limiter.limit(ratelimits.per_report_limit, key_func=ratelimits.report_key)
@blp.arguments(PersonSchema())
@blp.response(201)
def follow(person: dict[str, Any], reference: str) -> tuple[dict[str, int], int]:
    """Follow a report (by account guid or e-mail); 200 if already followed."""
    created, count = engagement.follow(reference, **person)
    return {"following": True, "followers": count}, 201 if created else 200


@blp.route("/<reference>/followers", methods=["DELETE"])
@blp.arguments(PersonQuerySchema(), location="query")
@blp.response(200)
def unfollow(person: dict[str, Any], reference: str) -> dict[str, int | bool]:
    """Stop following a report: ?guid= (the apps), or ?email= by a signed-in
    resident (an address alone is knowledge, not proof: 401). A follower's own
    mail link unsubscribes without signing in (/api/v1/follows/<token>)."""
    count = engagement.unfollow(reference, **identity.person(person.get("guid"), person.get("email")))
    return {"following": False, "followers": count}


@blp.route("/<reference>/congratulations", methods=["POST"])
@limiter.limit(ratelimits.per_report_limit, key_func=ratelimits.report_key)
@blp.arguments(PersonSchema())
@blp.response(201)
def congratulate(person: dict[str, Any], reference: str) -> tuple[dict[str, int], int]:
    """Congratulate the services; counted once per person (200 the next times)."""
    person.pop("push_token", None)
    counted, count = engagement.congratulate(reference, **person)
    return {"congratulations": count}, 201 if counted else 200
