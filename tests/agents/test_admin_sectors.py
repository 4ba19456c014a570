"""Sectors through /api/v1/admin/sectors (#13): a replaced polygon routes the next report."""

from sqlalchemy import select

from dansmarue.models import Category, Report
from dansmarue.reports import routing
from tests.agents.conftest import GRASS, POINT, bearer

S = "/api/v1/admin/sectors"


def _square(lon: float, lat: float, half: float = 0.002) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_replaced_polygon_changes_routing_at_once(client, people, session):
    h = bearer(people, "admin")
    unit_id = session.get(Category, GRASS).unit_id
    current = routing.locate(*POINT, unit_id).sector_id
    # A new sector of the same unit around the point: the old one still wins (smaller id).
    new = client.post(
        S,
        headers=h,
        json={"name": "Secteur admin", "number": "ADM-1", "geometry": _square(*POINT), "unit_ids": [unit_id]},
    )
    assert new.status_code == 201, new.json
    assert new.json["units"] == [unit_id] and new.json["geometry"]["type"] == "MultiPolygon"
    assert routing.locate(*POINT, unit_id).sector_id == current
    # The old sector's polygon moved away: the next report goes to the new one.
    moved = client.patch(f"{S}/{current}", headers=h, json={"geometry": _square(2.0, 45.0)})
    assert moved.status_code == 200, moved.json
    assert routing.locate(*POINT, unit_id).sector_id == new.json["id"]
    body = {"category_id": GRASS, "longitude": POINT[0], "latitude": POINT[1], "description": "Herbes hautes"}
    created = client.post("/api/v1/reports", json=body)
    assert created.status_code == 201, created.json
    report = session.scalars(select(Report).order_by(Report.id.desc()).limit(1)).one()
    assert report.sector_id == new.json["id"]
    trail = client.get(
        "/api/v1/admin/audit", headers=h, query_string={"entity": "sector", "entity_id": current}
    )
    (entry,) = trail.json["items"]
    assert entry["before"]["geom"] != entry["after"]["geom"] and entry["after"]["geom"].startswith(
        "MULTIPOLYGON"
    )


def test_bad_polygons_and_units_are_refused(client, people, session):
    h = bearer(people, "admin")
    for geometry in (
        {"type": "Point", "coordinates": [2.35, 48.85]},
        {"type": "Polygon", "coordinates": [[[500, 48], [501, 48], [501, 49], [500, 48]]]},
        {"type": "Polygon", "coordinates": "nope"},
        {},
    ):
        refused = client.post(S, headers=h, json={"name": "Mauvais", "geometry": geometry})
        assert refused.status_code == 422, (geometry, refused.json)
    bad_unit = client.post(
        S, headers=h, json={"name": "X", "geometry": _square(*POINT), "unit_ids": [999999]}
    )
    assert bad_unit.status_code == 422
    assert client.get(f"{S}/999999", headers=h).status_code == 404
    linked = client.get(S, headers=h, query_string={"unit_id": 23}).json
    assert all(23 in s["units"] for s in linked)
