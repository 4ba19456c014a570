"""GET /api/v1/track/<token>: what the reporter sees through their secret link."""
from flask_smorest import Blueprint

from dansmarue.services import report_views, reports

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track",
                description="Suivi d'un signalement par son lien secret")


@blp.route("/<token>", methods=["GET"])
@blp.response(200)
def track(token):
    """The tracking view: public view plus the reporter's own details."""
    return report_views.tracking_view(reports.by_token(token))
