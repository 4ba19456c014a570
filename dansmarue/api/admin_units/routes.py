"""/api/v1/admin/units: the organisation tree (admin role)."""

from typing import Any

from dansmarue.admin import units
from dansmarue.api.admin_units.schemas import UnitPatchSchema, UnitQuerySchema, UnitSchema
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.models import Unit

blp = Blueprint(
    "admin_units", __name__, url_prefix="/api/v1/admin/units", description="Administration des unités"
)
document_on(blp)


@blp.route("", methods=["GET"])
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, UnitSchema(many=True))
@auth_required("admin")
def list_units(args: dict[str, Any]) -> list[Unit]:
    """Every unit (inactive ones included), by code."""
    return units.list_all(**args)


@blp.route("", methods=["POST"])
@blp.arguments(UnitSchema)
@blp.response(201, UnitSchema)
@auth_required("admin")
def create_unit(values: dict[str, Any]) -> Unit:
    """Add a unit (under `parent_id`, or a direction)."""
    return units.save(values, actor=authenticated_user())


@blp.route("/<int:unit_id>", methods=["GET"])
@blp.response(200, UnitSchema)
@auth_required("admin")
def get_unit(unit_id: int) -> Unit:
    """One unit."""
    return units.get(unit_id)


@blp.route("/<int:unit_id>", methods=["PATCH"])
@blp.arguments(UnitPatchSchema)
@blp.response(200, UnitSchema)
@auth_required("admin")
def update_unit(values: dict[str, Any], unit_id: int) -> Unit:
    """Rename, move (`parent_id`), set the mailbox, the contractor's web hook URL and
    secret, or deactivate (`active: false`)."""
    return units.save(values, unit_id, actor=authenticated_user())
