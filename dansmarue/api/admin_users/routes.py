"""/api/v1/admin/users: staff accounts (admin role). The same services as `flask users`."""

from datetime import datetime
from typing import Any

from dansmarue.access import accounts, auth, password_reset
from dansmarue.api.admin_users.schemas import (
    LogoutResultSchema,
    ResetRequestedSchema,
    UserPageSchema,
    UserPatchSchema,
    UserQuerySchema,
    UserSchema,
)
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.models import User

blp = Blueprint(
    "admin_users", __name__, url_prefix="/api/v1/admin/users", description="Administration des comptes"
)
document_on(blp)


@blp.route("", methods=["GET"])
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, UserPageSchema)
@auth_required("admin")
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Search accounts (by e-mail or name, role, state, unit), by e-mail."""
    items, total = accounts.search(**args)
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


@blp.route("", methods=["POST"])
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
@auth_required("admin")
def create_user(values: dict[str, Any]) -> User:
    """Create an account (no password: by default it is mailed a one-time link)."""
    return accounts.create(values, authenticated_user())


@blp.route("/<int:user_id>", methods=["GET"])
@blp.response(200, UserSchema)
@auth_required("admin")
def get_user(user_id: int) -> User:
    """One account."""
    return accounts.get(user_id)


@blp.route("/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserPatchSchema)
@blp.response(200, UserSchema)
@auth_required("admin")
def update_user(values: dict[str, Any], user_id: int) -> User:
    """Change the name, role, units or direction of an account."""
    return accounts.update(accounts.get(user_id), values, authenticated_user())


@blp.route("/<int:user_id>/disable", methods=["POST"])
@blp.response(200, UserSchema)
@auth_required("admin")
def disable_user(user_id: int) -> User:
    """Disable the account; its tokens and web sessions are revoked."""
    return auth.set_active(accounts.get(user_id), False, authenticated_user())


@blp.route("/<int:user_id>/enable", methods=["POST"])
@blp.response(200, UserSchema)
@auth_required("admin")
def enable_user(user_id: int) -> User:
    """Enable the account again."""
    return auth.set_active(accounts.get(user_id), True, authenticated_user())


@blp.route("/<int:user_id>/logout", methods=["POST"])
@blp.response(200, LogoutResultSchema)
@auth_required("admin")
def force_logout(user_id: int) -> dict[str, int]:
    """Revoke every bearer token and web session of the account."""
    return {"tokens_revoked": accounts.force_logout(accounts.get(user_id), authenticated_user())}


@blp.route("/<int:user_id>/password-reset", methods=["POST"])
@blp.response(202, ResetRequestedSchema)
@auth_required("admin")
def request_password_reset(user_id: int) -> dict[str, datetime]:
    """Mail the account a one-time link to choose a new password."""
    reset = password_reset.request_reset(accounts.get(user_id), authenticated_user())
    return {"expires_at": reset.expires_at}
