"""The Flask app of a worker process, built once and reused by every job."""
import os

from flask import Flask, current_app, has_app_context

_app: Flask | None = None


def get_app() -> Flask:
    """The current app if one is active (tests, CLI), else this process's app."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from sqlalchemy.orm import configure_mappers

        from dansmarue import create_app

        _app = create_app()
        # Mappers configured before forking, so each work horse starts warm.
        configure_mappers()
    return _app


def setting(name: str, default):
    """A jobs setting: app config first, then the environment, then `default`."""
    if has_app_context() and name in current_app.config:
        return current_app.config[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, (list, tuple)):
        return [int(part) for part in raw.split(",") if part.strip()]
    return raw
