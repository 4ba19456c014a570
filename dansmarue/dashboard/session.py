"""Cookie sessions for the dashboard: Flask's signed session, CSRF on forms.

The session cookie holds the user id and a CSRF token; it is HttpOnly and
SameSite=Lax (set when the blueprint is registered). The user is reloaded on
every request, so deactivating an account or changing its role takes effect
at once. Only managers and admins may look at the dashboard.
"""
import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from dansmarue.errors import Forbidden, Unauthorized
from dansmarue.models import User, db

ROLES = ("manager", "admin")
USER_KEY = "dashboard_user_id"
CSRF_KEY = "dashboard_csrf"


def configure_cookie(state) -> None:
    """SameSite=Lax unless the deployment chose otherwise."""
    config = state.app.config
    if not config.get("SESSION_COOKIE_SAMESITE"):
        config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_HTTPONLY"] = True


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("Formulaire expiré ou invalide : rechargez la page et recommencez.")


def log_in(user: User) -> None:
    """A fresh session (new CSRF token) so a planted cookie gains nothing."""
    session.clear()
    session[USER_KEY] = user.id
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def log_out() -> None:
    session.clear()


def current_user() -> User | None:
    if "dashboard_user" not in g:
        user_id = session.get(USER_KEY)
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        g.dashboard_user = user if user is not None and user.active else None
    return g.dashboard_user


def check_role(user: User) -> None:
    if user.role not in ROLES:
        raise Forbidden("Le tableau de bord est réservé aux responsables et administrateurs.")
    if user.role == "manager" and user.direction_id is None:
        raise Forbidden("Votre compte de responsable n'est rattaché à aucune direction.")


def login_required(view):
    """Anonymous visitors go to the login page, then come back here."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            if request.method == "GET":
                return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
            raise Unauthorized("Session expirée : reconnectez-vous.")
        check_role(user)
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str:
    """Only redirect back inside the dashboard (no open redirect)."""
    default = url_for("dashboard.index")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/dashboard"):
        return default
    return target
