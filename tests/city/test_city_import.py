"""A second city from its own files: `flask city import data/cities/lyon` into a
fresh database, then reports routed there with Lyon's profile."""

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from dansmarue import create_app
from dansmarue.models import Category, District, Report, Sector, SlaTarget, Unit, db
from tests.conftest import TEST_DATABASE_URL
from tests.conftest import test_config as base_config

ROOT = Path(__file__).resolve().parents[2]
LYON = ROOT / "data" / "cities" / "lyon"
BELLECOUR = {"latitude": 45.7578, "longitude": 4.8320}  # place Bellecour, 2e
FOURVIERE = {"latitude": 45.7622, "longitude": 4.8226}  # basilique de Fourvière, 5e
TOUR_EIFFEL = {"latitude": 48.8584, "longitude": 2.2945}


def _admin(url):
    return psycopg.connect(
        make_url(url).set(database="postgres", drivername="postgresql").render_as_string(hide_password=False),
        autocommit=True,
    )


@pytest.fixture(scope="module")
def lyon_app(tmp_path_factory):
    """A fresh database of its own, migrated, then Lyon imported by the CLI."""
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_lyon"
    with _admin(TEST_DATABASE_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(
        url.set(database=name, drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    app = create_app(
        base_config(tmp_path_factory)
        | {
            "SQLALCHEMY_DATABASE_URI": url.set(database=name).render_as_string(hide_password=False),
            "CITY_PROFILE": str(LYON / "city.toml"),
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["city", "import", str(LYON)])
    assert result.exit_code == 0, result.output
    app.first_import = result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    with _admin(TEST_DATABASE_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts(app) -> dict:
    with app.app_context():
        out = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (District, Unit, Sector, Category, SlaTarget)
        }
        db.session.remove()
        return out


def category(app, label: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.label == label))


def test_the_import_loads_lyon_and_a_second_run_changes_nothing(lyon_app):
    assert "districts: 9" in lyon_app.first_import
    before = counts(lyon_app)
    assert (
        before
        == {"District": 9, "Unit": 8, "Sector": 9 * 4, "Category": 4 + 11, "SlaTarget": before["SlaTarget"]}
        and before["SlaTarget"] >= 11
    )
    again = lyon_app.test_cli_runner().invoke(args=["city", "import", str(LYON)])
    assert again.exit_code == 0, again.output
    assert counts(lyon_app) == before


def test_a_report_in_lyon_is_routed_to_its_arrondissement_and_unit(lyon_app):
    client = lyon_app.test_client()
    pothole = category(lyon_app, "Nid de poule sur la chaussée")
    created = client.post(
        "/api/v1/reports", json={"category_id": pothole, **BELLECOUR, "description": "Trou profond"}
    )
    assert created.status_code == 201, created.get_json()
    tree = client.post(
        "/api/v1/reports", json={"category_id": category(lyon_app, "Arbre dangereux"), **FOURVIERE}
    )
    assert tree.status_code == 201, tree.get_json()
    with lyon_app.app_context():
        first = db.session.scalar(select(Report).where(Report.reference == created.get_json()["reference"]))
        second = db.session.scalar(select(Report).where(Report.reference == tree.get_json()["reference"]))
        units = {u.id: u.code for u in db.session.scalars(select(Unit))}
        assert (first.district_id, units[first.unit_id], units[first.direction_id]) == (
            2,
            "MET-VOI-ENT",
            "MET-VOI",
        )
        assert (second.district_id, units[second.unit_id]) == (5, "VDL-EV-ARB")
        db.session.remove()


def test_the_due_date_follows_lyons_calendar(lyon_app):
    """Voirie: acknowledged within 1 business day. Filed on Thursday 24 December
    2026 at 10:00 (Lyon time), Christmas is a public holiday: due Monday 28th."""
    local = ZoneInfo("Europe/Paris")
    with time_machine.travel(datetime(2026, 12, 24, 10, tzinfo=local), tick=False):
        created = lyon_app.test_client().post(
            "/api/v1/reports", json={"category_id": category(lyon_app, "Trottoir dégradé"), **BELLECOUR}
        )
    assert created.status_code == 201, created.get_json()
    reference = created.get_json()["reference"]
    assert reference.startswith("S2026L") and len(reference) == len("S2026L000001")
    with lyon_app.app_context():
        report = db.session.scalar(select(Report).where(Report.reference == reference))
        assert report.ack_due_at.astimezone(local) == datetime(2026, 12, 28, 10, tzinfo=local)
        db.session.remove()


def test_lyon_refuses_a_point_in_paris_with_its_own_message(lyon_app):
    answer = lyon_app.test_client().post(
        "/api/v1/reports", json={"category_id": category(lyon_app, "Lampadaire éteint"), **TOUR_EIFFEL}
    )
    assert answer.status_code == 422
    assert answer.get_json()["detail"] == "Ce signalement n'est pas situé à Lyon."


def test_open311_and_the_catalogue_speak_for_lyon(lyon_app):
    client = lyon_app.test_client()
    assert client.get("/open311/v2/services.json?jurisdiction_id=lyon.fr").status_code == 200
    assert client.get("/open311/v2/services.json?jurisdiction_id=paris.fr").status_code == 404
    catalogue = str(client.get("/api/v1/categories").get_json())
    assert "Lampadaire éteint" in catalogue and "Graffitis" not in catalogue


def test_a_broken_pack_is_refused_line_by_line_and_loads_nothing(lyon_app, tmp_path):
    broken = tmp_path / "lyon"
    shutil.copytree(LYON, broken)
    units = (broken / "units.csv").read_text(encoding="utf-8").splitlines()
    units[2] = units[2].replace(",service,", ",bureau,")  # line 3
    (broken / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    with (broken / "categories.csv").open("a", encoding="utf-8") as handle:
        handle.write("Voirie,Pavé descellé,UNITE-INCONNUE,false,false,2,30,\n")  # line 13
    districts = (broken / "districts.geojson").read_text(encoding="utf-8")
    (broken / "districts.geojson").write_text(
        districts.replace('"number":3,', '"number":"x",', 1), encoding="utf-8"
    )
    before = counts(lyon_app)
    result = lyon_app.test_cli_runner().invoke(args=["city", "import", str(broken)])
    assert result.exit_code == 1
    assert "units.csv:3: kind must be one of" in result.output
    assert "categories.csv:13: unit 'UNITE-INCONNUE' is not in units.csv" in result.output
    assert "districts.geojson: feature 3: number must be an integer" in result.output
    assert "nothing was loaded" in result.output
    assert counts(lyon_app) == before
