"""The action form page, shown first and again after a refusal (412, 409, 422).

View helpers of `routes` (they render templates and read the request's form):
a refused action comes back as the same form with the agent's input, the
reason, what changed (412) or what is allowed now (409), and the photo kept
(`pending_photo`), so nothing the agent typed or chose is lost.
"""

from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup

from dansmarue import web_session
from dansmarue.agentapp import actions, mapsvg, pending_photo, report_page
from dansmarue.dashboard import fmt
from dansmarue.errors import Conflict, DomainError, Forbidden, PreconditionFailed, Unprocessable
from dansmarue.models import Report, ReportEvent, key_from_text
from dansmarue.workflow import agent_queue
from dansmarue.workflow.transitions import TRANSITIONS


def report_map(row: Report, view: dict[str, Any], pin: bool = False) -> Markup:
    """The report's position; with `pin`, a draggable pin (Requalifier)."""
    point = mapsvg.Point(
        view["reference"],
        *mapsvg.project(view["longitude"], view["latitude"]),
        view["overdue"],
        f'Position de {view["reference"]}',
        "#position",
    )
    return mapsvg.render(
        [] if pin else [point],
        title="Position du signalement",
        tile_url=current_app.config.get("AGENT_TILE_URL"),
        pin=(view["longitude"], view["latitude"]) if pin else None,
    )


def render_form(
    reference: str,
    action: str,
    *,
    values: Mapping[str, str],
    status: int,
    error: DomainError | None = None,
    changes: list[ReportEvent] | None = None,
    allowed: list[tuple[str, str]] | None = None,
    template: str = "agent/action.html",
    kept_photo: dict[str, str] | None = None,
) -> tuple[str, int]:
    user = web_session.signed_in_user()
    if action not in TRANSITIONS:
        raise Unprocessable(f"Action inconnue : {action}.")
    row, view = report_page.detail(user, reference)
    context = report_page.form_context(user, row, action, values.get("q"))
    return render_template(
        template,
        r=view,
        action=action,
        values=values,
        error=error,
        changes=changes or [],
        allowed=allowed,
        kept_photo=kept_photo,
        action_labels={code: t.label for code, t in TRANSITIONS.items()},
        key=actions.new_key(),
        svg=report_map(row, view, pin="latitude" in context["params"]),
        **context,
    ), status


def version() -> int | None:
    raw = (request.headers.get("If-Match") or request.form.get("version") or "").strip('W/" ')
    return key_from_text(raw, Report.version)  # not "²" (isdigit), not beyond the column


def refused(reference: str, action: str, error: DomainError, seen: int | None) -> tuple[str, int]:
    """Same form again, with the agent's input, the reason and what to do next."""
    user = web_session.signed_in_user()
    kept = None
    if "photo" in TRANSITIONS[action].params and not any(
        e.get("field") == "photo" for e in error.errors or []
    ):
        kept = pending_photo.keep(user.id, request.files.get("photo"), request.form.get("pending_photo"))
    if isinstance(error, PreconditionFailed):
        changes = actions.changes_since(agent_queue.find_in_scope(user, reference), seen)
        return render_form(
            reference,
            action,
            values=request.form,
            status=412,
            error=error,
            changes=changes,
            template="agent/conflict.html",
            kept_photo=kept,
        )
    allowed = None
    if isinstance(error, Conflict | Forbidden) and "allowed" in error.extra:
        allowed = [(c, TRANSITIONS[c].label) for c in error.extra["allowed"]]
    return render_form(
        reference,
        action,
        values=request.form,
        status=error.status,
        error=error,
        allowed=allowed,
        kept_photo=kept,
    )


def event_text(event: ReportEvent) -> dict[str, str | None]:
    return {
        "action": TRANSITIONS[event.action].label if event.action in TRANSITIONS else event.action,
        "actor": event.actor_label,
        "to_state": event.to_state,
        "at": fmt.local_datetime(event.created_at),
    }
