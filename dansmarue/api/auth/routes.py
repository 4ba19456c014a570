"""POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me,
POST /api/v1/auth/password-reset (the one-time link an administrator sent);
residents (#19.2): POST /api/v1/auth/resident/sign-in-link (a one-time link by
e-mail), POST /api/v1/auth/resident/session (the link for a resident bearer
token), DELETE /api/v1/auth/resident/session (sign-out: the token is revoked)."""

from typing import Any

from dansmarue.access import auth, password_reset, residents
from dansmarue.api import ratelimits
from dansmarue.api.admin_users.schemas import PasswordResetSchema
from dansmarue.api.auth.schemas import (
    LoginSchema,
    MeSchema,
    ResidentTokenSchema,
    SignInLinkAnswerSchema,
    SignInLinkSchema,
    SignInTokenSchema,
    TokenSchema,
)
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, bearer_token, current_user, document_on
from dansmarue.extensions import limiter
from dansmarue.models import User

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/v1/auth",
    description="Authentification des agents et des résidents (jetons porteurs)",
)
document_on(blp)


@blp.route("/login", methods=["POST"])
@limiter.limit(ratelimits.login_limit)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Identifiants refusés")
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange e-mail and password for a bearer token (12 h)."""
    user = auth.authenticate(body["email"], body["password"])
    token = auth.issue_token(user)
    expires_at = auth.token_expiry(token)
    return {"token": token, "expires_at": expires_at, "role": user.role}


@blp.route("/logout", methods=["POST"])
@blp.response(204)
@auth_required()
def logout() -> None:
    """Revoke the token used for this request."""
    token = bearer_token()
    assert token is not None  # auth_required let a valid one through
    auth.revoke_token(token)


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@auth_required()
def me() -> User | None:
    """The account behind the token."""
    return current_user()


@blp.route("/password-reset", methods=["POST"])
@limiter.limit(ratelimits.login_limit)
@blp.arguments(PasswordResetSchema)
@blp.response(204)
def complete_password_reset(body: dict[str, Any]) -> None:
    """Choose a new password with the one-time link's token; every session of the account ends."""
    password_reset.complete_reset(body["token"], body["password"])


SIGN_IN_QUEUED = (
    "Si cette adresse peut se connecter, un lien de connexion vient d'y être envoyé "
    f"(valable {residents.SIGN_IN_TTL_MINUTES} minutes, utilisable une seule fois)."
)


@blp.route("/resident/sign-in-link", methods=["POST"])
@limiter.limit(ratelimits.sign_in_client_limit)
@limiter.limit(ratelimits.sign_in_email_limit, key_func=ratelimits.sign_in_email_key)
@blp.arguments(SignInLinkSchema)
@blp.response(202, SignInLinkAnswerSchema)
def resident_sign_in_link(body: dict) -> dict:
    """Mail a one-time sign-in link; the same answer for every address (no enumeration)."""
    residents.request_sign_in(body["email"])
    return {"detail": SIGN_IN_QUEUED, "expires_in_minutes": residents.SIGN_IN_TTL_MINUTES}


@blp.route("/resident/session", methods=["POST"])
@limiter.limit(ratelimits.login_limit)
@blp.arguments(SignInTokenSchema)
@blp.response(200, ResidentTokenSchema)
@blp.alt_response(403, description="Adresse d'un compte agent")
def resident_session(body: dict) -> dict:
    """Exchange the link's token (once) for a resident bearer token, usable on /api/v1/me/*."""
    user, token, expires_at = residents.exchange_for_token(body["token"])
    return {"token": token, "expires_at": expires_at, "email": user.email}


@blp.route("/resident/session", methods=["DELETE"])
@blp.response(204)
@auth_required("resident")
def resident_sign_out() -> None:
    """Sign out: the resident token used for this request is revoked."""
    token = bearer_token()
    assert token is not None  # auth_required let a valid one through
    auth.revoke_token(token)
