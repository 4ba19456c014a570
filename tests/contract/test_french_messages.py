"""No English marshmallow message reaches a resident or an agent (#19.15).

Every marshmallow schema of the project (the REST API's, Open311's, the
apps' RPC's, the pages') is fed input of the wrong kind in every field, an
unknown field and a body of the wrong type; none of its messages may be one
of marshmallow's English defaults. Open311 and the apps' RPC are then asked
over HTTP, in their own formats.
"""

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from marshmallow import RAISE, Schema, ValidationError, fields

import dansmarue
from dansmarue.platform.french_messages import FIELD_MESSAGES, VALIDATOR_MESSAGES

ENGLISH = re.compile(
    r"Missing data|Unknown field|Not a valid|Must be |Invalid (input|value|type)|Field may not"
    r"|Shorter than|Longer than|Length must|String does not|One or more|cannot be formatted"
    r"|Special numeric|Number too large|greater than|less than|is not a valid|Not a valid"
)
BAD_VALUES: list[Any] = ["", "x" * 5000, "pas-un-nombre", -(10**20), 10**20, 1.5, True, [], {}, [1], None]


def _all_schemas() -> list[type[Schema]]:
    for module in pkgutil.walk_packages(dansmarue.__path__, "dansmarue."):
        if ".migrations" in module.name or module.name.startswith("dansmarue.devtools"):
            continue
        importlib.import_module(module.name)
    found: list[type[Schema]] = []
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("dansmarue.") and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _messages(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _messages(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _messages(value)


def _errors(schema: Schema, data: Any) -> list[str]:
    try:
        schema.load(data, unknown=RAISE)
    except ValidationError as error:
        return list(_messages(error.messages))
    except Exception:  # a post_load of the project's own refusing in its own way
        return []
    return []


SCHEMAS = _all_schemas()


def test_the_walk_finds_the_project_schemas() -> None:
    names = {c.__name__ for c in SCHEMAS}
    assert len(SCHEMAS) > 60
    assert {"QueueQuerySchema", "ActionParamsSchema", "CreateRequestForm"} <= names


def _name(cls: type[Schema]) -> str:
    return f"{cls.__module__.removeprefix('dansmarue.')}.{cls.__name__}"


@pytest.mark.parametrize("cls", SCHEMAS, ids=_name)
def test_every_schema_answers_in_french(app: Any, cls: type[Schema]) -> None:
    try:
        schema = cls()
    except TypeError:  # a schema needing construction arguments
        pytest.skip("built with arguments")
    seen: list[str] = []
    with app.test_request_context():
        seen += _errors(schema, {})  # required fields
        seen += _errors(schema, "pas un objet")  # type of the body
        seen += _errors(schema, {"champ_inexistant_xyz": 1})  # unknown field
        for name, field in schema.load_fields.items():
            key = field.data_key or name
            for value in BAD_VALUES:
                seen += _errors(schema, {key: value})
                if isinstance(field, fields.List | fields.Nested):
                    seen += _errors(schema, {key: [value]})
    english = sorted({m for m in seen if ENGLISH.search(m)})
    assert not english, english


def test_every_default_is_replaced() -> None:
    """Each field type and validator named in the issue has its French texts."""
    for cls in (
        fields.String,
        fields.Integer,
        fields.Float,
        fields.Decimal,
        fields.Boolean,
        fields.DateTime,
        fields.Date,
        fields.Email,
        fields.URL,
        fields.UUID,
        fields.List,
        fields.Nested,
        fields.Dict,
        fields.Raw,
    ):
        field = cls(fields.String()) if cls is fields.List else cls(Schema) if cls is fields.Nested else cls()
        for key, text in field.error_messages.items():
            assert not ENGLISH.search(text), (cls.__name__, key, text)
    assert FIELD_MESSAGES and VALIDATOR_MESSAGES
    for validator, attribute, _ in VALIDATOR_MESSAGES:
        assert not ENGLISH.search(getattr(validator, attribute)), (validator.__name__, attribute)
    for key, text in Schema._default_error_messages.items():
        assert not ENGLISH.search(text), key


def test_open311_errors_are_french(client: Any) -> None:
    response = client.get("/open311/v2/requests.json?page_size=pas-un-nombre&status=bizarre")
    assert response.status_code == 400
    descriptions = [e["description"] for e in response.json]
    assert descriptions and not [d for d in descriptions if ENGLISH.search(d)], descriptions
    posted = client.post("/open311/v2/requests.json", data={"lat": "abc", "long": "2.35"})
    assert posted.status_code == 400
    texts = [e["description"] for e in posted.json]
    assert texts and not [d for d in texts if ENGLISH.search(d)], texts


def test_rest_errors_are_french(client: Any) -> None:
    response = client.post("/api/v1/reports", json={"latitude": "abc", "inconnu": 1})
    assert response.status_code == 422
    messages = [e["message"] for e in response.json["errors"]]
    assert messages and not [m for m in messages if ENGLISH.search(m)], messages


def test_mobile_rpc_errors_are_french(client: Any) -> None:
    answers = []
    for form in (
        {},  # no jsonStream: the form's schema refuses it
        {"jsonStream": json.dumps([{"request": "getIncidentsByPosition", "position": {"latitude": "abc"}}])},
        {"jsonStream": json.dumps([{"request": "saveIncident", "incident": {"categorie": "x"}}])},
    ):
        response = client.post("/rest/signalement/api", data=form)
        answers.append(response.get_data(as_text=True))
    assert not [a for a in answers if ENGLISH.search(a)], answers


def test_http_and_limiter_texts_are_french(client: Any, redis_conn: Any, tmp_path: Any) -> None:
    """werkzeug's 404/405 and flask-limiter's 429 ("30 per 1 minute", "Too Many Requests")."""
    from dansmarue import create_app
    from tests.residents.conftest import config_for

    missing = client.get("/api/v1/pas-une-adresse")
    assert (missing.status_code, missing.json["title"]) == (404, "Introuvable")
    assert missing.json["detail"] == "Cette adresse ne correspond à aucune ressource."
    method = client.delete("/api/v1/categories")
    assert (method.status_code, method.json["title"]) == (405, "Méthode non autorisée")
    limited = create_app(
        {**config_for(tmp_path), "RATELIMIT_INTAKE": "1 per minute", "RATELIMIT_ENABLED": True}
    )
    try:
        other = limited.test_client()
        answers = [other.post("/api/v1/reports", json={}) for _ in range(2)]
        assert answers[1].status_code == 429
        body = answers[1].json
        assert (body["title"], body["detail"]) == (
            "Trop de requêtes",
            "Trop de requêtes : réessayez plus tard.",
        )
        assert not re.search(r"per \d|minute|Too Many", json.dumps(body, ensure_ascii=False)), body
    finally:
        create_app(config_for(tmp_path / "up"))  # the limiter is one object: bind it back
