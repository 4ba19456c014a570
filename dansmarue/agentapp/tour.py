"""The route sheet: the agent's reports scheduled for a day, in a short order."""

from datetime import date

from sqlalchemy import func, select

from dansmarue.access import scopes
from dansmarue.agentapp import queue, routesheet
from dansmarue.models import Report, User, db
from dansmarue.models.organisation import Sector, unit_sector
from dansmarue.workflow import agent_queue

CITY_HALL = (2.3522, 48.8566)  # when an account has no sector to start from
MAX_STOPS = 200


def default_start(user: User) -> tuple[float, float]:
    """A point inside the agent's sectors (their base), else the city hall."""
    if user.role == "agent":
        point = db.session.execute(
            select(
                func.ST_X(func.ST_PointOnSurface(func.ST_Union(Sector.geom))),
                func.ST_Y(func.ST_PointOnSurface(func.ST_Union(Sector.geom))),
            )
            .join(unit_sector, unit_sector.c.sector_id == Sector.id)
            .where(unit_sector.c.unit_id.in_(scopes.scoped_unit_ids(user.id)))
        ).first()
        if point and point[0] is not None:
            return point[0], point[1]
    return CITY_HALL


def sheet(user: User, day: date, start: tuple[float, float] | None) -> dict:
    """Stops of `day` (summaries) in route order, with both distances in metres."""
    reports = list(
        db.session.scalars(
            select(Report)
            .where(scopes.queue_scope(user), Report.scheduled_for == day)
            .order_by(Report.due_at.asc().nulls_last(), Report.id)
            .limit(MAX_STOPS)
        )
    )
    start = start or default_start(user)
    points = [(r.longitude, r.latitude) for r in reports]
    order, total = routesheet.plan(start, points)
    thumbs = queue.thumbnails([r.id for r in reports])
    stops = [dict(agent_queue.summary(reports[i], user), thumb=thumbs.get(reports[i].id)) for i in order]
    return {
        "stops": stops,
        "start": start,
        "total_m": total,
        "queue_order_m": routesheet.length_m(start, points),
    }
