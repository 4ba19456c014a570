"""The audit trail (#13): every administrative change, who, when, before and after."""

from tests.agents.conftest import bearer

AUDIT = "/api/v1/admin/audit"


def _trail(client, people, **query):
    response = client.get(AUDIT, headers=bearer(people, "admin"), query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_catalogue_and_rule_changes_are_audited(client, people, session):
    headers = bearer(people, "admin")
    reason = client.post(
        "/api/v1/admin/rejection-reasons", headers=headers, json={"label": "Motif audité"}
    ).json
    client.patch(f"/api/v1/admin/rejection-reasons/{reason['id']}", headers=headers, json={"active": False})
    client.delete(f"/api/v1/admin/rejection-reasons/{reason['id']}", headers=headers)
    page = _trail(client, people, entity="rejection_reason", entity_id=str(reason["id"]))
    assert page["total"] == 3
    deleted, updated, created = page["items"]
    assert [created["action"], updated["action"], deleted["action"]] == ["create", "update", "delete"]
    assert created["before"] is None and created["after"]["label"] == "Motif audité"
    assert updated["before"]["active"] is True and updated["after"]["active"] is False
    assert deleted["before"]["label"] == "Motif audité" and deleted["after"] is None
    assert {e["actor_email"] for e in page["items"]} == {"admin@paris.fr"}
    assert all(e["at"] for e in page["items"])

    message = client.post(
        "/api/v1/admin/done-messages", headers=headers, json={"title": "Audit", "message": "Message audité"}
    ).json
    assert _trail(client, people, entity="done_message", entity_id=str(message["id"]))["total"] == 1
    rule = client.post(
        "/api/v1/admin/requalification-rules",
        headers=headers,
        json={"source_unit_id": 13, "target_unit_id": 23},
    ).json
    client.patch(f"/api/v1/admin/requalification-rules/{rule['id']}", headers=headers, json={"active": False})
    client.delete(f"/api/v1/admin/requalification-rules/{rule['id']}", headers=headers)
    rule_trail = _trail(client, people, entity="requalification_rule", entity_id=str(rule["id"]))
    assert [e["action"] for e in rule_trail["items"]] == ["delete", "update", "create"]


def test_refused_change_leaves_no_entry_and_trail_pages(client, people, session):
    headers = bearer(people, "admin")
    before = _trail(client, people)["total"]
    client.post("/api/v1/admin/rejection-reasons", headers=headers, json={"label": "Motif unique"})
    assert (
        client.post(
            "/api/v1/admin/rejection-reasons", headers=headers, json={"label": "Motif unique"}
        ).status_code
        == 409
    )
    assert _trail(client, people)["total"] == before + 1
    for n in range(3):
        client.post("/api/v1/admin/rejection-reasons", headers=headers, json={"label": f"Motif page {n}"})
    page = _trail(client, people, entity="rejection_reason", page=2, page_size=2)
    assert page["page"] == 2 and page["page_size"] == 2 and len(page["items"]) == 2
    assert page["total"] >= 4


def test_unchanged_update_writes_nothing(client, people, session):
    headers = bearer(people, "admin")
    reason = client.post(
        "/api/v1/admin/rejection-reasons", headers=headers, json={"label": "Motif stable"}
    ).json
    client.patch(f"/api/v1/admin/rejection-reasons/{reason['id']}", headers=headers, json={"sort_order": 0})
    assert _trail(client, people, entity="rejection_reason", entity_id=str(reason["id"]))["total"] == 1
