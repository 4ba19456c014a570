"""Account administration through /api/v1/admin/users (#13)."""

import pytest
from sqlalchemy import select

from dansmarue.access import auth
from dansmarue.access.password_reset import send_password_reset
from dansmarue.models import OutboxJob, PasswordReset, User
from dansmarue.notifications.channels import EmailChannel
from tests.agents.conftest import bearer

U = "/api/v1/admin/users"


@pytest.fixture
def mails(monkeypatch):
    sent = []
    monkeypatch.setattr(EmailChannel, "send", lambda self, message: sent.append(message))
    return sent


def _trail(client, people, user_id):
    page = client.get(
        "/api/v1/admin/audit",
        headers=bearer(people, "admin"),
        query_string={"entity": "user", "entity_id": user_id},
    )
    return [e["action"] for e in page.json["items"]]


def _link_token(mail) -> str:
    return mail.text.split("token=")[1].split()[0]


def test_create_search_and_edit(client, people, session, mails):
    h = bearer(people, "admin")
    created = client.post(
        U, headers=h, json={"email": "Nouvel.Agent@paris.fr", "role": "agent", "unit_codes": ["DVD-STV"]}
    )
    assert created.status_code == 201, created.json
    user = created.json
    assert user["email"] == "nouvel.agent@paris.fr" and user["unit_codes"] == ["DVD-STV"]
    assert "password" not in user and "password_hash" not in user
    assert (
        client.post(U, headers=h, json={"email": "nouvel.agent@paris.fr", "role": "agent"}).status_code == 409
    )
    unknown = client.post(U, headers=h, json={"email": "x@paris.fr", "role": "agent", "unit_codes": ["NOPE"]})
    assert unknown.status_code == 422
    found = client.get(U, headers=h, query_string={"q": "nouvel", "role": "agent"}).json
    assert [u["id"] for u in found["items"]] == [user["id"]] and found["total"] == 1
    by_unit = client.get(U, headers=h, query_string={"unit_code": "DVD-STV"}).json
    assert user["id"] in {u["id"] for u in by_unit["items"]}
    patched = client.patch(
        f"{U}/{user['id']}", headers=h, json={"role": "manager", "unit_codes": [], "direction_code": "DPE"}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["role"] == "manager" and patched.json["unit_codes"] == []
    assert patched.json["direction_id"] is not None
    assert (
        client.patch(f"{U}/{user['id']}", headers=h, json={"direction_code": "DPE-STPP-DT"}).status_code
        == 422
    )
    assert client.get(f"{U}/999999", headers=h).status_code == 404
    assert _trail(client, people, user["id"]) == ["update", "password_reset_requested", "create"]
    entry = client.get("/api/v1/admin/audit", headers=h, query_string={"entity": "user"}).json["items"][0]
    assert entry["before"]["role"] == "agent" and entry["after"]["role"] == "manager"
    assert entry["before"]["unit_codes"] == ["DVD-STV"] and entry["after"]["password_hash"] is None


def test_admin_cannot_demote_or_disable_self(client, people, session):
    h = bearer(people, "admin")
    me = people["users"]["admin"].id
    assert client.patch(f"{U}/{me}", headers=h, json={"role": "agent"}).status_code == 409
    assert client.post(f"{U}/{me}/disable", headers=h).status_code == 409


def test_disable_enable_and_force_logout_revoke_tokens(client, people, session):
    h = bearer(people, "admin")
    agent = people["users"]["agent"]
    me = client.get("/api/v1/auth/me", headers=bearer(people, "agent"))
    assert me.status_code == 200
    epoch = agent.session_epoch
    result = client.post(f"{U}/{agent.id}/logout", headers=h)
    assert result.status_code == 200 and result.json["tokens_revoked"] == 1
    assert client.get("/api/v1/auth/me", headers=bearer(people, "agent")).status_code == 401
    session.refresh(agent)
    assert agent.session_epoch == epoch + 1
    token = auth.issue_token(agent)
    disabled = client.post(f"{U}/{agent.id}/disable", headers=h)
    assert disabled.status_code == 200 and disabled.json["active"] is False
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    enabled = client.post(f"{U}/{agent.id}/enable", headers=h)
    assert enabled.json["active"] is True
    assert _trail(client, people, agent.id) == ["enable", "disable", "force_logout", "create"]


def test_password_reset_link_is_one_time(client, people, session, mails):
    h = bearer(people, "admin")
    agent = people["users"]["agent"]
    asked = client.post(f"{U}/{agent.id}/password-reset", headers=h)
    assert asked.status_code == 202 and asked.json["expires_at"]
    reset = session.scalars(select(PasswordReset).where(PasswordReset.user_id == agent.id)).one()
    job = session.scalars(select(OutboxJob).where(OutboxJob.dedup_key == f"password-reset:{reset.id}")).one()
    assert job.args == [reset.id]  # the token is not in the outbox
    assert send_password_reset(reset.id) == 1
    assert send_password_reset(reset.id) == 0  # one mail, however often the job runs
    (mail,) = mails
    assert mail.recipient == "proprete@paris.fr"
    raw = _link_token(mail)
    session.refresh(reset)
    assert reset.token_hash == auth.digest(raw) and raw not in str(reset.token_hash)
    short = client.post("/api/v1/auth/password-reset", json={"token": raw, "password": "court"})
    assert short.status_code == 422
    done = client.post(
        "/api/v1/auth/password-reset", json={"token": raw, "password": "un mot de passe solide"}
    )
    assert done.status_code == 204, done.json
    assert client.get("/api/v1/auth/me", headers=bearer(people, "agent")).status_code == 401  # sessions ended
    assert auth.authenticate("proprete@paris.fr", "un mot de passe solide").id == agent.id
    again = client.post(
        "/api/v1/auth/password-reset", json={"token": raw, "password": "un autre mot de passe"}
    )
    assert again.status_code == 422
    assert _trail(client, people, agent.id)[:2] == ["password_reset_completed", "password_reset_requested"]


def test_a_new_reset_voids_the_previous_link(client, people, session, mails):
    h = bearer(people, "admin")
    agent = people["users"]["agent"]
    client.post(f"{U}/{agent.id}/password-reset", headers=h)
    first = session.scalars(select(PasswordReset).where(PasswordReset.user_id == agent.id)).one()
    send_password_reset(first.id)
    client.post(f"{U}/{agent.id}/password-reset", headers=h)
    refused = client.post(
        "/api/v1/auth/password-reset",
        json={"token": _link_token(mails[0]), "password": "un mot de passe solide"},
    )
    assert refused.status_code == 422


def test_cli_disable_is_audited_too(session, people):
    auth.disable_user("voirie@paris.fr")
    user = session.scalars(select(User).where(User.email == "voirie@paris.fr")).one()
    assert user.active is False


def test_reset_page_sets_the_password(client, people, session, mails):
    agent = people["users"]["agent"]
    client.post(f"{U}/{agent.id}/password-reset", headers=bearer(people, "admin"))
    reset = session.scalars(select(PasswordReset).where(PasswordReset.user_id == agent.id)).one()
    send_password_reset(reset.id)
    link = mails[0].text.split("http://")[1].split()[0]
    page = client.get(link[link.index("/agent/") :])
    assert page.status_code == 200 and b"nouveau mot de passe" in page.data.lower()
    with client.session_transaction() as cookie:
        csrf = cookie["csrf"] if "csrf" in cookie else next(v for k, v in cookie.items() if "csrf" in k)
    form = {"csrf_token": csrf, "token": _link_token(mails[0]), "password": "x" * 12, "confirm": "y" * 12}
    assert client.post("/agent/password-reset", data=form).status_code == 422
    form["confirm"] = form["password"]
    done = client.post("/agent/password-reset", data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith("/agent/login")
    assert auth.authenticate("proprete@paris.fr", "x" * 12).id == agent.id
