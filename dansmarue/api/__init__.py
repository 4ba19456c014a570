"""One package per API resource; each exposes `blp`."""

import importlib

from flask_smorest import Api

from dansmarue.api.body_formats import refuse_unread_body  # noqa: F401 (the app factory's hook)

MODULES = (
    "health",
    "auth",
    "open311",
    "reports",
    "tracking",
    "follows",
    "categories",
    "me",
    "media",
    "contractors",
    "mobile",
    "agent",
    "resolution",
    "admin",
    "admin_users",
    "admin_catalogue",
    "admin_units",
    "admin_sla",
    "admin_sectors",
    "stats",
)


def register_blueprints(api: Api) -> None:
    for name in MODULES:
        module = importlib.import_module(f"dansmarue.api.{name}.routes")
        api.register_blueprint(module.blp)
