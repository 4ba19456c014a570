"""#19.2: the optional city account (OpenID Connect) signs a resident in.

A real minimal provider runs in the test on a local port: a small Flask app
with discovery, an authorization endpoint that approves its current user, a
token endpoint checking the client secret and the PKCE verifier (S256), and
a JWKS; it signs ID tokens (RS256) with a key made here. The app under test
talks to it over HTTP with Authlib, as it would to the city's provider."""

import base64
import hashlib
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.live_server import LiveServer
from tests.residents.conftest import config_for
from tests.residents.test_reading import post

CLIENT_ID, CLIENT_SECRET = "dansmarue-test", "secret-du-client-de-test"


class Provider:
    """The OpenID provider: its `user` is who signs in at /authorize."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "cle-de-test"})
        self.user = {"sub": "ville-1", "email": "ville@example.org", "email_verified": True}
        self.codes: dict = {}
        self.pkce_checked = 0
        app = Flask("provider")
        app.add_url_rule("/.well-known/openid-configuration", view_func=self.discovery)
        app.add_url_rule("/authorize", view_func=self.authorize)
        app.add_url_rule("/token", view_func=self.token, methods=["POST"])
        app.add_url_rule("/jwks", view_func=self.jwks)
        self.server = LiveServer(app)
        self.issuer = self.server.url

    def discovery(self):
        return jsonify(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            jwks_uri=f"{self.issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
        )

    def authorize(self):
        args = request.args
        assert args["client_id"] == CLIENT_ID and args["response_type"] == "code"
        assert args["code_challenge_method"] == "S256" and args["code_challenge"]
        assert "openid" in args["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**args, "user": dict(self.user)}
        return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

    def token(self):
        sent = base64.b64decode(request.headers["Authorization"].split()[1]).decode()
        if sent != f"{CLIENT_ID}:{CLIENT_SECRET}":
            return jsonify(error="invalid_client"), 401
        grant = self.codes.pop(request.form["code"], None)
        if grant is None or request.form["redirect_uri"] != grant["redirect_uri"]:
            return jsonify(error="invalid_grant"), 400
        verifier = request.form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
        if challenge.decode() != grant["code_challenge"]:
            return jsonify(error="invalid_grant", error_description="PKCE"), 400
        self.pkce_checked += 1
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["user"],
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "cle-de-test"}, claims, self.key)
        return jsonify(access_token="a" * 20, token_type="Bearer", expires_in=300, id_token=id_token)

    def jwks(self):
        return jsonify(keys=[self.key.as_dict(private=False)])


@pytest.fixture
def provider():
    provider = Provider()
    with provider.server:
        yield provider


@pytest.fixture
def city_app(provider, tmp_path, session):
    from dansmarue import create_app

    app = create_app(
        {
            **config_for(tmp_path),
            "RESIDENT_OIDC_ISSUER": provider.issuer,
            "RESIDENT_OIDC_CLIENT_ID": CLIENT_ID,
            "RESIDENT_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    yield app
    create_app(config_for(tmp_path / "again"))  # the limiter is one object: rebind it


def _sign_in(client) -> object:
    start = client.get("/moi/connexion/ville")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert location.startswith(f"{urlsplit(location).scheme}://127.0.0.1:")
    back = requests.get(location, allow_redirects=False, timeout=10)  # the resident at the provider
    assert back.status_code == 302
    url = urlsplit(back.headers["Location"])
    assert url.path == "/moi/connexion/ville/retour" and "code" in parse_qs(url.query)
    return client.get(f"{url.path}?{url.query}")


def test_the_city_account_signs_the_resident_in(city_app, provider, session, graffiti):
    client = city_app.test_client()
    mine = post(client, graffiti, email="ville@example.org")["reference"]
    home = client.get("/moi/").get_data(as_text=True)
    assert "Se connecter avec mon compte de la ville" in home
    done = _sign_in(client)
    assert done.status_code == 302 and done.headers["Location"].endswith("/moi/"), done.data[:300]
    assert provider.pkce_checked == 1
    assert mine in client.get("/moi/").get_data(as_text=True)
    assert [r["reference"] for r in client.get("/api/v1/me/reports").json["items"]] == [mine]


def test_an_unverified_address_or_a_replayed_answer_is_refused(city_app, provider, session):
    client = city_app.test_client()
    provider.user = {"sub": "ville-2", "email": "pasverifie@example.org", "email_verified": False}
    refused = _sign_in(client)
    assert refused.status_code == 403 and "vérifiée" in refused.get_data(as_text=True)
    assert client.get("/api/v1/me/reports").status_code == 401

    provider.user = {"sub": "ville-1", "email": "ville@example.org", "email_verified": True}
    start = client.get("/moi/connexion/ville")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    url = urlsplit(back.headers["Location"])
    forged = client.get(f"{url.path}?code=faux&state={parse_qs(url.query)['state'][0]}")
    assert forged.status_code == 401 and "a échoué" in forged.get_data(as_text=True)
    assert client.get(f"{url.path}?{url.query}").status_code == 401  # its state was spent


def test_off_without_settings(client, session):
    assert "compte de la ville" not in client.get("/moi/").get_data(as_text=True)
    assert client.get("/moi/connexion/ville").status_code == 404
