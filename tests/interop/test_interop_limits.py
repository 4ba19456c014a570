"""Rate limit of saveIncident and Open311 POST (the residents intake's limiter and
RATELIMIT_INTAKE), answered in each protocol's error format; Open311 405."""

import json

import pytest

from tests.interop.conftest import own_app
from tests.interop.mobile_client import RPC, save_incident
from tests.interop.open311_client import assert_errors_json, assert_errors_xml, call


@pytest.fixture
def limited(redis_conn, tmp_path_factory):
    """An app allowing 2 intakes a minute per address (counters start empty)."""
    yield own_app(tmp_path_factory, RATELIMIT_INTAKE="2 per minute", RATELIMIT_ENABLED=True).test_client()
    own_app(tmp_path_factory)  # the limiter is one object: bind it back to the suite's config


def _rpc(client, request, addr="127.0.0.1"):
    return client.post(RPC, data={"jsonStream": json.dumps([request])}, environ_base={"REMOTE_ADDR": addr})


def test_save_incident_is_limited_in_the_mobile_envelope(limited):
    # Refused bodies are cheap and still count (no udid: error 13, no row).
    bad = save_incident(None, 1, udid=None)
    assert [_rpc(limited, bad).json[0]["error"] for _ in range(2)] == [13, 13]
    response = _rpc(limited, bad)
    assert response.status_code == 429 and response.mimetype == "application/json"
    assert set(response.json[0]) == {"error", "error_message"}
    assert response.json[0]["error"] == 429 and "réessayez" in response.json[0]["error_message"]
    assert int(response.headers["Retry-After"]) > 0
    # Reading requests are not limited; another address has its own budget.
    for _ in range(3):
        assert _rpc(limited, {"request": "getCategories"}).json[0]["answer"]["status"] == 0
    assert _rpc(limited, {"request": "checkVersion"}).status_code == 200
    assert _rpc(limited, bad, addr="10.9.8.7").json[0]["error"] == 13


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_post_is_limited_with_its_errors_body(limited, fmt):
    for _ in range(2):  # no api_key: 403, counted all the same
        response, _ = call(limited, "post", "requests", fmt, data={"service_code": "1"})
        assert response.status_code == 403
    response, body = call(limited, "post", "requests", fmt, data={"service_code": "1"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    if fmt == "json":
        assert_errors_json(body, 429)
    else:
        assert_errors_xml(body, 429)
    # Searching is not limited.
    response, _ = call(limited, "get", "requests", fmt)
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "method,path,allowed",
    [
        ("delete", "requests", "GET, POST"),
        ("put", "requests", "GET, POST"),
        ("post", "discovery", "GET"),
        ("patch", "services", "GET"),
        ("delete", "tokens/abc", "GET"),
    ],
)
def test_405_in_the_open311_error_format(client, fmt, method, path, allowed):
    response, body = call(client, method, path, fmt)
    assert response.status_code == 405
    assert response.headers["Allow"].startswith(allowed)
    if fmt == "json":
        assert_errors_json(body, 405)
    else:
        assert_errors_xml(body, 405)


def test_unknown_path_is_still_404_for_any_method(client):
    response, body = call(client, "delete", "nowhere", "json")
    assert response.status_code == 404
    assert_errors_json(body, 404)
