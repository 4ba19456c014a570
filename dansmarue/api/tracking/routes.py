"""GET /api/v1/track/<token>: what the reporter sees through their secret link."""

from typing import Any

from dansmarue.api.edge import Blueprint
from dansmarue.reports import intake, views

blp = Blueprint(
    "tracking", __name__, url_prefix="/api/v1/track", description="Suivi d'un signalement par son lien secret"
)


@blp.route("/<token>", methods=["GET"])
@blp.response(200)
def track(token: str) -> dict[str, Any]:
    """The tracking view: public view plus the reporter's own details."""
    return views.tracking_view(intake.by_token(token))
