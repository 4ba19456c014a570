"""Validation at the edge (#20.1): what PostgreSQL would refuse is refused
before it, with a 404 or a field-by-field 422, and nothing is logged as a bug
(each case below answered a DataError or a 500 before)."""

import pytest

from tests.agents.conftest import bearer

BIG, NEGATIVE = "323086271126", "-22216712125"


@pytest.mark.parametrize(
    ("role", "method", "url", "body"),
    [
        ("admin", "GET", f"/api/v1/admin/rejection-reasons/{BIG}", None),
        ("admin", "DELETE", f"/api/v1/admin/requalification-rules/{BIG}", None),
        ("admin", "PATCH", f"/api/v1/admin/done-messages/{BIG}", {"label": "x"}),
        ("anonymous", "GET", "/api/v1/track/a%00b", None),
        ("anonymous", "GET", "/api/v1/follows/a%00b", None),
        ("anonymous", "POST", "/api/v1/reports/S%00/followers", {"email": "a@example.org"}),
        ("anonymous", "GET", "/media/photos/a%00/thumb", None),
    ],
)
def test_an_id_or_a_segment_no_column_can_hold_is_not_found(client, people, bugs, role, method, url, body):
    answer = client.open(url, method=method, json=body, headers=bearer(people, role))
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert not bugs


@pytest.mark.parametrize(
    ("role", "url", "field", "message"),
    [
        ("agent", f"/api/v1/agent/reports?unit_id={NEGATIVE}", "unit_id", "Identifiant hors limites"),
        ("admin", f"/api/v1/agent/reports?category_id={BIG}", "category_id", "Identifiant hors limites"),
        ("admin", "/api/v1/agent/reports?q=a%00b", "q", "Caractère interdit"),
        ("admin", "/api/v1/stats/summary?from=0001-01-01&to=0001-01-01", "from", "Date hors de la période"),
        ("admin", "/api/v1/stats/open-data.csv?from=2024-01-01&to=9999-12-31", "to", "2000–2100"),
        ("admin", f"/api/v1/stats/summary?direction_id={BIG}", "direction_id", "Nombre hors limites"),
    ],
)
def test_a_query_beyond_the_columns_is_refused_field_by_field(
    client, people, bugs, role, url, field, message
):
    answer = client.get(url, headers=bearer(people, role))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert any(
        e["field"].split(".")[0] == field and message in e["message"] for e in answer.json["errors"]
    ), answer.json
    assert not bugs


def test_a_json_body_with_a_nul_byte_is_refused_and_nothing_is_written(client, people, bugs):
    headers = bearer(people, "admin")
    before = client.get("/api/v1/admin/rejection-reasons", headers=headers).json
    answer = client.post("/api/v1/admin/rejection-reasons", json={"label": "a\x00b"}, headers=headers)
    assert answer.status_code == 422
    assert answer.json["errors"] == [
        {
            "field": "label",
            "location": "json",
            "message": "Caractère interdit (octet nul ou caractère Unicode isolé).",
        }
    ]
    assert client.get("/api/v1/admin/rejection-reasons", headers=headers).json == before
    assert not bugs


def test_the_bounds_are_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    (unit,) = [
        p for p in spec["paths"]["/api/v1/agent/reports"]["get"]["parameters"] if p["name"] == "unit_id"
    ]
    assert (unit["schema"]["minimum"], unit["schema"]["maximum"]) == (1, 2**31 - 1)


def test_open311_ids_beyond_the_columns_find_nothing_instead_of_failing(client, bugs):
    answer = client.get(f"/open311/v2/requests.json?service_code={BIG}&service_request_id={BIG}0000000000")
    assert answer.status_code == 200 and answer.json == []
    assert not bugs
