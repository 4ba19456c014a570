"""Flask CLI groups: `flask data ...` (and the groups other modules add)."""

import importlib

from flask import Flask

# Each module exposes a click group named `cli`.
GROUPS = ("data", "city", "users", "open311", "jobs", "catalogues", "sla")


def register_cli(app: Flask) -> None:
    for name in GROUPS:
        module = importlib.import_module(f"dansmarue.cli.{name}")
        app.cli.add_command(module.cli)
