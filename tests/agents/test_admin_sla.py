"""SLA targets through /api/v1/admin/sla-targets (#13)."""

from sqlalchemy import delete

from dansmarue.models import SlaTarget
from dansmarue.sla import clock
from tests.agents.conftest import GRASS, bearer

S = "/api/v1/admin/sla-targets"
BODY = {"ack_amount": 3, "ack_unit": "hours", "resolve_amount": 2, "resolve_unit": "business_days"}


def test_targets_crud_applies_at_once_and_is_audited(client, people, session):
    h = bearer(people, "admin")
    session.execute(delete(SlaTarget).where(SlaTarget.category_id == GRASS, SlaTarget.priority == 1))
    created = client.post(S, headers=h, json={"category_id": GRASS, "priority": 1, **BODY})
    assert created.status_code == 201, created.json
    tid = created.json["id"]
    assert created.json["resolve_amount"] == 2 and created.json["source"] == "admin"
    ack, resolve = clock.targets_for(GRASS, 1)
    assert (ack.amount, ack.unit, resolve.amount, resolve.unit) == (3, "hours", 2, "business_days")
    assert client.post(S, headers=h, json={"category_id": GRASS, "priority": 1, **BODY}).status_code == 409
    parent = client.get(f"/api/v1/admin/categories/{GRASS}", headers=h).json["parent_id"]
    assert client.post(S, headers=h, json={"category_id": parent, **BODY}).status_code == 422
    assert (
        client.post(S, headers=h, json={"category_id": GRASS, **BODY, "ack_unit": "weeks"}).status_code == 422
    )
    patched = client.patch(f"{S}/{tid}", headers=h, json={"ack_amount": 1})
    assert patched.status_code == 200 and patched.json["ack_amount"] == 1
    assert clock.targets_for(GRASS, 1)[0].amount == 1
    assert tid in {t["id"] for t in client.get(S, headers=h, query_string={"category_id": GRASS}).json}
    assert client.delete(f"{S}/{tid}", headers=h).status_code == 204
    assert client.get(f"{S}/{tid}", headers=h).status_code == 404
    trail = client.get(
        "/api/v1/admin/audit", headers=h, query_string={"entity": "sla_target", "entity_id": tid}
    )
    items = trail.json["items"]
    assert [e["action"] for e in items] == ["delete", "update", "create"]
    assert float(items[1]["before"]["ack_amount"]) == 3 and float(items[1]["after"]["ack_amount"]) == 1
