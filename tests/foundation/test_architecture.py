"""The layering rules of the codebase, checked on the source itself.

Each domain package of `dansmarue/` says in its `__init__` docstring what it
owns and what it may import; `MAY_IMPORT` is that contract, enforced here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Shared foundations every package may use.
FOUNDATION = {"errors", "extensions", "settings", "signals", "models", "city"}
# Domain package -> the other dansmarue packages it may import.
MAY_IMPORT = {
    "platform": set(),
    "jobs": {"platform", "create_app"},  # jobs.context builds a worker process's app
    "audit": set(),
    "access": {"platform", "audit", "jobs", "notifications"},  # password-reset mails
    "admin": {"platform", "audit"},
    "catalogue": {"platform", "workflow", "audit"},
    "reports": {"platform", "jobs", "catalogue", "workflow", "access", "media"},
    "workflow": {"platform", "jobs", "catalogue", "reports", "access", "media", "sla", "audit"},
    "sla": {"platform", "jobs", "workflow", "stats", "audit"},
    "stats": {"platform", "access", "catalogue", "sla", "workflow"},
    "notifications": {"platform", "jobs", "sla", "reports", "workflow"},
    "interop": {"platform", "access", "catalogue", "reports", "workflow"},
    "media": set(),
}
DOMAIN_PACKAGES = sorted(MAY_IMPORT)


def imported_names(path: Path) -> set[str]:
    """Every 'module' and 'module.name' a file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def dansmarue_packages(path: Path) -> set[str]:
    return {
        name.split(".")[1]
        for name in imported_names(path)
        if name.startswith("dansmarue.") and name.count(".") >= 1
    }


@pytest.mark.parametrize("path", sources("dansmarue"), ids=str)
def test_dansmarue_never_imports_workers(path):
    # workers/ holds process entry points and thin job wrappers over dansmarue.
    assert not {name for name in imported_names(path) if name.split(".")[0] == "workers"}


@pytest.mark.parametrize("path", sources(*(f"dansmarue/{p}" for p in DOMAIN_PACKAGES)), ids=str)
def test_domain_packages_import_only_what_their_contract_allows(path):
    package = path.relative_to(ROOT / "dansmarue").parts[0]
    allowed = MAY_IMPORT[package] | FOUNDATION | {package}
    assert dansmarue_packages(path) <= allowed


@pytest.mark.parametrize("path", sources(*(f"dansmarue/{p}" for p in DOMAIN_PACKAGES)), ids=str)
def test_services_never_read_the_request(path):
    assert not {n for n in imported_names(path) if n in ("flask.request", "flask.session")}


@pytest.mark.parametrize("package", DOMAIN_PACKAGES)
def test_every_domain_package_says_what_it_owns(package):
    doc = ast.get_docstring(ast.parse((ROOT / "dansmarue" / package / "__init__.py").read_text()))
    assert doc and "May import" in doc


PURE = [
    *sources("geo", "dansmarue/media"),
    ROOT / "dansmarue/sla/calendar.py",
    ROOT / "dansmarue/sla/targets.py",
]


@pytest.mark.parametrize("path", PURE, ids=str)
def test_pure_modules_need_no_flask_and_no_database(path):
    forbidden = {"flask", "sqlalchemy", "geoalchemy2", "psycopg", "redis", "rq"}
    roots = {name.split(".")[0] for name in imported_names(path)}
    assert not roots & forbidden


@pytest.mark.parametrize("path", sources("dansmarue/api"), ids=str)
def test_routes_do_not_build_sql(path):
    # Routes stay thin: queries belong to services.
    if path.name != "routes.py":
        return
    assert "sqlalchemy.text" not in imported_names(path)
    assert "sqlalchemy.select" not in imported_names(path)


@pytest.mark.parametrize("path", sources("dansmarue/adminpages"), ids=str)
def test_admin_pages_leave_the_rules_to_the_admin_services(path):
    # /admin calls the services behind /api/v1/admin: no query of its own,
    # except the maps' drawing (SVG paths from PostGIS, as the agents' maps).
    if path.name == "maps.py":
        return
    writes = {"sqlalchemy.text", "sqlalchemy.select", "sqlalchemy.update", "sqlalchemy.delete"}
    assert not imported_names(path) & writes
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


@pytest.mark.parametrize("path", sources("workers/jobs"), ids=str)
def test_job_wrappers_stay_thin(path):
    # Domain rules live in dansmarue; a job module only adapts ids to services.
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 150
