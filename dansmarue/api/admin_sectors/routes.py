"""/api/v1/admin/sectors: sector polygons and the units they serve (admin role)."""

from typing import Any

from dansmarue.admin import sectors
from dansmarue.api.admin_sectors.schemas import SectorPatchSchema, SectorQuerySchema, SectorSchema
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.models import Sector

blp = Blueprint(
    "admin_sectors", __name__, url_prefix="/api/v1/admin/sectors", description="Administration des secteurs"
)
document_on(blp)


@blp.route("", methods=["GET"])
@blp.arguments(SectorQuerySchema, location="query")
@blp.response(200, SectorSchema(many=True))
@auth_required("admin")
def list_sectors(args: dict[str, Any]) -> list[Sector]:
    """Sectors (of one unit if asked), with their polygons."""
    return sectors.list_all(**args)


@blp.route("", methods=["POST"])
@blp.arguments(SectorSchema)
@blp.response(201, SectorSchema)
@auth_required("admin")
def create_sector(values: dict[str, Any]) -> Sector:
    """Upload a sector: its polygon and the units it serves."""
    return sectors.save(values, actor=authenticated_user())


@blp.route("/<int:sector_id>", methods=["GET"])
@blp.response(200, SectorSchema)
@auth_required("admin")
def get_sector(sector_id: int) -> Sector:
    """One sector."""
    return sectors.get(sector_id)


@blp.route("/<int:sector_id>", methods=["PATCH"])
@blp.arguments(SectorPatchSchema)
@blp.response(200, SectorSchema)
@auth_required("admin")
def update_sector(values: dict[str, Any], sector_id: int) -> Sector:
    """Replace the polygon or the linked units (`unit_ids`: the whole list).

    New reports route by it at once."""
    return sectors.save(values, sector_id, actor=authenticated_user())
