import subprocess
import sys

from sqlalchemy import select, text

from dansmarue import create_app
from dansmarue.models import CatalogueVersion, Category


def test_importing_builds_and_connects_nothing():
    # A fresh interpreter: importing every module must not create an app,
    # an engine connection or a Redis client.
    code = (
        "import sys, socket\n"
        "def refuse(*a, **k): raise SystemExit('connected at import')\n"
        "socket.socket.connect = refuse\n"
        "import dansmarue, dansmarue.models, dansmarue.extensions, dansmarue.api\n"
        "import dansmarue.reports.routing, dansmarue.refdata.loader, wsgi\n"
        "print('ok')\n"
    )
    # wsgi builds the app (that is its job) but still connects to nothing.
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=__file__.rsplit("/tests/", 1)[0]
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_health_reports_versions(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["components"]["postgresql"]["version"].startswith("15")
    assert body["components"]["postgis"]["version"].startswith("3")
    assert body["components"]["redis"]["version"]


def test_health_names_redis_when_down(app, tmp_path):
    broken = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = broken.test_client().get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["down"] == ["redis"]
    assert body["components"]["postgis"]["status"] == "ok"


def test_health_names_database_when_down(app):
    broken = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/x"}
    )
    response = broken.test_client().get("/health")
    assert response.status_code == 503
    assert "postgresql" in response.get_json()["down"]


def test_unknown_url_is_problem_json(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_catalogue_version_bumps_on_every_change(session):
    before = session.get(CatalogueVersion, 1).version
    leaf = session.scalars(select(Category).where(Category.is_leaf)).first()
    leaf.label = leaf.label + " (modifié)"
    session.flush()
    session.expire_all()
    assert session.get(CatalogueVersion, 1).version == before + 1


def test_openapi_is_generated(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/health" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_postgis_is_installed(session):
    assert session.execute(text("SELECT postgis_lib_version()")).scalar().startswith("3")
