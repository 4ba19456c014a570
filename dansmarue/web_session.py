"""One cookie session for every server-rendered UI (/dashboard, /agent).

Flask's signed session holds the user id, a CSRF token and the time of the
last request; the cookie is HttpOnly and SameSite=Lax. The user is reloaded
on every request, so deactivating an account or changing its role takes
effect at once. The cookie also holds the account's session epoch: signing
out moves it on in the database, so a copy of the cookie taken before is
refused (the signed cookie alone cannot be revoked). A session idle for longer than WEB_SESSION_IDLE_MINUTES
expires. Each UI says who may enter (`check`) and where its login page is.
"""

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from dansmarue.access import auth
from dansmarue.errors import Forbidden, Unauthorized
from dansmarue.models import User, db
from dansmarue.platform.text import same_secret

USER_KEY = "web_user_id"
CSRF_KEY = "web_csrf"
SEEN_KEY = "web_seen"
EPOCH_KEY = "web_epoch"
EXPIRED = "Session expirée : reconnectez-vous."
CACHE_KEY = "dansmarue.web_user"  # per request: an app context (hence g) may outlive one


def configure_cookie(state: BlueprintSetupState) -> None:
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
    """The token from the form, or from X-CSRF-Token (scripts replaying a form)."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    expected = session.get(CSRF_KEY, "")
    if not expected or not same_secret(sent, expected):
        raise Forbidden("Formulaire expiré ou invalide : rechargez la page et recommencez.")


def log_in(user: User) -> None:
    """A fresh session (new CSRF token) so a planted cookie gains nothing."""
    session.clear()
    request.environ.pop(CACHE_KEY, None)
    session[USER_KEY] = user.id
    session[EPOCH_KEY] = user.session_epoch
    session[CSRF_KEY] = secrets.token_urlsafe(32)
    session[SEEN_KEY] = int(time.time())


def log_in_resident(user: User) -> None:
    """Put a proven resident (sign-in link, city account) in the shared cookie
    session: the same keys as staff, so sign-out and revocation work alike;
    staff pages refuse the role, residents' pages accept only it."""
    if user.role != "resident" or not user.active:
        raise Forbidden("Seul un compte de résident se connecte ainsi.")
    log_in(user)


def current_resident() -> User | None:
    """The signed-in resident of this cookie session, or None (also for staff)."""
    user = current_user()
    return user if user is not None and user.role == "resident" else None


def sign_in(email: str, password: str, check: Callable[[User], None]) -> User:
    """Check the password and `check(user)`, then open a fresh session.

    Raises Unauthorized or Forbidden (nothing written) for the login page to show."""
    from dansmarue.access import auth

    try:
        user = auth.authenticate(email, password)
        check(user)
    except (Unauthorized, Forbidden):
        db.session.rollback()
        raise
    log_in(user)
    return user


def log_out() -> None:
    """End this session and every other of the account (server-side revocation)."""
    user = current_user()
    if user is not None:
        revoke_sessions(user)
    session.clear()
    request.environ.pop(CACHE_KEY, None)


def revoke_sessions(user: User) -> None:
    """Void every web session of `user` (sign-out, or an administrator's force-logout)."""
    auth.revoke_web_sessions(user)


def _idle_limit_s() -> int:
    return int(current_app.config.get("WEB_SESSION_IDLE_MINUTES", 480)) * 60


def current_user() -> User | None:
    """The signed-in, active user, or None (also once the session went idle too long)."""
    if CACHE_KEY not in request.environ:
        user_id = session.get(USER_KEY)
        now = int(time.time())
        if isinstance(user_id, int) and now - session.get(SEEN_KEY, 0) > _idle_limit_s():
            session.pop(USER_KEY, None)
            user_id = None
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is not None and session.get(EPOCH_KEY) != user.session_epoch:
            user = None  # signed out since: this cookie was revoked
        request.environ[CACHE_KEY] = user if user is not None and user.active else None
        if request.environ[CACHE_KEY] is not None and now - session.get(SEEN_KEY, 0) > 60:
            session[SEEN_KEY] = now  # at most one cookie rewrite a minute
    g.web_user = request.environ[CACHE_KEY]
    return g.web_user


def signed_in_user() -> User:
    """The user of a view behind `login_required` (Unauthorized if none, as there)."""
    user = current_user()
    if user is None:
        raise Unauthorized(EXPIRED)
    return user


def login_required(
    check: Callable[[User], None], login_endpoint: str
) -> Callable[[Callable[..., ResponseReturnValue]], Callable[..., ResponseReturnValue]]:
    """A decorator: anonymous visitors go to `login_endpoint` then come back;
    `check(user)` raises Forbidden for those this UI is not for."""

    def decorator(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                if request.method == "GET":
                    return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))
                raise Unauthorized(EXPIRED)
            check(user)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def safe_next(target: str | None, prefix: str, default: str) -> str:
    """Only redirect back inside `prefix` (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
        return default
    return target


def login_page(template: str, check: Callable[[User], None], home: str, home_url: str) -> ResponseReturnValue:
    """The login form of a staff app (dashboard, agents): GET shows it, POST signs
    in (CSRF checked) and goes back to the page asked for, inside `home` only."""
    next_url = request.values.get("next")
    if request.method == "GET":
        return render_template(template, next=next_url)
    check_csrf()
    email = request.form.get("email", "")
    try:
        sign_in(email, request.form.get("password", ""), check)
    except (Unauthorized, Forbidden) as error:
        return render_template(template, error=error.detail, email=email, next=next_url), error.status
    return redirect(safe_next(next_url, home, home_url))
