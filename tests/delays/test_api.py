"""/api/v1/stats: who may read what, the figures served, CSV and open-data exports."""

import csv
import io
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from dansmarue.access import auth
from dansmarue.models import Unit, db
from dansmarue.sla.sweep import sweep
from dansmarue.stats import queries as stats

from .conftest import leaf, paris

LITTER = "Propreté:Déchets et/ou salissures divers"
ENDPOINTS = [
    "/summary",
    "/backlog",
    "/backlog.csv",
    "/scheduled",
    "/scheduled.csv",
    "/delays",
    "/delays.csv",
    "/trends",
    "/overdue",
    "/overdue.csv",
    "/open-data.csv",
]
PERIOD = {"from": "2026-05-01", "to": "2026-06-30"}
# Snapshots of today (no period): a period sent to them is an unknown parameter (400).
SNAPSHOTS = {"/backlog", "/backlog.csv", "/scheduled", "/scheduled.csv", "/overdue", "/overdue.csv"}


@pytest.fixture
def people(session):
    directions = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).all()

    def token(email, role, **kw):
        user = auth.create_user(email, "motdepasse-long-1", role, **kw)
        return {"Authorization": f"Bearer {auth.issue_token(user)}"}

    agent_unit = db.session.scalars(select(Unit).where(Unit.parent_id.is_not(None))).first()
    return {
        "admin": token("admin-sla@paris.example", "admin"),
        "agent": token("agent-sla@paris.example", "agent", unit_codes=[agent_unit.code]),
        "resident": token("resident-sla@paris.example", "resident"),
        "directions": directions,
        "manager_of": lambda d: token(
            f"chef-{d.code.lower()}@paris.example", "manager", direction_code=d.code
        ),
    }


@pytest.fixture
def reports(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False):
        made = [make_report(leaf(LITTER)) for _ in range(3)]
    made[0].reporter_email = "habitant@example.org"
    sweep(now=paris(2026, 6, 10, 0, 0))
    return made


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_resident_and_agent_are_refused(client, people, path):
    assert client.get(f"/api/v1/stats{path}").status_code == 401
    assert client.get(f"/api/v1/stats{path}", headers=people["resident"]).status_code == 403
    assert client.get(f"/api/v1/stats{path}", headers=people["agent"]).status_code == 403


@pytest.mark.parametrize("path", ENDPOINTS)
def test_admin_and_manager_may_read(client, people, reports, path):
    direction = db.session.get(Unit, reports[0].direction_id)
    for headers in (people["admin"], people["manager_of"](direction)):
        query = {} if path in SNAPSHOTS else PERIOD
        response = client.get(f"/api/v1/stats{path}", query_string=query, headers=headers)
        body = response.get_data(as_text=True)  # consumes (and closes) streamed CSVs
        assert response.status_code == 200, body
        assert body


def test_manager_sees_only_their_direction(client, people, reports):
    mine = db.session.get(Unit, reports[0].direction_id)
    other = next(d for d in people["directions"] if d.id != mine.id)
    headers = people["manager_of"](mine)
    body = client.get(
        "/api/v1/stats/delays", query_string={**PERIOD, "by": "category"}, headers=headers
    ).get_json()
    assert body["items"] == stats.breakdown("category", date(2026, 5, 1), date(2026, 6, 30), [mine.id])
    refused = client.get("/api/v1/stats/delays", headers=headers, query_string={"direction_id": other.id})
    assert refused.status_code == 403
    assert refused.content_type.startswith("application/problem+json")
    other_manager = client.get("/api/v1/stats/overdue", headers=people["manager_of"](other))
    assert other_manager.get_json()["items"] == []


def test_admin_figures_and_direction_filter(client, people, reports):
    body = client.get("/api/v1/stats/summary", query_string=PERIOD, headers=people["admin"]).get_json()
    assert body["figures"]["created"] >= 3
    overdue = client.get(
        "/api/v1/stats/overdue", query_string={"limit": 2}, headers=people["admin"]
    ).get_json()
    assert len(overdue["items"]) == 2 and overdue["next"]
    rest = client.get(
        "/api/v1/stats/overdue", query_string={"after": overdue["next"]}, headers=people["admin"]
    ).get_json()
    ids = [r["id"] for r in overdue["items"] + rest["items"]]
    assert {r.id for r in reports} <= set(ids) and len(ids) == len(set(ids))


def test_bad_queries_are_422_field_by_field(client, people):
    for query, field in (
        ({"from": "2026-06-30", "to": "2026-06-01"}, "from"),
        ({"by": "colour"}, "by"),
        ({"after": "nonsense"}, "after"),
    ):
        path = "/api/v1/stats/overdue" if "after" in query else "/api/v1/stats/delays"
        response = client.get(path, query_string=query, headers=people["admin"])
        assert response.status_code == 422
        assert field in {e["field"] for e in response.get_json()["errors"]}


def test_csv_exports(client, people, reports):
    response = client.get(
        "/api/v1/stats/delays.csv", query_string={**PERIOD, "by": "district"}, headers=people["admin"]
    )
    assert response.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert rows and "on_time_rate" in rows[0] and "resolve_median_seconds" in rows[0]


def test_open_data_export_has_the_real_columns_and_no_personal_data(client, people, reports):
    response = client.get("/api/v1/stats/open-data.csv", query_string=PERIOD, headers=people["admin"])
    text_body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text_body), delimiter=";"))
    assert rows[0] == [
        "ID DECLARATION",
        "TYPE DECLARATION",
        "SOUS TYPE DECLARATION",
        "ADRESSE",
        "CODE POSTAL",
        "ARRONDISSEMENT",
        "DATE DECLARATION",
        "OUTIL SOURCE",
        "INTERVENANT",
        "ID_DMR",
        "Coordonnées Lat/Long",
    ]
    mine = next(r for r in rows[1:] if r[9] == reports[0].reference)
    assert mine[1] == "Propreté" and mine[2] == "Déchets et/ou salissures divers"
    assert mine[4] == "75011" and mine[5] == "11" and mine[6] == "2026-06-01"
    assert mine[7] == "Page DMR Paris.fr"
    assert "habitant@example.org" not in text_body
