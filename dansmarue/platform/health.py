"""Versions of the components, or the name of the one that is down."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text

from dansmarue.extensions import db
from dansmarue.platform.redis_client import get_redis

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


def check() -> dict:
    components: dict[str, dict] = {}
    try:
        row = db.session.execute(
            text(
                "SELECT current_setting('server_version'), "
                "(SELECT extversion FROM pg_extension WHERE extname = 'postgis')"
            )
        ).one()
        components["postgresql"] = {"status": "ok", "version": row[0]}
        components["postgis"] = (
            {"status": "ok", "version": row[1]}
            if row[1]
            else {"status": "down", "error": "extension postgis is not installed"}
        )
    except Exception as exc:  # any driver error means "down", never a 500
        db.session.rollback()
        components["postgresql"] = {"status": "down", "error": type(exc).__name__}
        components["postgis"] = {"status": "down", "error": "database unreachable"}
    try:
        info = get_redis().info("server")
        # redis-py types the sync client's replies like the async one's (Awaitable | Any).
        components["redis"] = {"status": "ok", "version": info["redis_version"]}  # type: ignore[index]
    except Exception as exc:
        components["redis"] = {"status": "down", "error": type(exc).__name__}
    down = [name for name, c in components.items() if c["status"] != "ok"]
    return {"status": "down" if down else "ok", "down": down, "components": components}


OUTBOX_STUCK_SECONDS = 600  # a pending row older than this means the relay is not running


def ready(migrations_dir: str) -> dict:
    """check() plus: the schema at the migrations' heads and the outbox moving."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    report = check()
    components = report["components"]
    try:
        script = ScriptDirectory.from_config(_alembic_config(AlembicConfig, migrations_dir))
        heads = set(script.get_heads())
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        components["migrations"] = (
            {"status": "ok", "heads": sorted(heads)}
            if current == heads
            else {
                "status": "down",
                "error": "schema not at head",
                "current": sorted(current),
                "heads": sorted(heads),
            }
        )
        age = db.session.scalar(
            text(
                "SELECT EXTRACT(EPOCH FROM now() - min(available_at)) FROM outbox_job "
                "WHERE status = 'pending' AND available_at <= now()"
            )
        )
        age = float(age or 0)
        components["outbox"] = (
            {"status": "ok", "oldest_pending_seconds": round(age, 1)}
            if age < OUTBOX_STUCK_SECONDS
            else {"status": "down", "error": "outbox stuck", "oldest_pending_seconds": round(age, 1)}
        )
    except Exception as exc:
        db.session.rollback()
        components.setdefault("migrations", {"status": "down", "error": type(exc).__name__})
        components.setdefault("outbox", {"status": "down", "error": type(exc).__name__})
    down = [name for name, c in components.items() if c["status"] != "ok"]
    return {"status": "down" if down else "ok", "down": down, "components": components}


def _alembic_config(factory: Callable[[], "AlembicConfig"], migrations_dir: str) -> "AlembicConfig":
    config = factory()
    config.set_main_option("script_location", migrations_dir)
    return config
