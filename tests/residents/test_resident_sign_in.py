"""#19.2: a person's list only to that person. A resident proves their address
with a one-time link sent by e-mail (real SMTP server), exchanged for a
bearer token or a cookie session; a bare ?email= is refused."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from dansmarue.access import auth, residents
from dansmarue.models import ApiToken, OutboxJob, ResidentSignIn, User, utcnow
from tests.residents.test_reading import north, post
from tests.workers.conftest import smtp  # noqa: F401

LINK = re.compile(r"http://testserver/moi/connexion/([A-Za-z0-9_-]+)")


def _mail_link(session, smtp, email: str) -> str:
    """Run the queued mail job as the worker would; the token from the mail."""
    link = session.scalars(
        select(ResidentSignIn).where(ResidentSignIn.email == email).order_by(ResidentSignIn.id.desc())
    ).first()
    assert residents.send_sign_in_link(link.id) == 1
    (message,) = smtp.to(email)[-1:]
    text = message.get_content()
    assert message["Subject"] == "DansMaRue : votre lien de connexion" and "30 minutes" in text
    return LINK.search(text).group(1)


def sign_in(client, session, smtp, email: str) -> str:
    """The whole API flow: ask for a link, read the mail, exchange it."""
    assert client.post("/api/v1/auth/resident/sign-in-link", json={"email": email}).status_code == 202
    raw = _mail_link(session, smtp, email)
    answer = client.post("/api/v1/auth/resident/session", json={"token": raw})
    assert answer.status_code == 200, answer.json
    return answer.json["token"]


def test_a_bare_email_reads_nobody_s_list(client, session, graffiti):
    """Before #19.2 anyone read anyone's reports, addresses and positions."""
    post(client, graffiti, email="victime@example.org", address="12 rue Secrète")
    for path in ("/api/v1/me/reports", "/api/v1/me/follows"):
        answer = client.get(path, query_string={"email": "victime@example.org"})
        assert answer.status_code == 401, answer.data[:300]
        assert answer.mimetype == "application/problem+json"
        assert "Connectez-vous" in answer.json["detail"] and "sign-in-link" in answer.json["detail"]
        assert "Secrète" not in answer.get_data(as_text=True)
        assert client.get(path).status_code == 401  # nobody named: how to sign in, too


def test_sign_in_link_answers_the_same_for_every_address(client, session):
    auth.create_user("deja@example.org", None, "resident")
    auth.create_user("agent.x@paris.fr", None, "agent")
    answers = [
        client.post("/api/v1/auth/resident/sign-in-link", json={"email": email})
        for email in ("deja@example.org", "nouveau@example.org", "agent.x@paris.fr")
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.get_data() for a in answers}) == 1
    links = session.scalars(select(ResidentSignIn).order_by(ResidentSignIn.id)).all()
    assert [link.email for link in links] == ["deja@example.org", "nouveau@example.org"]  # no staff link
    jobs = session.scalars(select(OutboxJob).where(OutboxJob.dedup_key.like("resident-sign-in:%"))).all()
    assert sorted(job.args for job in jobs) == sorted([link.id] for link in links)  # no token in the outbox
    assert all(link.token_hash is None for link in links)
    bad = client.post("/api/v1/auth/resident/sign-in-link", json={"email": "pas-une-adresse"})
    assert bad.status_code == 422


def test_link_once_then_token_reads_own_lists_until_sign_out(client, session, graffiti, smtp):
    mine = post(client, graffiti, email="moi@example.org")["reference"]
    theirs = post(client, graffiti, email="autre@example.org", **north(30))["reference"]
    client.post(f"/api/v1/reports/{theirs}/followers", json={"email": "moi@example.org"})
    client.post("/api/v1/auth/resident/sign-in-link", json={"email": "Moi@Example.org"})
    raw = _mail_link(session, smtp, "moi@example.org")
    link = session.scalars(select(ResidentSignIn).where(ResidentSignIn.email == "moi@example.org")).one()
    assert link.token_hash == auth.digest(raw)
    assert residents.send_sign_in_link(link.id) == 0  # one mail, however often the job runs

    answer = client.post("/api/v1/auth/resident/session", json={"token": raw})
    assert answer.status_code == 200 and answer.json["email"] == "moi@example.org"
    token = answer.json["token"]
    stored = session.scalars(select(ApiToken.token_hash).join(User).where(User.email == "moi@example.org"))
    assert list(stored) == [auth.digest(token)]  # hashed at rest
    again = client.post("/api/v1/auth/resident/session", json={"token": raw})
    assert again.status_code == 422 and "déjà utilisé" in again.json["detail"]  # valid once

    h = {"Authorization": f"Bearer {token}"}
    reports = client.get("/api/v1/me/reports", headers=h)
    assert [r["reference"] for r in reports.json["items"]] == [mine]
    follows = client.get("/api/v1/me/follows", headers=h)
    assert theirs in [r["reference"] for r in follows.json["items"]]
    someone_else = client.get("/api/v1/me/reports?email=autre@example.org", headers=h)
    assert someone_else.status_code == 403

    assert client.delete("/api/v1/auth/resident/session", headers=h).status_code == 204
    assert client.get("/api/v1/me/reports", headers=h).status_code == 401  # revoked


def test_an_expired_or_unknown_link_is_refused(client, session, smtp):
    client.post("/api/v1/auth/resident/sign-in-link", json={"email": "lent@example.org"})
    raw = _mail_link(session, smtp, "lent@example.org")
    session.execute(update(ResidentSignIn).values(expires_at=utcnow() - timedelta(seconds=1)))
    late = client.post("/api/v1/auth/resident/session", json={"token": raw})
    assert late.status_code == 422 and late.mimetype == "application/problem+json"
    assert client.post("/api/v1/auth/resident/session", json={"token": "faux"}).status_code == 422
    assert session.scalar(select(User).where(User.email == "lent@example.org")) is None


def test_a_newer_link_voids_the_older_one(client, session, smtp):
    client.post("/api/v1/auth/resident/sign-in-link", json={"email": "deux@example.org"})
    first = _mail_link(session, smtp, "deux@example.org")
    assert (
        client.post("/api/v1/auth/resident/sign-in-link", json={"email": "deux@example.org"}).status_code
        == 202
    )
    assert client.post("/api/v1/auth/resident/session", json={"token": first}).status_code == 422


def test_the_guid_is_proof_only_for_its_own_reports(client, session, graffiti):
    by_guid = post(client, graffiti, guid="app-guid")["reference"]
    post(client, graffiti, email="app@example.org", **north(30))
    answer = client.get("/api/v1/me/reports?guid=app-guid")
    assert [r["reference"] for r in answer.json["items"]] == [by_guid]


def test_the_landing_page_signs_in_the_cookie_session(client, session, graffiti, smtp):
    mine = post(client, graffiti, email="page@example.org", address="3 rue de la Page")["reference"]
    post(client, graffiti, email="voisin@example.org", address="5 rue du Voisin", **north(30))
    home = client.get("/moi/")
    assert home.status_code == 200 and "Recevoir un lien de connexion" in home.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.get_data(as_text=True)).group(1)
    asked = client.post("/moi/lien", data={"email": "page@example.org", "csrf_token": csrf})
    assert asked.status_code == 200 and "lien de connexion vient" in asked.get_data(as_text=True)
    raw = _mail_link(session, smtp, "page@example.org")

    landing = client.get(f"/moi/connexion/{raw}")
    assert landing.status_code == 200 and "Me connecter" in landing.get_data(as_text=True)
    assert (
        landing.headers["Cache-Control"] == "no-store" and landing.headers["Referrer-Policy"] == "no-referrer"
    )
    link = session.scalars(select(ResidentSignIn).where(ResidentSignIn.email == "page@example.org")).one()
    assert link.used_at is None  # a mail scanner's GET spends nothing
    assert client.post(f"/moi/connexion/{raw}", data={}).status_code == 403  # CSRF
    done = client.post(f"/moi/connexion/{raw}", data={"csrf_token": csrf})
    assert done.status_code == 302 and done.headers["Location"].endswith("/moi/")
    page = client.get("/moi/").get_data(as_text=True)
    assert mine in page and "3 rue de la Page" in page and "Voisin" not in page

    # The cookie session also reads the API lists (the same identity).
    assert [r["reference"] for r in client.get("/api/v1/me/reports").json["items"]] == [mine]
    with client.session_transaction() as cookie:
        csrf = cookie["web_csrf"]  # a fresh session: a new CSRF token
    spent = client.post(f"/moi/connexion/{raw}", data={"csrf_token": csrf})
    assert spent.status_code == 422 and "déjà utilisé" in spent.get_data(as_text=True)
    assert client.post("/moi/deconnexion", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/api/v1/me/reports").status_code == 401


def test_a_staff_address_gets_no_resident_session(session):
    auth.create_user("agent.y@paris.fr", None, "agent")
    with pytest.raises(Exception) as refused:
        residents.resident_for("agent.y@paris.fr")
    assert getattr(refused.value, "status", None) == 403


def test_openapi_documents_the_resident_scheme(client, session):
    spec = client.get("/api/openapi.json").json
    scheme = spec["components"]["securitySchemes"]["residentBearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    for path in ("/api/v1/me/reports", "/api/v1/me/follows"):
        operation = spec["paths"][path]["get"]
        assert {"residentBearer": []} in operation["security"]
        assert {"401", "403"} <= set(operation["responses"])
    for path in ("/api/v1/auth/resident/sign-in-link", "/api/v1/auth/resident/session"):
        assert "post" in spec["paths"][path]
    assert "delete" in spec["paths"]["/api/v1/auth/resident/session"]
