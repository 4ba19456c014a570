"""GET /health: versions of PostgreSQL, PostGIS and Redis, or who is down."""

from typing import Any

from dansmarue.api.edge import Blueprint
from dansmarue.platform import health

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")


@blp.route("")
@blp.response(200)
@blp.alt_response(503, description="A component is down")
def get_health() -> tuple[dict[str, Any], int]:
    """Check PostgreSQL, PostGIS and Redis."""
    report = health.check()
    return report, (200 if report["status"] == "ok" else 503)


@blp.route("/live")
@blp.response(200)
def get_live() -> dict[str, str]:
    """The process answers (no dependency checked): for a restart probe."""
    return {"status": "ok"}


@blp.route("/ready")
@blp.response(200)
@blp.alt_response(503, description="Not ready to serve")
def get_ready() -> tuple[dict[str, Any], int]:
    """PostgreSQL, PostGIS, Redis, migrations at head and the outbox moving."""
    import os

    import dansmarue

    migrations = os.path.join(os.path.dirname(os.path.dirname(dansmarue.__file__)), "migrations")
    report = health.ready(migrations)
    return report, (200 if report["status"] == "ok" else 503)
