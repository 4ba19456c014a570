"""A tiny Open311 client for the tests: one call, parsed as JSON or XML.

XML is parsed with defusedxml, as any careful client would.
"""

import json
from datetime import datetime

from defusedxml import ElementTree

BASE = "/open311/v2"


def call(client, method: str, path: str, fmt: str, **kwargs):
    response = getattr(client, method)(f"{BASE}/{path}.{fmt}", **kwargs)
    if fmt == "json":
        assert response.mimetype == "application/json", response.data[:200]
        assert "charset=utf-8" in response.content_type
        return response, json.loads(response.data)
    assert response.mimetype == "text/xml", response.data[:200]
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return response, ElementTree.fromstring(response.data)


def get(client, path, fmt="json", **params):
    return call(client, "get", path, fmt, query_string=params)


def post(client, path, fmt="json", data=None, **kwargs):
    return call(client, "post", path, fmt, data=data, **kwargs)


def w3c(value: str) -> datetime:
    """A W3C date-time that must carry its zone."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, value
    assert value.endswith("Z") or value[-6] in "+-", value
    return parsed


def assert_errors_json(body, code: int):
    assert isinstance(body, list) and body
    for item in body:
        assert set(item) == {"code", "description"}
        assert item["code"] == code
        assert isinstance(item["description"], str) and item["description"]


def assert_errors_xml(root, code: int):
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors
    for error in errors:
        assert error.findtext("code") == str(code)
        assert error.findtext("description")
