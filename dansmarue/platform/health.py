"""Versions of the components, or the name of the one that is down."""
from sqlalchemy import text

from dansmarue.extensions import db
from dansmarue.platform.redis_client import get_redis


def check() -> dict:
    components: dict[str, dict] = {}
    try:
        row = db.session.execute(text(
            "SELECT current_setting('server_version'), "
            "(SELECT extversion FROM pg_extension WHERE extname = 'postgis')"
        )).one()
        components["postgresql"] = {"status": "ok", "version": row[0]}
        components["postgis"] = (
            {"status": "ok", "version": row[1]} if row[1]
            else {"status": "down", "error": "extension postgis is not installed"}
        )
    except Exception as exc:  # any driver error means "down", never a 500
        db.session.rollback()
        components["postgresql"] = {"status": "down", "error": type(exc).__name__}
        components["postgis"] = {"status": "down", "error": "database unreachable"}
    try:
        info = get_redis().info("server")
        components["redis"] = {"status": "ok", "version": info["redis_version"]}
    except Exception as exc:
        components["redis"] = {"status": "down", "error": type(exc).__name__}
    down = [name for name, c in components.items() if c["status"] != "ok"]
    return {"status": "down" if down else "ok", "down": down, "components": components}
