"""What the OpenAPI document declares about errors and files, and the two
answers schemathesis found undocumented (fixed, kept as regressions)."""

import pytest

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def _response(spec, path, method, status):
    answer = spec["paths"][path][method]["responses"][status]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return answer


def test_every_rest_operation_declares_its_errors_as_problem_json(spec):
    for path, item in spec["paths"].items():
        if path.startswith(("/open311/", "/rest/")):
            continue
        for method, operation in item.items():
            if method not in OPERATIONS:
                continue
            expected = {"400", "404", "422", "429", "default"}
            if operation.get("security"):
                expected |= {"401", "403"}
            assert expected <= set(operation["responses"]), (method, path)
            for status in expected:
                assert set(_response(spec, path, method, status)["content"]) == {
                    "application/problem+json"
                }, (method, path, status)


def test_the_protocols_declare_their_own_error_bodies(spec):
    open311 = _response(spec, "/open311/v2/requests.{fmt}", "post", "422")
    assert set(open311["content"]) == {"application/json", "text/xml"}
    assert open311["content"]["application/json"]["schema"]["type"] == "array"
    mobile = _response(spec, "/rest/signalement/api", "post", "default")
    assert set(mobile["content"]) == {"application/json"}


def test_csv_exports_are_declared_as_csv(spec):
    answer = _response(spec, "/api/v1/stats/open-data.csv", "get", "200")
    assert set(answer["content"]) == {"text/csv"}


def test_a_body_that_is_not_json_names_no_field_and_says_so_in_french(client):
    answer = client.post("/api/v1/auth/login", data=b"\x00", content_type="application/json")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    (error,) = answer.json["errors"]
    assert "field" not in error
    assert error == {"location": "json", "message": "Le corps de la requête n'est pas un JSON valide."}


def test_an_open311_path_with_a_newline_gets_open311s_own_404(client):
    answer = client.get("/open311/v2/discovery.%0Ajson")
    assert answer.status_code == 404 and answer.mimetype == "text/xml"
    assert b"<errors><error><code>404</code>" in answer.data
