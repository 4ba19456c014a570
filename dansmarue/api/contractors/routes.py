"""POST /api/v1/contractors/callback/<reference> (real: changeStatus/{id}/{reference}/{token})."""

from dansmarue.api.body_formats import FORM, JSON, accepts
from dansmarue.api.contractors.schemas import CallbackAnswerSchema, CallbackSchema
from dansmarue.api.edge import Blueprint
from dansmarue.workflow import contractors
from dansmarue.workflow.states import public_label

blp = Blueprint(
    "contractors", __name__, url_prefix="/api/v1/contractors", description="Retours des prestataires"
)
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
    "json_or_form": "application/json",
}


@blp.route("/callback/<string:reference>", methods=["POST"])
@blp.arguments(CallbackSchema, location="json_or_form")
@blp.response(200, CallbackAnswerSchema)
@blp.alt_response(403, description="Wrong token")
@blp.alt_response(409, description="Not possible from the report's current state")
@accepts(JSON, FORM)
def callback(fields: dict, reference: str) -> dict:
    """A contractor sets service fait, rejeter, programmer or (a) requalifier."""
    report = contractors.apply_callback(reference, **fields)
    return {"reference": report.reference, "state": report.state, "public_state": public_label(report.state)}
