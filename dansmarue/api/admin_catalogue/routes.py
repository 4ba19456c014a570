"""/api/v1/admin/categories: the category tree (admin role). Each change bumps
the catalogue version the apps cache; the answer to a change carries it."""

from typing import Any

from dansmarue.api.admin_catalogue.schemas import (
    CategoryChangeSchema,
    CategoryPatchSchema,
    CategoryQuerySchema,
    CategorySchema,
)
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.catalogue import categories as catalogue
from dansmarue.catalogue import category_admin
from dansmarue.models import Category

blp = Blueprint(
    "admin_catalogue",
    __name__,
    url_prefix="/api/v1/admin/categories",
    description="Administration des catégories de signalement",
)
document_on(blp)


def _with_version(category: Category) -> dict[str, Any]:
    return {**CategorySchema().dump(category), "catalogue_version": catalogue.version()}


@blp.route("", methods=["GET"])
@blp.arguments(CategoryQuerySchema, location="query")
@blp.response(200, CategorySchema(many=True))
@auth_required("admin")
def list_categories(args: dict[str, Any]) -> list[Category]:
    """Every category (inactive ones included), parents first."""
    return category_admin.list_all(**args)


@blp.route("", methods=["POST"])
@blp.arguments(CategorySchema)
@blp.response(201, CategoryChangeSchema)
@auth_required("admin")
def create_category(values: dict[str, Any]) -> dict[str, Any]:
    """Add a category (under `parent_id`, or as a top type)."""
    return _with_version(category_admin.save(values, actor=authenticated_user()))


@blp.route("/<int:category_id>", methods=["GET"])
@blp.response(200, CategorySchema)
@auth_required("admin")
def get_category(category_id: int) -> Category:
    """One category."""
    return category_admin.get(category_id)


@blp.route("/<int:category_id>", methods=["PATCH"])
@blp.arguments(CategoryPatchSchema)
@blp.response(200, CategoryChangeSchema)
@auth_required("admin")
def update_category(values: dict[str, Any], category_id: int) -> dict[str, Any]:
    """Rename, move (`parent_id`), deactivate (`active: false`, its sub-categories too),
    change the responsible unit, flags, default priority or public age cut-off."""
    return _with_version(category_admin.save(values, category_id, actor=authenticated_user()))
