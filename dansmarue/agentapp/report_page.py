"""A report as the agent sees it, and what each action's form offers."""

from collections.abc import Sequence

from flask import url_for
from sqlalchemy import Row, func, select

from dansmarue.access import scopes
from dansmarue.agentapp import actions, queue
from dansmarue.catalogue import agent_texts
from dansmarue.models import Photo, Report, User, db
from dansmarue.models.base import SRID
from dansmarue.reports import photo_matches
from dansmarue.workflow import agent_queue
from dansmarue.workflow.states import OPEN_STATES, STATES
from dansmarue.workflow.transitions import TRANSITIONS

NEARBY_M = 300  # where a duplicate's original is looked for
SLA_LABELS = {
    "none": "Pas de délai",
    "due_soon": "Échéance proche",
    "overdue": "En retard",
    "escalated": "En retard (escaladé)",
}


def detail(user: User, reference: str) -> tuple[Report, dict]:
    report = agent_queue.find_in_scope(user, reference)
    view = agent_queue.agent_view(report, user)
    for photo in view["photos"]:
        photo["url"] = url_for("media.get_photo", access_key=photo["key"], variant="display")
        photo["thumb"] = url_for("media.get_photo", access_key=photo["key"], variant="thumb")
    view["actions"] = [(code, TRANSITIONS[code].label) for code in view["allowed_actions"]]
    view["sla_label"] = SLA_LABELS.get(report.sla_status, report.sla_status)
    view["state_labels"] = {code: s.label for code, s in STATES.items()}
    view["seen_event"] = actions.last_event_id(report)
    hashes = [
        bits
        for bits in db.session.scalars(select(Photo.phash_bits).where(Photo.report_id == report.id))
        if bits is not None
    ]
    view["photo_matches"] = photo_matches.near(
        report.longitude, report.latitude, hashes, exclude_id=report.id, states=OPEN_STATES
    )
    return report, view


def form_context(user: User, report: Report, action: str, q: str | None = None) -> dict:
    """Choices for exactly the parameters the table gives `action`."""
    params = TRANSITIONS[action].params
    context = {"params": params, "transition": TRANSITIONS[action]}
    if "message_id" in params:
        context["messages"] = agent_texts.list_items(
            "message", active_only=True, category_id=report.category_id
        )
    if "reason_id" in params:
        context["reasons"] = agent_texts.list_items("reason", active_only=True)
    if "category_id" in params:
        context["categories"] = queue.categories()
    if "duplicate_of" in params:
        context["candidates"] = nearby_open(user, report, q)
    return context


def nearby_open(user: User, report: Report, q: str | None = None, limit: int = 10) -> Sequence[Row]:
    """Open reports of the agent's scope near this one (the original of a duplicate);
    `q` narrows them to references or addresses containing it."""
    # The point as SQL (a bound WKB value cannot be adapted by psycopg).
    here = func.Geography(func.ST_SetSRID(func.ST_MakePoint(report.longitude, report.latitude), SRID))
    distance = func.ST_Distance(func.Geography(Report.geom), here)
    query = (
        select(Report.reference, Report.address, Report.created_at, distance.label("m"))
        .where(
            scopes.report_scope(user),
            Report.id != report.id,
            Report.state.in_(OPEN_STATES),
            Report.closed_at.is_(None),  # the same reports, said so for ix_report_open_geog
            func.ST_DWithin(func.Geography(Report.geom), here, NEARBY_M),
        )
        .order_by(distance)
        .limit(limit)
    )
    if q and q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(Report.reference.ilike(pattern) | Report.address.ilike(pattern))
    return db.session.execute(query).all()
