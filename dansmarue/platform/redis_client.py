"""The Redis connection, created lazily per app."""

from flask import current_app
from redis import Redis


def get_redis() -> Redis:
    """One client per app, kept in its extensions (no connection at import)."""
    ext = current_app.extensions
    if "redis" not in ext:
        ext["redis"] = Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=2
        )
    return ext["redis"]
