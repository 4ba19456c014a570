"""The agents' work queue and their full view of a report, within their scope."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from dansmarue.access import scopes
from dansmarue.errors import NotFound
from dansmarue.models import Report, ReportEvent, User, db
from dansmarue.models.base import SRID
from dansmarue.models.reports import PRIORITIES
from dansmarue.platform import cursors
from dansmarue.reports import views
from dansmarue.sla.clock import is_overdue, overdue_clause
from dansmarue.workflow import perform
from dansmarue.workflow.states import OPEN_STATES, STATES

NOT_FOUND = "Signalement introuvable dans votre périmètre."
SORTS = ("due", "newest", "distance")  # due date (undated last), latest first, nearest first


def find_in_scope(user: User, reference: str) -> Report:
    report = db.session.scalar(select(Report).where(Report.reference == reference, scopes.report_scope(user)))
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


def ids_in_scope(user: User, references: list[str]) -> dict[str, int | None]:
    """reference -> id for those in scope, None for the others (input order kept)."""
    found = dict(
        db.session.execute(
            select(Report.reference, Report.id).where(
                Report.reference.in_(references), scopes.report_scope(user)
            )
        )
        .tuples()
        .all()
    )
    return {ref: found.get(ref) for ref in dict.fromkeys(references)}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def work_queue(
    user: User,
    *,
    limit: int = 50,
    sort: str | None = None,
    near: tuple[float, float] | None = None,
    **filters: Any,
) -> tuple[list[dict], str | None]:
    """(items, next_cursor): reports in scope, by due date (undated last) then id,
    by creation (newest first) or, from `near` (lat, lon), by distance; with
    `near` each item has its `distance_m`."""
    sort = sort or ("distance" if near else "due")
    query = queue_query(user, limit=limit, sort=sort, near=near, **filters)
    rows: list[tuple[Report, float | None]]
    if near is None:
        rows = [(r, None) for r in db.session.scalars(query).unique()]
    else:
        query = query.add_columns(distance_to(*near).label("distance"))
        rows = [(row[0], row[1]) for row in db.session.execute(query).unique()]
    page, more = rows[:limit], len(rows) > limit
    next_cursor = _encode(*page[-1], sort=sort) if more and page else None
    items = []
    for report, metres in page:
        item = summary(report, user)
        if metres is not None:
            item["distance_m"] = round(metres, 1)
        items.append(item)
    return items, next_cursor


def distance_to(lat: float, lon: float) -> ColumnElement[float]:
    """Metres from (lat, lon) to the report (PostGIS geography, on the sphere):
    the one distance the agents' pages and API sort by."""
    here = func.Geography(func.ST_SetSRID(func.ST_MakePoint(lon, lat), SRID))
    # `<->` on geography is the sphere distance in metres, and a GiST index on
    # geography(geom) (migration 0015k) serves it nearest first.
    return func.Geography(Report.geom).op("<->")(here)


def queue_query(
    user: User,
    *,
    state: list[str] | None = None,
    category_id: list[int] | None = None,
    unit_id: int | None = None,
    district: int | None = None,
    overdue: bool | None = None,
    due_before: datetime | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    sort: str = "due",
    near: tuple[float, float] | None = None,
) -> Select:
    """The queue's SELECT (one row more than `limit`, to tell if a page follows).

    Its order by due date (due_at NULLS LAST, id) is that of index
    ix_report_unit_due within a unit, so a unit's page is one index range,
    without a sort. `newest` and `distance` (from `near`) page by their own keys.
    """
    query = (
        select(Report)
        .where(scopes.queue_scope(user))
        .options(joinedload(Report.category), joinedload(Report.unit))
    )
    query = query.where(Report.state.in_(state or OPEN_STATES))
    if category_id:
        query = query.where(Report.category_id.in_(category_id))
    if unit_id is not None:
        query = query.where(Report.unit_id == unit_id)
    if district is not None:
        query = query.where(Report.district_id == district)
    if overdue is not None:
        query = query.where(overdue_clause() if overdue else ~overdue_clause())
    if due_before is not None:
        query = query.where(Report.due_at < due_before)
    if q:
        pattern = f"%{_escape_like(q.strip())}%"
        query = query.where(
            or_(
                Report.reference == q.strip().upper(),
                Report.description.ilike(pattern),
                Report.address.ilike(pattern),
            )
        )
    if sort == "newest":
        if cursor:
            created, ident = cursors.decode(cursor, "newest", datetime)
            query = query.where(
                or_(Report.created_at < created, and_(Report.created_at == created, Report.id < ident))
            )
        return query.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit + 1)
    if sort == "distance":
        if near is None:
            raise ValueError("sort=distance needs near")
        distance = distance_to(*near)
        if cursor:
            metres, ident = cursors.decode(cursor, "distance", float)
            query = query.where(or_(distance > metres, and_(distance == metres, Report.id > ident)))
        return query.order_by(distance, Report.id).limit(limit + 1)
    if cursor:
        query = query.where(_after(*_decode(cursor)))
    return query.order_by(Report.due_at.asc().nulls_last(), Report.id).limit(limit + 1)


def _after(due: datetime | None, ident: int) -> ColumnElement[bool]:
    if due is None:
        return and_(Report.due_at.is_(None), Report.id > ident)
    return or_(Report.due_at > due, and_(Report.due_at == due, Report.id > ident), Report.due_at.is_(None))


def _encode(report: Report, distance: float | None = None, *, sort: str = "due") -> str:
    if sort == "newest":
        return cursors.encode("newest", report.created_at, report.id)
    if sort == "distance":
        return cursors.encode("distance", distance, report.id)
    return cursors.encode("due", report.due_at, report.id)


def _decode(cursor: str) -> tuple[datetime | None, int]:
    return cursors.decode(cursor, "due", datetime, nullable=True)


def summary(report: Report, user: User) -> dict:
    return {
        "reference": report.reference,
        "state": report.state,
        "state_label": STATES[report.state].label,
        "category": {"id": report.category_id, "label": report.category.label},
        "priority": report.priority,
        "address": report.address,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "district": report.district_id,
        "unit": {"id": report.unit_id, "code": report.unit.code, "label": report.unit.label},
        "created_at": report.created_at,
        "due_at": report.due_at,
        "overdue": is_overdue(report),
        "scheduled_for": report.scheduled_for,
        "version": report.version,
    }


def agent_view(report: Report, user: User) -> dict:
    """Everything an agent needs: public view, routing, reporter, full history."""
    view = views.public_view(report)
    view.update(summary(report, user))
    view.update(
        priority_label=PRIORITIES.get(report.priority),
        public_state=STATES[report.state].public_label,
        direction_id=report.direction_id,
        sector_id=report.sector_id,
        special_perimeter_id=report.special_perimeter_id,
        reporter={"email": report.reporter_email, "guid": report.reporter_guid},
        acknowledged_at=report.acknowledged_at,
        ack_due_at=report.ack_due_at,
        closed_at=report.closed_at,
        duplicate_of=report.duplicate_of_id
        and db.session.scalar(select(Report.reference).where(Report.id == report.duplicate_of_id)),
        allowed_actions=perform.allowed_actions(report, user),
        events=[
            _event(e)
            for e in db.session.scalars(
                select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
            )
        ],
    )
    return view


def _event(event: ReportEvent) -> dict:
    return {
        "id": event.id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_label,
        "actor_user_id": event.actor_user_id,
        "comment": event.comment,
        "public": event.is_public,
        "public_message": event.public_message,
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }
