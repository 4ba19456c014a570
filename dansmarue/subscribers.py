"""Connects signal subscribers; imported once by the app factory."""

import importlib

# Each module connects its handlers to `dansmarue.signals` when imported.
MODULES: tuple[str, ...] = (
    "dansmarue.sla.hooks",
    "dansmarue.notifications.hooks",
    "dansmarue.jobs.autorelay",
)


def connect_all() -> None:
    for name in MODULES:
        importlib.import_module(name)
