"""The category tree through /api/v1/admin/categories (#13): each change bumps
the catalogue version every channel serves."""

import json

from dansmarue.models import Category
from tests.agents.conftest import GRASS, bearer
from tests.interop.mobile_client import RPC
from tests.interop.open311_client import get as open311_get

C = "/api/v1/admin/categories"


def _mobile_categories(client) -> dict:
    stream = json.dumps([{"request": "getCategories", "curVersion": 0}])
    return client.post(RPC, data={"jsonStream": stream}).json[0]["answer"]


def test_rename_shows_everywhere_with_a_new_version(client, people, session):
    h = bearer(people, "admin")
    before = client.get("/api/v1/categories").json["version"]
    mobile_before = _mobile_categories(client)["version"]
    renamed = client.patch(f"{C}/{GRASS}", headers=h, json={"label": "Herbes folles renommées"})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["catalogue_version"] > before
    public = client.get("/api/v1/categories").json
    assert public["version"] == renamed.json["catalogue_version"]
    assert "Herbes folles renommées" in json.dumps(public["categories"], ensure_ascii=False)
    mobile = _mobile_categories(client)
    assert mobile["version"] > mobile_before
    assert "Herbes folles renommées" in json.dumps(mobile, ensure_ascii=False)
    _, services = open311_get(client, "services", "json")
    assert (
        next(s for s in services if s["service_code"] == str(GRASS))["service_name"]
        == "Herbes folles renommées"
    )
    entry = client.get("/api/v1/admin/audit", headers=h, query_string={"entity": "category"}).json["items"][0]
    assert entry["entity_id"] == str(GRASS) and entry["after"]["label"] == "Herbes folles renommées"
    assert entry["before"]["label"] != entry["after"]["label"]


def test_create_move_and_deactivate(client, people, session):
    h = bearer(people, "admin")
    grass = session.get(Category, GRASS)
    top = client.post(C, headers=h, json={"label": "Nouveau type", "unit_id": grass.unit_id})
    assert top.status_code == 201, top.json
    child = client.post(
        C,
        headers=h,
        json={
            "label": "Nouveau sous-type",
            "parent_id": top.json["id"],
            "unit_id": grass.unit_id,
            "default_priority": 1,
            "public_max_age_days": 90,
            "agent_only": False,
        },
    )
    assert child.status_code == 201, child.json
    assert child.json["is_leaf"] is True and child.json["default_priority"] == 1
    assert client.get(f"{C}/{top.json['id']}", headers=h).json["is_leaf"] is False
    assert (
        client.patch(f"{C}/{top.json['id']}", headers=h, json={"parent_id": child.json["id"]}).status_code
        == 422
    )
    assert client.patch(f"{C}/{child.json['id']}", headers=h, json={"parent_id": 999999}).status_code == 422
    assert client.patch(f"{C}/{child.json['id']}", headers=h, json={"unit_id": 999999}).status_code == 422
    moved = client.patch(f"{C}/{child.json['id']}", headers=h, json={"parent_id": grass.parent_id})
    assert moved.status_code == 200 and moved.json["parent_id"] == grass.parent_id
    assert client.get(f"{C}/{top.json['id']}", headers=h).json["is_leaf"] is True
    client.patch(f"{C}/{child.json['id']}", headers=h, json={"parent_id": top.json["id"]})
    off = client.patch(f"{C}/{top.json['id']}", headers=h, json={"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    assert client.get(f"{C}/{child.json['id']}", headers=h).json["active"] is False  # the branch goes too
    listed = client.get(C, headers=h, query_string={"active": False}).json
    assert {top.json["id"], child.json["id"]} <= {c["id"] for c in listed}
    actions = [
        e["action"]
        for e in client.get(
            "/api/v1/admin/audit",
            headers=h,
            query_string={"entity": "category", "entity_id": child.json["id"]},
        ).json["items"]
    ]
    assert actions == ["move", "move", "create"]
    assert client.get(f"{C}/999999", headers=h).status_code == 404
