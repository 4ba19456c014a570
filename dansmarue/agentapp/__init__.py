"""The field agents' web app: server-rendered, phone-first pages at /agent.

`bp` is loaded on first access, so the pure modules (route sheet, map
projection) import without the routes and their dependencies.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def __getattr__(name: str) -> "Blueprint":
    if name == "bp":
        from dansmarue.agentapp import password_page  # noqa: F401 (its route joins bp)
        from dansmarue.agentapp.routes import bp

        return bp
    raise AttributeError(name)
