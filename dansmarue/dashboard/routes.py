"""/dashboard, /dashboard/login, /dashboard/logout, /dashboard/overdue.csv."""

from itertools import chain
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from dansmarue import city, web_session
from dansmarue.api import ratelimits
from dansmarue.dashboard import filters as filter_args
from dansmarue.dashboard import session as auth_session
from dansmarue.dashboard import view as dashboard_view
from dansmarue.errors import DomainError, Unauthorized, answer_errors_under
from dansmarue.extensions import limiter

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.record_once(auth_session.configure_cookie)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"csrf_token": auth_session.csrf_token, "city_name": city.current().name}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ratelimits.login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """The login form; on success, back to the page asked for."""
    return web_session.login_page(
        "dashboard/login.html", auth_session.check_role, "/dashboard", url_for("dashboard.index")
    )


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    """POST (with the CSRF token) ends the session; GET only offers the button."""
    if request.method == "POST":
        auth_session.check_csrf()
        auth_session.log_out()
        return redirect(url_for("dashboard.login"))
    return render_template("dashboard/logout.html", user=auth_session.current_user())


@bp.get("")
@auth_session.login_required
def index() -> str:
    """The dashboard itself."""
    user = auth_session.signed_in_user()
    filters = filter_args.parse(request.args, user)
    page = dashboard_view.build(user, filters)
    return render_template(
        "dashboard/index.html", user=user, page=page, f=filters, direction_label=page.scope_label
    )


@bp.get("/")
def index_slash() -> ResponseReturnValue:
    # Every argument kept, none taken as one of url_for's options (_external, _scheme...).
    query = urlencode(list(request.args.items(multi=True)))
    return redirect(url_for("dashboard.index") + (f"?{query}" if query else ""))


@bp.get("/overdue.csv")
@auth_session.login_required
def overdue_csv() -> Response:
    """Every overdue row of the filtered list (not only the page), same sort, streamed."""
    user = auth_session.signed_in_user()
    filters = filter_args.parse(request.args, user)
    rows = dashboard_view.overdue_csv(user, filters)
    first = next(rows)  # checks the filters before the answer starts
    body = stream_with_context(chain([first], rows))
    # content_type, not mimetype: Flask would append a second charset parameter.
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="retards.csv"'},
    )


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> ResponseReturnValue:
    """Pages, not problem+json: a person reads these."""
    if isinstance(error, Unauthorized):
        return redirect(url_for("dashboard.login"))
    return render_template(
        "dashboard/error.html",
        title=error.title,
        detail=error.detail,
        errors=error.errors,
        user=auth_session.current_user(),
    ), error.status


# Unknown addresses, bodies too large, limits, last resorts: the same pages (#20.3).
answer_errors_under(bp, "/dashboard", _domain_error)
