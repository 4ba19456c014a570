"""/api/v1/admin/sla-targets: acknowledgement and resolution targets per leaf
category and priority (admin role)."""

from typing import Any

from dansmarue.api.admin_sla.schemas import SlaTargetPatchSchema, SlaTargetQuerySchema, SlaTargetSchema
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.models import SlaTarget
from dansmarue.sla import target_admin

blp = Blueprint(
    "admin_sla",
    __name__,
    url_prefix="/api/v1/admin/sla-targets",
    description="Administration des délais (SLA)",
)
document_on(blp)


@blp.route("", methods=["GET"])
@blp.arguments(SlaTargetQuerySchema, location="query")
@blp.response(200, SlaTargetSchema(many=True))
@auth_required("admin")
def list_targets(args: dict[str, Any]) -> list[SlaTarget]:
    """Targets, by category then priority (the all-priorities row first)."""
    return target_admin.list_targets(**args)


@blp.route("", methods=["POST"])
@blp.arguments(SlaTargetSchema)
@blp.response(201, SlaTargetSchema)
@auth_required("admin")
def create_target(values: dict[str, Any]) -> SlaTarget:
    """Add a target for a leaf category (and a priority, or all)."""
    return target_admin.save(values, actor=authenticated_user())


@blp.route("/<int:target_id>", methods=["GET"])
@blp.response(200, SlaTargetSchema)
@auth_required("admin")
def get_target(target_id: int) -> SlaTarget:
    """One target."""
    return target_admin.get(target_id)


@blp.route("/<int:target_id>", methods=["PATCH"])
@blp.arguments(SlaTargetPatchSchema)
@blp.response(200, SlaTargetSchema)
@auth_required("admin")
def update_target(values: dict[str, Any], target_id: int) -> SlaTarget:
    """Change a target (new reports follow it; the ones filed keep their due dates)."""
    return target_admin.save(values, target_id, actor=authenticated_user())


@blp.route("/<int:target_id>", methods=["DELETE"])
@blp.response(204)
@auth_required("admin")
def delete_target(target_id: int) -> None:
    """Delete a target (the category's all-priorities row then applies)."""
    target_admin.delete(target_id, actor=authenticated_user())
