"""The residents' city account (OpenID Connect, e.g. Mon Paris), with Authlib:
optional, off while RESIDENT_OIDC_ISSUER or RESIDENT_OIDC_CLIENT_ID is empty.

Authorization code flow with PKCE (S256): `start` redirects to the provider
(state, nonce and code verifier kept in the signed cookie session by
Authlib); `finish` exchanges the code at the token endpoint, checks the ID
token (signature against the provider's JWKS, issuer, audience, nonce,
expiry) and returns its e-mail, which must be verified by the provider.
The caller then signs that address in as a resident, as a sign-in link does.
"""

from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from dansmarue.errors import Forbidden, NotFound, Unauthorized

DISABLED = "La connexion par le compte de la ville n'est pas proposée ici."
REFUSED = "La connexion par le compte de la ville a échoué ou a été annulée : recommencez."
UNVERIFIED = (
    "Votre compte de la ville n'a pas d'adresse e-mail vérifiée : "
    "vérifiez-la auprès de la ville, ou demandez un lien de connexion par e-mail."
)
EXTENSION = "dansmarue.resident_oidc"


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("RESIDENT_OIDC_ISSUER") and config.get("RESIDENT_OIDC_CLIENT_ID"))


def _client() -> Any:
    """This app's Authlib client for the provider (registered on first use)."""
    if not enabled():
        raise NotFound(DISABLED)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get(EXTENSION)
    if client is None:
        config = app.config
        issuer = config["RESIDENT_OIDC_ISSUER"].rstrip("/")
        client = OAuth(app).register(
            "city_account",
            client_id=config["RESIDENT_OIDC_CLIENT_ID"],
            client_secret=config.get("RESIDENT_OIDC_CLIENT_SECRET") or None,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email", "code_challenge_method": "S256"},
        )
        app.extensions[EXTENSION] = client
    return client


def callback_url() -> str:
    """Where the provider sends the resident back (registered with the provider)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/moi/connexion/ville/retour"


def start(redirect_uri: str) -> Response:
    """The redirect to the provider's authorization endpoint."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("city account: no authorization redirect (%s)", type(error).__name__)
        raise Unauthorized(REFUSED) from None


def finish(redirect_uri: str) -> str:
    """The provider's redirect back: the verified e-mail of the ID token."""
    try:
        token = _client().authorize_access_token()
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("city account: sign-in refused (%s)", type(error).__name__)
        raise Unauthorized(REFUSED) from None
    claims = token.get("userinfo") or {}
    email = str(claims.get("email") or "").strip()
    if not email or "@" not in email or claims.get("email_verified") is not True:
        raise Forbidden(UNVERIFIED)
    return email
