"""/admin's blueprint: who may enter (admins), login and logout in the shared
cookie session, the security headers, error pages, and the form helpers."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from dansmarue import web_headers, web_session
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.api import ratelimits
from dansmarue.errors import DomainError, Forbidden, Unauthorized, answer_errors_under
from dansmarue.extensions import limiter
from dansmarue.models import User

bp = Blueprint("adminpages", __name__, url_prefix="/admin")
bp.record_once(web_session.configure_cookie)
PAGE_SIZE = 25


def check_role(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("L'administration est réservée aux administrateurs.")


login_required = web_session.login_required(check_role, "adminpages.login")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"csrf_token": web_session.csrf_token, "user": web_session.current_user()}


@bp.after_request
def _security_headers(response: Response) -> Response:
    """No inline script or style under /admin; tiles only from the configured host."""
    response.headers["Content-Security-Policy"] = web_headers.map_page_policy()
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ratelimits.login_limit, methods=["POST"])
def login() -> Any:
    return web_session.login_page("admin/login.html", check_role, "/admin", url_for("adminpages.home"))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    web_session.check_csrf()
    web_session.log_out()
    return redirect(url_for("adminpages.login"))


@bp.get("/")
@login_required
def home() -> str:
    return render_template("admin/home.html")


def admin_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """An admin page: signed in as an admin, and every POST carries the CSRF token."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            web_session.check_csrf()
        return view(*args, **kwargs)

    return login_required(checked)


def actor() -> User:
    return web_session.signed_in_user()


def form_page(
    template: str, fields: list[Field], values: Any, refused: Refused | None = None, **context: Any
) -> tuple[str, int]:
    """A form again: what the admin typed, and each refusal next to its field."""
    errors = refused.errors if refused else {}
    status = refused.status if refused else 200
    return render_template(template, fields=fields, values=values, errors=errors, **context), status


def page_args() -> int:
    """The page number of a paginated list (1 when absent or not a number)."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):  # not "²", not 10**100
        return 1
    return max(1, min(100_000, int(raw)))


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Any:
    """Pages, not problem+json: a person reads these."""
    if isinstance(error, Unauthorized):
        return redirect(url_for("adminpages.login"))
    return render_template("admin/error.html", error=error), error.status


answer_errors_under(bp, "/admin", _domain_error)
