"""The layering rules of the codebase, checked on the source itself."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.parametrize("path", sources("dansmarue/services"), ids=str)
def test_services_never_read_the_request(path):
    assert "flask.request" not in imported_names(path)


@pytest.mark.parametrize("path", sources("geo", "dansmarue/sla", "dansmarue/media"), ids=str)
def test_pure_packages_need_no_flask_and_no_database(path):
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
