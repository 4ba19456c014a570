"""The managers' dashboard: server-rendered HTML pages at /dashboard.

`bp` is loaded on first access, so the pure modules (charts, colours,
districtmap, fmt) import without the routes and their dependencies.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def __getattr__(name: str) -> "Blueprint":
    if name == "bp":
        from dansmarue.dashboard.routes import bp

        return bp
    raise AttributeError(name)
