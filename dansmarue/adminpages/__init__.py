"""The administrators' pages at /admin (issue #13): server-rendered, in the
shared cookie session of the agents' app and the dashboard, calling only the
services behind `/api/v1/admin/*` (users, units, categories, SLA targets,
agents' texts and requalification rules, sectors, audit) and the routing of
the intake for the preview.

`bp` is loaded on first access (as `agentapp.bp`).
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "bp":
        from dansmarue.adminpages import (  # noqa: F401 (their routes join bp)
            audit_page,
            categories,
            preview,
            sectors,
            sla,
            texts,
            units,
            users,
        )
        from dansmarue.adminpages.base import bp

        return bp
    raise AttributeError(name)
