"""Reading reports in bulk: duplicates, the public map, a person's reports.

Distances are in metres on the geography type; a bounding-box test on the
geometry first keeps the GiST index in play.
"""

import math
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import Function

from dansmarue.errors import Unprocessable
from dansmarue.extensions import db
from dansmarue.models import Category, Follower, Report
from dansmarue.platform import cursors
from dansmarue.workflow.states import OPEN_STATES, PUBLIC_STATES, public_label
from geo.validate import METRES_PER_DEGREE

PUBLIC_OPEN_STATES = tuple(s for s in PUBLIC_STATES if s in OPEN_STATES)
R = TypeVar("R", bound=tuple[Any, ...])
DUPLICATE_RADIUS_M = 50
MAX_DUPLICATES = 5

_COLUMNS = (
    Report.id,
    Report.reference,
    Report.state,
    Report.category_id,
    Category.label.label("category_label"),
    Report.address,
    func.ST_X(Report.geom).label("lon"),
    func.ST_Y(Report.geom).label("lat"),
    Report.district_id,
    Report.created_at,
    Report.followers_count,
    Report.congratulations_count,
)


def _point(lon: float, lat: float) -> Function[Any]:
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def _distance(lon: float, lat: float) -> Function[Any]:
    return func.ST_Distance(func.geography(Report.geom), func.geography(_point(lon, lat)))


def _within(lon: float, lat: float, radius_m: float) -> ColumnElement[bool]:
    """Exact metres on geography, behind an index-friendly box in degrees."""
    degrees = box_degrees(radius_m, lat)
    point = _point(lon, lat)
    return and_(
        Report.geom.op("&&")(func.ST_Expand(point, degrees)),
        func.ST_DWithin(func.geography(Report.geom), func.geography(point), radius_m),
    )


def summary(row: Row[Any], distance: float | None = None) -> dict:
    """The public face of a report in lists (no reporter data)."""
    item = {
        "reference": row.reference,
        "category": {"id": row.category_id, "label": row.category_label},
        "state": public_label(row.state),
        "address": row.address,
        "latitude": row.lat,
        "longitude": row.lon,
        "district": row.district_id,
        "created_at": row.created_at.isoformat(),
        "followers": row.followers_count,
        "congratulations": row.congratulations_count,
    }
    if distance is not None:
        item["distance_m"] = round(distance, 1)
    return item


def duplicate_summary(item: dict) -> dict:
    """A summary from the JSON rows the intake statement returns."""
    return {
        "reference": item["reference"],
        "category": {"id": item["category_id"], "label": item["category_label"]},
        "state": public_label(item["state"]),
        "address": item["address"],
        "latitude": item["lat"],
        "longitude": item["lon"],
        "district": item["district_id"],
        "created_at": item["created_at"],
        "followers": item["followers_count"],
        "congratulations": item["congratulations_count"],
        "distance_m": round(item["distance"], 1),
    }


# Open public reports of a category within 50 m of the point `p.g` (a CTE of
# the enclosing statement), newest first, as one JSON array. Shared by
# `duplicates_near` and the intake statement (services.intake_sql).
DUPLICATES_JSON_SQL = f"""(
  SELECT coalesce(json_agg(x ORDER BY x.created_at DESC, x.id DESC), '[]'::json) FROM (
    SELECT o.id, o.reference, o.state, o.category_id, c.label AS category_label, o.address,
           ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat, o.district_id, o.created_at,
           o.followers_count, o.congratulations_count,
           ST_Distance(geography(o.geom), geography(p.g)) AS distance
    FROM report o JOIN category c ON c.id = o.category_id, p
    WHERE o.category_id = %(category_id)s
      AND o.state IN ({", ".join(f"'{s}'" for s in PUBLIC_OPEN_STATES)})
      AND o.geom && ST_Expand(p.g, %(degrees)s)
      AND ST_DWithin(geography(o.geom), geography(p.g), {DUPLICATE_RADIUS_M})
    ORDER BY o.created_at DESC, o.id DESC LIMIT {MAX_DUPLICATES}) x)"""


def box_degrees(radius_m: float, lat: float) -> float:
    """Half-side in degrees of a box surely holding a circle of `radius_m`."""
    shrink = max(math.cos(math.radians(min(abs(lat), 89.0))), 0.01)
    return radius_m / (METRES_PER_DEGREE * shrink) * 1.05 + 1e-6


def duplicates_near(category_id: int, lon: float, lat: float) -> list[dict]:
    """Open public reports of the category within 50 m, newest first (max 5)."""
    sql = (
        "WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g) "
        f"SELECT {DUPLICATES_JSON_SQL}"
    )
    params = {
        "lon": lon,
        "lat": lat,
        "category_id": category_id,
        "degrees": box_degrees(DUPLICATE_RADIUS_M, lat),
    }
    found = db.session.connection().exec_driver_sql(sql, params).scalar_one()
    return [duplicate_summary(item) for item in found]


def decode_cursor(cursor: str, kind: str) -> tuple:
    """(key, id) from a cursor made by `search` (kind "date" or "distance")."""
    return cursors.decode(cursor, kind, datetime if kind == "date" else float)


def search(
    *,
    near: tuple[float, float] | None = None,
    radius: float = 100,
    bbox: tuple[float, float, float, float] | None = None,
    category_ids: list[int] | None = None,
    states: list[str] | None = None,
    since: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """Public reports (public states, per-category age cut-off), paginated.

    `near` is (lat, lon): results are then sorted by distance; otherwise
    newest first. Answers {"items": [...], "next_cursor": str | None}.
    """
    wanted = [s for s in (states or PUBLIC_STATES) if s in PUBLIC_STATES]
    query = (
        select(*_COLUMNS)
        .join(Category, Category.id == Report.category_id)
        .where(
            Report.state.in_(wanted),
            Report.created_at >= func.now() - func.make_interval(0, 0, 0, Category.public_max_age_days),
        )
    )
    if category_ids:
        # A top-level id stands for its whole subtree.
        query = query.where(or_(Report.category_id.in_(category_ids), Category.parent_id.in_(category_ids)))
    if since is not None:
        query = query.where(Report.created_at >= since)
    if bbox is not None:
        query = query.where(Report.geom.op("&&")(func.ST_MakeEnvelope(*bbox, 4326)))
    sort: Function[Any] | InstrumentedAttribute[datetime]
    if near is not None:
        lat, lon = near
        distance = _distance(lon, lat)
        query = query.add_columns(distance.label("distance")).where(_within(lon, lat, radius))
        sort, kind = distance, "distance"
        order = (distance.asc(), Report.id.asc())
    else:
        sort, kind = Report.created_at, "date"
        order = (Report.created_at.desc(), Report.id.desc())
    if cursor:
        key, ident = decode_cursor(cursor, kind)
        if kind == "distance":
            query = query.where(tuple_(sort, Report.id) > tuple_(key, ident))
        else:
            query = query.where(tuple_(sort, Report.id) < tuple_(key, ident))
    rows = db.session.execute(query.order_by(*order).limit(limit + 1)).all()
    items = [summary(r, getattr(r, "distance", None)) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        key = last.distance if kind == "distance" else last.created_at.isoformat()
        next_cursor = cursors.encode(kind, key, last.id)
    return {"items": items, "next_cursor": next_cursor}


def _person(
    query: Select[R],
    guid_column: InstrumentedAttribute[str | None],
    email_column: InstrumentedAttribute[str | None],
    guid: str | None,
    email: str | None,
) -> Select[R]:
    if not guid and not email:
        message = "Indiquez un identifiant de compte (guid) ou une adresse e-mail."
        raise Unprocessable(message, errors=[{"field": "guid", "message": message, "location": "query"}])
    clauses = []
    if guid:
        clauses.append(guid_column == guid)
    if email:
        clauses.append(email_column == email.lower())
    return query.where(or_(*clauses))


def my_reports(*, guid: str | None = None, email: str | None = None, limit: int = 100) -> list[dict]:
    """The reports a person filed, newest first (at most `limit`)."""
    query = select(*_COLUMNS).join(Category, Category.id == Report.category_id)
    query = _person(query, Report.reporter_guid, Report.reporter_email, guid, email)
    rows = db.session.execute(query.order_by(Report.created_at.desc()).limit(limit))
    return [summary(row) for row in rows]


def my_follows(*, guid: str | None = None, email: str | None = None, limit: int = 100) -> list[dict]:
    """The reports a person follows, newest first (at most `limit`)."""
    query = (
        select(*_COLUMNS)
        .join(Category, Category.id == Report.category_id)
        .where(
            Report.id.in_(
                _person(select(Follower.report_id), Follower.account_guid, Follower.email, guid, email)
            )
        )
    )
    rows = db.session.execute(query.order_by(Report.created_at.desc()).limit(limit))
    return [summary(row) for row in rows]
