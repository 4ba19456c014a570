"""GET /health: versions of PostgreSQL, PostGIS and Redis, or who is down."""
from flask_smorest import Blueprint

from dansmarue.platform import health

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")


@blp.route("")
@blp.response(200)
@blp.alt_response(503, description="A component is down")
def get_health():
    """Check PostgreSQL, PostGIS and Redis."""
    report = health.check()
    return report, (200 if report["status"] == "ok" else 503)
