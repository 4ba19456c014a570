"""Schemathesis over every operation of /api/openapi.json, anonymous and as
each staff role: no server error, and every answer is one the OpenAPI
declares (status code, content type, body schema)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from dansmarue import create_app
from dansmarue.extensions import api
from tests.agents.conftest import bearer

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
STAFF = ("agent", "manager", "admin")
# Per operation and role: ~190 runs, a few minutes in CI (SCHEMATHESIS_EXAMPLES=200 for a deep run).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))


def _spec() -> dict:
    """The document as served, built without a database (collection time)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://unused/unused"})
    with app.app_context():
        return api.spec.to_dict()


SPEC = _spec()
OPERATIONS = {
    result.ok().label: result.ok() for result in schemathesis.openapi.from_dict(SPEC).get_all_operations()
}
CASES = [(label, "anonymous") for label in OPERATIONS] + [
    (label, role) for label, op in OPERATIONS.items() if op.definition.raw.get("security") for role in STAFF
]


@pytest.mark.parametrize(("label", "role"), CASES, ids=[f"{r}:{label}" for label, r in CASES])
def test_operation(app, people, bugs, label, role):
    schema = schemathesis.openapi.from_dict(SPEC)
    schema.app = app
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)
    headers = bearer(people, role)

    # Valid requests, and requests that break the schema on purpose.
    cases = st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        bugs.clear()
        case.call_and_validate(headers=headers, checks=CHECKS)
        # Refused at the edge, not by PostgreSQL: a DataError answered 422 is still a bug.
        assert not bugs, [record.getMessage() for record in bugs]

    check()
