"""/api/v1/agent: the work queue, a report, its actions, mass actions."""

from flask import Response, jsonify, request
from marshmallow import RAISE

from dansmarue.api.agent.schemas import (
    ActionParamsSchema,
    ActionPhotoFileSchema,
    CatalogueEntrySchema,
    MassActionSchema,
    MassResultSchema,
    NearbyUnitSchema,
    QueuePageSchema,
    QueueQuerySchema,
    ReportDetailSchema,
)
from dansmarue.api.body_formats import JSON, MULTIPART, accepts
from dansmarue.api.conditional import etag, required_version
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.catalogue import agent_texts
from dansmarue.models import RejectionReason, ServiceDoneMessage
from dansmarue.reports import views
from dansmarue.workflow import agent_queue, requalification
from dansmarue.workflow import perform as workflow
from dansmarue.workflow.transitions import STAFF, TABLE

blp = Blueprint(
    "agent",
    __name__,
    url_prefix="/api/v1/agent",
    description="Back office des agents : file de travail et workflow",
)
document_on(blp)
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
    "json_or_form": "application/json",
}
GEOJSON = "application/geo+json"
ACTIONS_DOC = "Actions: " + "; ".join(
    f"`{t.code}` ({t.label}, from {', '.join(t.sources)})" for t in TABLE if set(t.roles) & set(STAFF)
)


@blp.route("/reports")
@blp.arguments(QueueQuerySchema, location="query")
@blp.response(200, QueuePageSchema)
@auth_required(*STAFF)
def list_reports(args: dict) -> Response | dict:
    """Reports in my scope, by due date; GeoJSON with `Accept: application/geo+json`."""
    items, next_cursor = agent_queue.work_queue(authenticated_user(), **args)
    if request.accept_mimetypes.best_match(["application/json", GEOJSON]) == GEOJSON:
        response = jsonify(views.geojson(items, next_cursor))
        response.mimetype = GEOJSON
        return response
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/reports/<reference>")
@blp.response(200, ReportDetailSchema)
@auth_required(*STAFF)
def get_report(reference: str) -> tuple[dict, dict[str, str]]:
    """Full view of a report, with its `ETag` (the version to send in If-Match)."""
    user = authenticated_user()
    report = agent_queue.find_in_scope(user, reference)
    return agent_queue.agent_view(report, user), {"ETag": etag(report.version)}


@blp.route("/reports/<reference>/actions/<action>", methods=["POST"])
# JSON (photo in base64) or multipart (the photo as a file part, no base64 inflation).
@blp.arguments(ActionParamsSchema, location="json_or_form")
@blp.ARGUMENTS_PARSER.use_args(ActionPhotoFileSchema(), location="files", unknown=RAISE)
@blp.response(200, ReportDetailSchema)
@blp.alt_response(409, description="Action impossible dans cet état (voir `allowed`)")
@blp.alt_response(412, description="Version périmée")
@blp.alt_response(428, description="If-Match manquant")
@blp.doc(description=ACTIONS_DOC)
@auth_required(*STAFF)
@accepts(JSON, MULTIPART)
def act(params: dict, files: dict, reference: str, action: str) -> tuple[dict, dict[str, str]]:
    """Run one workflow action; requires `If-Match: "<version>"`."""
    if "photo" in files:
        params["photo"] = files["photo"].read()
    user = authenticated_user()
    report = agent_queue.find_in_scope(user, reference)
    version = required_version()
    report = workflow.perform(report.id, action, user, expected_version=version, **params)
    return agent_queue.agent_view(report, user), {"ETag": etag(report.version)}


@blp.route("/reports/mass-actions", methods=["POST"])
@blp.arguments(MassActionSchema)
@blp.response(200, MassResultSchema)
@auth_required(*STAFF)
def mass_action(body: dict) -> dict:
    """One action on up to 500 reports, each on its own; a result per report."""
    user = authenticated_user()
    ids = agent_queue.ids_in_scope(user, body["references"])
    results = workflow.perform_many(ids, body["action"], user, **body["params"])
    succeeded = sum(1 for r in results if r["ok"])
    return {
        "action": body["action"],
        "total": len(results),
        "succeeded": succeeded,
        "failed": len(results) - succeeded,
        "results": results,
    }


@blp.route("/reports/<reference>/done-messages")
@blp.response(200, CatalogueEntrySchema(many=True))
@auth_required(*STAFF)
def done_messages(reference: str) -> list[ServiceDoneMessage]:
    """Service-done messages offered for this report's category."""
    report = agent_queue.find_in_scope(authenticated_user(), reference)
    return agent_texts.list_items("message", active_only=True, category_id=report.category_id)


@blp.route("/reports/<reference>/nearby-units")
@blp.response(200, NearbyUnitSchema(many=True))
@auth_required(*STAFF)
def nearby_units(reference: str) -> list[dict]:
    """Units whose sectors lie within 50 m of the report (where to requalify it)."""
    report = agent_queue.find_in_scope(authenticated_user(), reference)
    return requalification.nearby_units(report)


@blp.route("/rejection-reasons")
@blp.response(200, CatalogueEntrySchema(many=True))
@auth_required(*STAFF)
def rejection_reasons() -> list[RejectionReason]:
    """Active rejection reasons."""
    return agent_texts.list_items("reason", active_only=True)
