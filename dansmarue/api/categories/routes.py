"""GET /api/v1/categories: the tree and its version, cacheable by ETag."""

from typing import Any

from flask import request

from dansmarue.api.edge import Blueprint
from dansmarue.catalogue import categories as catalogue

blp = Blueprint(
    "categories", __name__, url_prefix="/api/v1/categories", description="Catégories de signalement"
)


@blp.route("", methods=["GET"])
@blp.response(200)
@blp.alt_response(304, description="Unchanged since the ETag given in If-None-Match")
def list_categories() -> tuple[str | dict[str, Any], int, dict[str, str]]:
    """Active categories residents may choose (leaves are reportable)."""
    tree = catalogue.tree()
    tag = f"categories-{tree['version']}"
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}
    if request.if_none_match.contains(tag) or request.if_none_match.star_tag:
        return "", 304, headers
    return tree, 200, headers
