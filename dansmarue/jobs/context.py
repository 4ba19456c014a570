"""The Flask app of a worker process, built once and reused by every job."""

from typing import Any

from flask import Flask, current_app, has_app_context

_app: Flask | None = None


def get_app() -> Flask:
    """The current app if one is active (tests, CLI), else this process's app."""
    global _app
    if has_app_context():
        # flask types current_app as the Flask app, not as the LocalProxy it is.
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        from sqlalchemy.orm import configure_mappers

        from dansmarue import create_app

        _app = create_app()
        # Mappers configured before forking, so each work horse starts warm.
        configure_mappers()
    return _app


def setting(name: str, default: Any) -> Any:
    """A jobs setting from the app config (itself read from the environment)."""
    return get_app().config.get(name, default)
