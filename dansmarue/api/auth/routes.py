"""POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me,
POST /api/v1/auth/password-reset (the one-time link an administrator sent)."""

from typing import Any

from flask import current_app

from dansmarue.access import auth, password_reset
from dansmarue.api.admin_users.schemas import PasswordResetSchema
from dansmarue.api.auth.schemas import LoginSchema, MeSchema, TokenSchema
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, bearer_token, current_user, document_on
from dansmarue.extensions import limiter
from dansmarue.models import User

blp = Blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", description="Authentification des agents (jetons porteurs)"
)
document_on(blp)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@blp.route("/login", methods=["POST"])
@limiter.limit(_login_limit)
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
@limiter.limit(_login_limit)
@blp.arguments(PasswordResetSchema)
@blp.response(204)
def complete_password_reset(body: dict[str, Any]) -> None:
    """Choose a new password with the one-time link's token; every session of the account ends."""
    password_reset.complete_reset(body["token"], body["password"])
