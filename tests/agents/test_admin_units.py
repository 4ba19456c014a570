"""The unit tree through /api/v1/admin/units (#13)."""

from tests.agents.conftest import bearer

UNITS = "/api/v1/admin/units"


def test_unit_lifecycle_is_audited_and_secret_never_shown(client, people, session):
    h = bearer(people, "admin")
    direction = client.post(
        UNITS, headers=h, json={"code": "DTEST", "label": "Direction test", "kind": "direction"}
    )
    assert direction.status_code == 201, direction.json
    unit = client.post(
        UNITS,
        headers=h,
        json={
            "code": "DTEST-PRESTA",
            "label": "Prestataire",
            "kind": "contractor",
            "parent_id": direction.json["id"],
        },
    )
    assert unit.status_code == 201, unit.json
    uid = unit.json["id"]
    assert client.post(UNITS, headers=h, json={"code": "DTEST", "label": "Doublon"}).status_code == 409
    changed = client.patch(
        f"{UNITS}/{uid}",
        headers=h,
        json={
            "label": "Prestataire renommé",
            "email": "presta@example.org",
            "webhook_url": "https://presta.example.org/hook",
            "webhook_secret": "s" * 32,
        },
    )
    assert changed.status_code == 200, changed.json
    body = changed.json
    assert body["label"] == "Prestataire renommé" and body["email"] == "presta@example.org"
    assert body["has_webhook_secret"] is True and "webhook_secret" not in body
    assert client.patch(f"{UNITS}/{uid}", headers=h, json={"webhook_url": "ftp://x"}).status_code == 422
    loop = client.patch(f"{UNITS}/{direction.json['id']}", headers=h, json={"parent_id": uid})
    assert loop.status_code == 422
    moved = client.patch(f"{UNITS}/{uid}", headers=h, json={"parent_id": 13})
    assert moved.status_code == 200 and moved.json["parent_id"] == 13
    off = client.patch(f"{UNITS}/{uid}", headers=h, json={"active": False})
    assert off.json["active"] is False
    assert uid in {u["id"] for u in client.get(UNITS, headers=h, query_string={"active": False}).json}
    trail = client.get(
        "/api/v1/admin/audit", headers=h, query_string={"entity": "unit", "entity_id": uid}
    ).json
    assert [e["action"] for e in trail["items"]] == ["update", "move", "update", "create"]
    secret_change = trail["items"][2]
    assert (
        secret_change["after"]["webhook_secret"] == "***"
        and secret_change["before"]["webhook_secret"] is None
    )
    assert "s" * 32 not in str(trail)
    assert client.get(f"{UNITS}/999999", headers=h).status_code == 404
