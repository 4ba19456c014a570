"""The choices of the admin forms' selects (units, directions, categories, roles),
read through the admin services."""

from dansmarue.admin import units
from dansmarue.catalogue import category_admin
from dansmarue.models import ROLES

ROLE_LABELS = {"resident": "Habitant", "agent": "Agent", "manager": "Responsable", "admin": "Administrateur"}
NONE = ("", "—")


def roles() -> list[tuple[str, str]]:
    return [(r, ROLE_LABELS.get(r, r)) for r in ROLES]


def unit_codes() -> list[tuple[str, str]]:
    return [(u.code, f"{u.code} · {u.label}") for u in units.list_all()]


def directions() -> list[tuple[str, str]]:
    return [NONE] + [(u.code, f"{u.code} · {u.label}") for u in units.list_all(kind="direction")]


def unit_ids(*, empty: bool = True) -> list[tuple[str, str]]:
    rows = [(str(u.id), f"{u.code} · {u.label}") for u in units.list_all()]
    return [NONE, *rows] if empty else rows


def categories(*, leaves_only: bool = False, empty: bool = True) -> list[tuple[str, str]]:
    rows = [
        (str(c.id), f"{c.id} · {c.label}" + ("" if c.active else " (inactive)"))
        for c in category_admin.list_all()
        if c.is_leaf or not leaves_only
    ]
    return [NONE, *rows] if empty else rows
