"""One commit point per request: views never commit; a GET never writes."""

import uuid

import pytest
from sqlalchemy import create_engine, text

from dansmarue import create_app
from dansmarue.extensions import db
from tests.conftest import TEST_DATABASE_URL
from tests.conftest import test_config as base_config

INSERT = text(
    "INSERT INTO idempotency_key (key, request_hash, status_code, response, created_at)"
    " VALUES (:key, 'h', 200, '{}'::jsonb, now())"
)


@pytest.fixture
def uow_app(tmp_path_factory):
    app = create_app(base_config(tmp_path_factory))

    def write(status: int):
        db.session.execute(INSERT, {"key": app.config["UOW_KEY"]})
        return {"ok": status < 400}, status

    app.add_url_rule("/_uow/<int:status>", "uow_get", write, methods=["GET"])
    app.add_url_rule("/_uow/<int:status>", "uow_post", write, methods=["POST"])
    key = f"uow-{uuid.uuid4().hex}"
    app.config["UOW_KEY"] = key
    engine = create_engine(TEST_DATABASE_URL)

    def stored() -> int:  # seen from another connection: only committed rows count
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM idempotency_key WHERE key = :k"), {"k": key}
            ).scalar()

    yield app, stored
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM idempotency_key WHERE key = :k"), {"k": key})
    engine.dispose()


def test_a_successful_write_is_committed_once_by_the_request_not_the_view(uow_app):
    app, stored = uow_app
    assert app.test_client().post("/_uow/201").status_code == 201
    assert stored() == 1


@pytest.mark.parametrize("method,status", [("get", 200), ("post", 422), ("post", 409)])
def test_a_get_or_a_refused_request_leaves_nothing(uow_app, method, status):
    app, stored = uow_app
    assert getattr(app.test_client(), method)(f"/_uow/{status}").status_code == status
    assert stored() == 0
