"""POST /api/v1/reports/<reference>/resolve: the reporter or staff in scope closes it."""

from typing import Any

from dansmarue.api.edge import Blueprint
from dansmarue.api.resolution.schemas import ResolvedSchema, ResolveSchema
from dansmarue.api.security import current_user, document_on
from dansmarue.reports.resolution import declare_resolved_by_reference
from dansmarue.workflow.states import STATES

blp = Blueprint(
    "resolution",
    __name__,
    url_prefix="/api/v1/reports",
    description="Déclaration « service fait » par l'usager",
)
document_on(blp)


@blp.route("/<reference>/resolve", methods=["POST"])
@blp.arguments(ResolveSchema)
@blp.response(200, ResolvedSchema)
@blp.alt_response(403, description="Ni l'auteur ni un agent dont le périmètre contient le signalement")
@blp.alt_response(409, description="Déjà clos")
def resolve(body: dict[str, Any], reference: str) -> dict[str, Any]:
    """Declare the anomaly gone. Send the reporter's tracking token or account
    guid, or act as staff in scope with a bearer token."""
    report = declare_resolved_by_reference(
        reference,
        guid=body.get("guid"),
        email=body.get("email"),
        token=body.get("token"),
        actor=current_user(),
        comment=body.get("comment"),
    )
    return {
        "reference": report.reference,
        "state": STATES[report.state].public_label,
        "closed": STATES[report.state].closed,
    }
