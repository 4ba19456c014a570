"""Fixtures of the fuzzers: a sender checking every answer, the seed rows a
valid request needs (an Open311 key, a report, staff accounts), signed-in web
clients. Everything lives in the test's rolled-back transaction."""

import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import Phase, settings

from dansmarue.models import Report, User
from tests.fuzz.answers import ErrorRecords, Sender
from tests.interop.conftest import api_key, jpeg_bytes, leaf, make_report  # noqa: F401

PASSWORD = None  # signed in by cookie: no password hashing per test


@pytest.fixture
def error_records() -> Iterator[ErrorRecords]:
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def sender(app: Flask, session, error_records: ErrorRecords) -> Sender:
    return Sender(app.test_client(), error_records)


@pytest.fixture
def report(make_report) -> Report:
    """A committed (savepoint) report the valid requests name; a photo too."""
    return make_report(photos=[("close", jpeg_bytes(3))])


@pytest.fixture
def staff(session, report: Report) -> dict[str, User]:
    """An agent of the report's unit, a manager of its direction, an admin."""
    from dansmarue.access import auth

    unit = report.unit
    users = {
        "agent": auth.create_user(
            "fuzz.agent@paris.example", PASSWORD, "agent", unit_codes=[unit.code] if unit else []
        ),
        "admin": auth.create_user("fuzz.admin@paris.example", PASSWORD, "admin"),
    }
    direction = unit
    while direction is not None and direction.parent is not None:
        direction = direction.parent
    if direction is not None:
        users["manager"] = auth.create_user(
            "fuzz.manager@paris.example", PASSWORD, "manager", direction_code=direction.code
        )
    session.commit()
    return users


def sign_in(app: Flask, user: User) -> tuple[FlaskClient, str]:
    """A client holding a web session of `user` (no password round trip); its CSRF token."""
    import time

    from dansmarue import web_session

    client = app.test_client()
    token = "csrf-fuzz-token"
    with client.session_transaction() as cookie:
        cookie[web_session.USER_KEY] = user.id
        cookie[web_session.EPOCH_KEY] = user.session_epoch
        cookie[web_session.CSRF_KEY] = token
        cookie[web_session.SEEN_KEY] = int(time.time())
    return client, token


@pytest.fixture
def web(
    app: Flask, session, staff: dict[str, User], error_records: ErrorRecords
) -> Callable[[str | None], Sender]:
    """web(role) -> a Sender signed in as that role (None: anonymous), CSRF token in X-CSRF-Token."""

    def make(role: str | None) -> Sender:
        if role is None:
            return Sender(app.test_client(), error_records)
        user = staff[role]
        session.refresh(user)  # an example's logout moved the session epoch on
        client, token = sign_in(app, user)
        return Sender(client, error_records, headers={"X-CSRF-Token": token})

    return make


# --hypothesis-profile=fuzz-dev: find failures fast while fixing (no shrinking).
settings.register_profile("fuzz-dev", phases=[Phase.explicit, Phase.reuse, Phase.generate])
