"""The last-resort database handlers and the French texts of HTTP errors."""

import logging

import pytest
from sqlalchemy import text

from dansmarue import create_app
from dansmarue.extensions import db


@pytest.fixture
def raw_app(app):
    """An app of its own, so a test can add a view that hits the database wrongly."""
    fresh = create_app(dict(app.config))

    @fresh.post("/_test/overflow")
    def overflow():
        db.session.execute(text("select cast('99999999999' as integer)"))
        return "unreachable"

    @fresh.post("/_test/duplicate")
    def duplicate():
        db.session.execute(text("create temporary table t_dup (k int primary key)"))
        db.session.execute(text("insert into t_dup values (1), (1)"))
        return "unreachable"

    @fresh.post("/_test/after")
    def after():
        # The session must be usable again once a failure was rolled back.
        return str(db.session.scalar(text("select 1")))

    return fresh


def test_escaping_data_error_is_a_422_problem_logged_as_bug(raw_app, caplog):
    client = raw_app.test_client()
    with caplog.at_level(logging.ERROR, logger="dansmarue.errors"):
        response = client.post("/_test/overflow")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and body["title"] == "Données refusées"
    assert "out of range" not in body["detail"]  # no database text leaks to callers
    assert any("bug" in r.getMessage() and "DataError" in r.getMessage() for r in caplog.records)
    assert client.post("/_test/after").get_data(as_text=True) == "1"


def test_escaping_integrity_error_is_a_409_problem(raw_app, caplog):
    client = raw_app.test_client()
    with caplog.at_level(logging.ERROR, logger="dansmarue.errors"):
        response = client.post("/_test/duplicate")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Conflit"
    assert any("IntegrityError" in r.getMessage() for r in caplog.records)


def test_unknown_url_answers_in_french(client):
    body = client.get("/nowhere").get_json()
    assert body["title"] == "Introuvable"
    assert body["detail"] == "Cette adresse ne correspond à aucune ressource."
    assert "URL" not in body["detail"]


def test_wrong_method_answers_in_french(client):
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.get_json()["title"] == "Méthode non autorisée"


def test_open311_unknown_request_is_french(client):
    response = client.get("/open311/v2/nothing-here.json")
    assert response.status_code == 404
    assert "requested URL" not in response.get_data(as_text=True)
