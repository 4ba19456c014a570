"""/agent: login, queue, a report, its action forms, mass actions, route sheet.

Routes are thin: the queue is `agent_queue`, the actions `workflow.perform`
(through `agentapp.actions`), the session `web_session`.
"""

from collections.abc import Mapping
from datetime import date, datetime
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from dansmarue import city, web_headers, web_session
from dansmarue.agentapp import action_pages, actions, mapsvg, pending_photo, report_page, tour
from dansmarue.agentapp import queue as work_queue
from dansmarue.api import ratelimits
from dansmarue.dashboard import fmt
from dansmarue.errors import (
    DomainError,
    Forbidden,
    PreconditionFailed,
    Unauthorized,
    Unprocessable,
    answer_errors_under,
)
from dansmarue.extensions import limiter
from dansmarue.models import ReportEvent, User, key_from_text
from dansmarue.workflow import agent_queue
from dansmarue.workflow.transitions import MASS_ACTIONS, STAFF, TRANSITIONS

bp = Blueprint("agentapp", __name__, url_prefix="/agent")
bp.record_once(web_session.configure_cookie)


def check_role(user: User) -> None:
    if user.role not in STAFF:
        raise Forbidden("Cet espace est réservé aux agents, responsables et administrateurs.")


login_required = web_session.login_required(check_role, "agentapp.login")


@bp.app_template_global()
def agent_fmt() -> ModuleType:
    return fmt


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "csrf_token": web_session.csrf_token,
        "user": web_session.current_user(),
        "fmt": fmt,
        "today": datetime.now(city.tz()).date().isoformat(),
    }


@bp.after_request
def _security_headers(response: Response) -> Response:
    """No inline script anywhere under /agent; tiles only from the configured host."""
    response.headers["Content-Security-Policy"] = web_headers.map_page_policy(" blob:")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ratelimits.login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    return web_session.login_page("agent/login.html", check_role, "/agent", url_for("agentapp.queue"))


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    if request.method == "POST":
        web_session.check_csrf()
        web_session.log_out()
        return redirect(url_for("agentapp.login"))
    return render_template("agent/logout.html")


@bp.get("/")
@login_required
def queue() -> tuple[str, int]:
    return _queue_page(request.args)


def _queue_page(
    args: MultiDict[str, str],
    *,
    status: int = 200,
    back: str | None = None,
    mass_form: Mapping[str, str] | None = None,
    mass_error: DomainError | None = None,
) -> tuple[str, int]:
    """The queue; after a refused mass action, again with the agent's ticks and
    choices (`mass_form`) and the reason, so nothing has to be chosen again."""
    user = web_session.signed_in_user()
    filters = work_queue.parse(args)
    page = work_queue.build(user, filters)
    points = [
        mapsvg.Point(
            i["reference"],
            *mapsvg.project(i["longitude"], i["latitude"]),
            i["overdue"],
            f'{i["reference"]} · {i["category"]["label"]}',
            url_for("agentapp.report", reference=i["reference"]),
        )
        for i in page["items"]
    ]
    svg = mapsvg.render(
        points,
        sector_ids=work_queue.sector_ids(user),
        title="Carte des signalements de la page",
        tile_url=current_app.config.get("AGENT_TILE_URL"),
    )
    return render_template(
        "agent/queue.html",
        page=page,
        f=filters,
        svg=svg,
        choices=work_queue.choices(user),
        mass_actions=[(code, TRANSITIONS[code].label) for code in MASS_ACTIONS],
        back=back or request.full_path,
        mass_form=mass_form or {},
        checked=set(mass_form.getlist("references")) if isinstance(mass_form, MultiDict) else set(),
        mass_error=mass_error,
    ), status


@bp.get("/r/<reference>")
@login_required
def report(reference: str) -> str:
    user = web_session.signed_in_user()
    row, view = report_page.detail(user, reference)
    svg = action_pages.report_map(row, view)
    return render_template("agent/report.html", r=view, svg=svg)


@bp.get("/r/<reference>/<action>")
@login_required
def action_form(reference: str, action: str) -> tuple[str, int]:
    return action_pages.render_form(reference, action, values=request.args, status=200)


@bp.post("/r/<reference>/<action>")
@login_required
def act(reference: str, action: str) -> ResponseReturnValue:
    """Run the action; HTML by default, JSON for the offline replay (Accept)."""
    web_session.check_csrf()
    wants_json = request.accept_mimetypes.best == "application/json"
    user = web_session.signed_in_user()
    version = action_pages.version()
    key = request.headers.get("Idempotency-Key") or request.form.get("idempotency_key")
    seen = key_from_text(request.form.get("seen_event"), ReportEvent.id)
    if action not in TRANSITIONS:
        raise Unprocessable(f"Action inconnue : {action}.")
    try:
        params = actions.params_from_form(action, request.form, request.files, user.id)
        outcome, replayed = actions.run(user, reference, action, version, params, key)
        pending_photo.drop(user.id, request.form.get("pending_photo"))
    except DomainError as error:
        if wants_json:
            body = actions.problem_of(error)
            if isinstance(error, PreconditionFailed):
                row = agent_queue.find_in_scope(user, reference)
                body["changes"] = [action_pages.event_text(e) for e in actions.changes_since(row, seen)]
            return jsonify(body), error.status
        return action_pages.refused(reference, action, error, seen)
    if wants_json:
        return jsonify({"ok": True, "replayed": replayed, **outcome})
    flash(f"« {TRANSITIONS[action].label} » enregistré pour {reference}.")
    return redirect(url_for("agentapp.report", reference=reference))


@bp.post("/mass")
@login_required
def mass() -> ResponseReturnValue:
    web_session.check_csrf()
    user = web_session.signed_in_user()
    action = request.form.get("action", "")
    references = request.form.getlist("references")
    try:
        if action not in MASS_ACTIONS:
            raise Unprocessable("Choisissez une action groupée.")
        if not references:
            raise Unprocessable("Cochez au moins un signalement.")
        params = actions.params_from_form(action, request.form, request.files, user.id)
    except Unprocessable as error:  # the same queue again, ticks and choices kept
        back = request.form.get("back") or url_for("agentapp.queue")
        return _queue_page(
            MultiDict(parse_qsl(urlsplit(back).query)),
            status=error.status,
            back=back,
            mass_form=request.form,
            mass_error=error,
        )
    results = actions.mass(user, action, references[:500], params)
    return render_template(
        "agent/mass.html",
        results=results,
        label=TRANSITIONS[action].label,
        back=request.form.get("back") or url_for("agentapp.queue"),
    )


@bp.get("/tournee")
@login_required
def route_sheet() -> str:
    user = web_session.signed_in_user()
    day = _day(request.args.get("date"))
    here = work_queue.position(request.args)  # finite and on the map, or none (lat=inf was a 500)
    start = (here[1], here[0]) if here else None
    data = tour.sheet(user, day, start)
    points = [
        mapsvg.Point(
            s["reference"],
            *mapsvg.project(s["longitude"], s["latitude"]),
            s["overdue"],
            f'Arrêt {n} : {s["reference"]}',
            url_for("agentapp.report", reference=s["reference"]),
        )
        for n, s in enumerate(data["stops"], 1)
    ]
    origin = mapsvg.Point("départ", *mapsvg.project(*data["start"]), False, "Départ", "#")
    svg = mapsvg.render(
        points,
        title="Tournée du jour",
        route=[origin, *points],
        tile_url=current_app.config.get("AGENT_TILE_URL"),
    )
    return render_template("agent/route.html", data=data, day=day, svg=svg)


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else datetime.now(city.tz()).date()
    except ValueError:
        return datetime.now(city.tz()).date()


@bp.get("/sw.js")
def service_worker() -> Response:
    """Served from /agent so that it may control every /agent page."""
    static = current_app.static_folder
    assert static is not None  # the app's own folder, dansmarue/static
    response = send_from_directory(static, "agent-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/agent"
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> ResponseReturnValue:
    """Pages, not problem+json: a person reads these. Except for the offline
    replay (Accept: application/json), which must tell an expired session (401)
    from a success: redirected to the login page, it would drop the action."""
    if request.accept_mimetypes.best == "application/json" and request.method == "POST":
        return jsonify(actions.problem_of(error)), error.status
    if isinstance(error, Unauthorized):
        return redirect(url_for("agentapp.login"))
    return render_template("agent/error.html", error=error), error.status


# Unknown addresses, bodies too large, limits, last resorts: the same pages (#20.3).
answer_errors_under(bp, "/agent", _domain_error)
