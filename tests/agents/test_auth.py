"""Accounts, tokens and the bearer scheme, on the real database."""

from datetime import timedelta

from sqlalchemy import select

from dansmarue.access import auth
from dansmarue.models import ApiToken, User, utcnow


def test_password_is_argon2_and_login_gives_a_token(client, session):
    user = auth.create_user("Agent.X@paris.fr", "s3cret-pass", "agent", full_name="Agent X")
    assert user.password_hash.startswith("$argon2")
    response = client.post(
        "/api/v1/auth/login", json={"email": "agent.x@paris.fr", "password": "s3cret-pass"}
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["role"] == "agent" and body["expires_at"]
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != body["token"] and len(stored.token_hash) == 64
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json["email"] == "agent.x@paris.fr"


def test_bad_password_and_disabled_account_are_refused(client, session):
    auth.create_user("a@paris.fr", "right-pass", "agent")
    bad = client.post("/api/v1/auth/login", json={"email": "a@paris.fr", "password": "wrong"})
    assert bad.status_code == 401
    assert bad.mimetype == "application/problem+json"
    unknown = client.post("/api/v1/auth/login", json={"email": "z@paris.fr", "password": "x"})
    assert unknown.status_code == 401
    auth.disable_user("a@paris.fr")
    disabled = client.post("/api/v1/auth/login", json={"email": "a@paris.fr", "password": "right-pass"})
    assert disabled.status_code == 401


def test_logout_revokes_and_expired_tokens_are_dead(client, session):
    user = auth.create_user("b@paris.fr", "pass-b", "manager")
    token = auth.issue_token(user)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert auth.resolve_token(token) is None
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    old = auth.issue_token(user)
    stored = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).first()
    stored.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    assert auth.resolve_token(old) is None
    assert auth.resolve_token("not-a-token") is None


def test_missing_or_malformed_header_is_401(client, session):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_login_validation_is_field_by_field(client, session):
    response = client.post("/api/v1/auth/login", json={"email": "nope"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json["errors"]}
    assert {"email", "password"} <= fields


def test_openapi_declares_bearer_scheme(client, session):
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/logout"]["post"]["security"] == [{"bearerAuth": []}]
    agent_paths = {
        p: ops for p, ops in spec["paths"].items() if p.startswith(("/api/v1/agent", "/api/v1/admin"))
    }
    assert len(agent_paths) >= 7
    for ops in agent_paths.values():
        for op in ops.values():
            if isinstance(op, dict) and "responses" in op:
                assert op["security"] == [{"bearerAuth": []}]
                assert "401" in op["responses"]
    assert "security" not in spec["paths"]["/api/v1/auth/login"]["post"]


def test_duplicate_email_conflicts(session):
    import pytest

    from dansmarue.errors import Conflict

    auth.create_user("dup@paris.fr", "x", "agent")
    with pytest.raises(Conflict):
        auth.create_user("DUP@paris.fr", "y", "agent")
    assert session.scalar(select(User).where(User.email == "dup@paris.fr")).role == "agent"
