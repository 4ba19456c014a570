"""Who may use the dashboard; the session itself is `dansmarue.web_session`.

Only managers (of a direction) and admins may look at the dashboard.
"""

from flask import url_for

from dansmarue import web_session
from dansmarue.errors import Forbidden
from dansmarue.models import User
from dansmarue.web_session import (  # noqa: F401 - the dashboard's session API
    check_csrf,
    configure_cookie,
    csrf_token,
    current_user,
    log_in,
    log_out,
    signed_in_user,
)
from dansmarue.workflow.transitions import MANAGERS

ROLES = MANAGERS


def check_role(user: User) -> None:
    if user.role not in ROLES:
        raise Forbidden("Le tableau de bord est réservé aux responsables et administrateurs.")
    if user.role == "manager" and user.direction_id is None:
        raise Forbidden("Votre compte de responsable n'est rattaché à aucune direction.")


login_required = web_session.login_required(check_role, "dashboard.login")


def safe_next(target: str | None) -> str:
    """Only redirect back inside the dashboard (no open redirect)."""
    return web_session.safe_next(target, "/dashboard", url_for("dashboard.index"))
