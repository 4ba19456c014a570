"""Every channel bounds a person's text by the one table (`models.limits`):
each documented request field that carries a description, a comment, an
address, a guid... declares the table's bound, so what one channel accepts,
every channel accepts (REST, Open311, the agents', the contractors')."""

import pytest

from dansmarue.models import Follower, Report
from dansmarue.models.limits import TEXT_LIMITS

# Wire names of the same domain texts (Open311's, the contractors', headers).
WIRE_NAMES = {
    "address_string": "address",
    "device_id": "udid",
    "account_id": "guid",
    "rejection_reason": "reason",
}
# The administration names other things (a unit's mailbox, a category's
# message, a user's name): those follow their own columns.
OTHER_DOMAINS = ("/api/v1/admin/", "/api/v1/auth/")


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _request_texts(spec: dict) -> list[tuple[str, str, object]]:
    found = []
    for path, operations in spec["paths"].items():
        if path.startswith(OTHER_DOMAINS):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            fields = [(p["name"], p.get("schema", {})) for p in operation.get("parameters", [])]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = _resolve(spec, content.get("schema", {}))
                fields += list(body.get("properties", {}).items())
            for name, schema in fields:
                schema = _resolve(spec, schema)
                domain = WIRE_NAMES.get(name, name)
                if domain in TEXT_LIMITS and schema.get("type") == "string":
                    found.append((f"{method.upper()} {path} {name}", domain, schema.get("maxLength")))
    return found


@pytest.fixture(scope="module")
def texts(app):
    return _request_texts(app.test_client().get("/api/openapi.json").get_json())


def test_the_channels_carry_texts_at_all(texts):
    assert {"description", "comment", "address", "guid", "email", "reason", "udid"} <= {
        d for _, d, _ in texts
    }
    assert any(where.startswith("POST /open311/") for where, _, _ in texts)


def test_each_text_field_has_the_tables_bound(texts):
    wrong = [
        f"{where}: {bound} instead of {TEXT_LIMITS[domain]}"
        for where, domain, bound in texts
        if bound != TEXT_LIMITS[domain]
    ]
    assert not wrong, "\n".join(wrong)


def test_bounded_columns_give_their_own_length():
    assert TEXT_LIMITS["address"] == Report.__table__.c.address.type.length
    assert TEXT_LIMITS["email"] == Report.__table__.c.reporter_email.type.length
    assert TEXT_LIMITS["guid"] == Report.__table__.c.reporter_guid.type.length
    assert TEXT_LIMITS["push_token"] == Follower.__table__.c.push_token.type.length
