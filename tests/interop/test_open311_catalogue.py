"""Open311 discovery, service list and service definitions, in JSON and XML."""

import pytest
from sqlalchemy import select

from dansmarue.models import Category
from tests.interop.open311_client import (
    assert_errors_json,
    assert_errors_xml,
    get,
    w3c,
)

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def test_discovery_json(client):
    response, body = get(client, "discovery", "json")
    assert response.status_code == 200
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    w3c(body["changeset"])
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    w3c(endpoint["changeset"])


def test_discovery_xml(client):
    response, root = get(client, "discovery", "xml")
    assert response.status_code == 200
    assert root.tag == "discovery"
    for tag in ("changeset", "contact", "key_service"):
        assert root.findtext(tag)
    endpoints = root.findall("endpoints/endpoint")
    assert len(endpoints) == 1
    formats = [f.text for f in endpoints[0].findall("formats/format")]
    assert sorted(formats) == ["application/json", "text/xml"]
    assert endpoints[0].findtext("specification") == "http://wiki.open311.org/GeoReport_v2"


def test_services_json_lists_public_leaves_with_their_group(client, session, leaf):
    response, body = get(client, "services", "json")
    assert response.status_code == 200
    assert isinstance(body, list) and len(body) > 20
    for service in body:
        assert set(service) == SERVICE_KEYS
        assert isinstance(service["service_code"], str)
        assert service["metadata"] is True
        assert service["type"] in ("realtime", "batch", "blackbox")
        assert isinstance(service["keywords"], str)
    mine = next(s for s in body if s["service_code"] == str(leaf.id))
    assert mine["service_name"] == leaf.label
    assert mine["group"] == leaf.top_level.label
    codes = {int(s["service_code"]) for s in body}
    parents = set(session.scalars(select(Category.parent_id).where(Category.parent_id.is_not(None))))
    assert not codes & parents  # leaves only


def test_services_exclude_agent_only_and_inactive(client, session, leaf):
    others = session.scalars(
        select(Category)
        .where(Category.is_leaf, Category.active, Category.id != leaf.id, Category.agent_only.is_(False))
        .order_by(Category.id)
        .limit(2)
    ).all()
    others[0].agent_only = True
    others[1].active = False
    session.flush()
    _, body = get(client, "services", "json")
    codes = {s["service_code"] for s in body}
    assert str(leaf.id) in codes
    assert str(others[0].id) not in codes
    assert str(others[1].id) not in codes


def test_services_xml(client, leaf):
    response, root = get(client, "services", "xml")
    assert response.status_code == 200
    assert root.tag == "services"
    services = root.findall("service")
    assert services
    mine = next(s for s in services if s.findtext("service_code") == str(leaf.id))
    assert {child.tag for child in mine} == SERVICE_KEYS
    assert mine.findtext("metadata") == "true"
    assert mine.findtext("group") == leaf.top_level.label


@pytest.mark.parametrize("jurisdiction,status", [("paris.fr", 200), ("", 200), ("sfgov.org", 404)])
def test_services_jurisdiction(client, jurisdiction, status):
    response, body = get(client, "services", "json", jurisdiction_id=jurisdiction)
    assert response.status_code == status
    if status == 404:
        assert_errors_json(body, 404)


def test_service_definition_json(client, leaf):
    response, body = get(client, f"services/{leaf.id}", "json")
    assert response.status_code == 200
    assert body["service_code"] == str(leaf.id)
    attributes = body["attributes"]
    orders = [a["order"] for a in attributes]
    assert len(set(orders)) == len(orders) and min(orders) >= 1
    for attribute in attributes:
        assert isinstance(attribute["variable"], bool)
        assert isinstance(attribute["required"], bool)
        assert isinstance(attribute["order"], int)
        assert attribute["datatype"] in (
            "string",
            "number",
            "datetime",
            "text",
            "singlevaluelist",
            "multivaluelist",
        )
    priority = next(a for a in attributes if a["code"] == "priority")
    assert priority["datatype"] == "singlevaluelist"
    assert [v["key"] for v in priority["values"]] == ["1", "2", "3"]


def test_service_definition_xml(client, leaf):
    response, root = get(client, f"services/{leaf.id}", "xml")
    assert response.status_code == 200
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == str(leaf.id)
    priority = next(a for a in root.findall("attributes/attribute") if a.findtext("code") == "priority")
    assert priority.findtext("variable") == "true"
    assert [v.findtext("key") for v in priority.findall("values/value")] == ["1", "2", "3"]
    assert priority.findall("values/value")[0].findtext("name") == "Dangereux"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(client, fmt):
    response, body = get(client, "services/999999", fmt)
    assert response.status_code == 404
    (assert_errors_json if fmt == "json" else assert_errors_xml)(body, 404)


def test_unknown_jurisdiction_on_definition_is_404_xml(client, leaf):
    response, root = get(client, f"services/{leaf.id}", "xml", jurisdiction_id="nyc.gov")
    assert response.status_code == 404
    assert_errors_xml(root, 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_resource_answers_open311_404(client, fmt):
    response, body = get(client, "nothing/here", fmt)
    assert response.status_code == 404
    (assert_errors_json if fmt == "json" else assert_errors_xml)(body, 404)
