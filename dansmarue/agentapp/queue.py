"""The agent's queue page: filters from the URL, list, map, two sorts.

Filters are those of the API (`QueueQuerySchema`) and the query is
`agent_queue.queue_query`: the scope rules and the queue order live there.
Sorting by distance is the queue's own (`agent_queue.distance_to`, as in the
API); the page pages it by offset.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import url_for
from marshmallow import ValidationError
from sqlalchemy import Row, select
from werkzeug.datastructures import MultiDict

from dansmarue import city
from dansmarue.access import scopes
from dansmarue.api.agent.schemas import QueueQuerySchema
from dansmarue.api.edge import bound, refuse_unknown
from dansmarue.models import Category, District, Photo, Report, User, db, utcnow
from dansmarue.models.organisation import unit_sector
from dansmarue.workflow import agent_queue
from dansmarue.workflow.states import OPEN_STATES, STATES

PAGE_SIZE = 25
# Sorted by distance, the pages stop at the 500 nearest reports: each page is a
# nearest-first index scan that skips the pages before it (offset), cheap for
# the first pages, not for the hundredth (bench/bench_agent_pages.py).
DISTANCE_PAGES = 20
_SCHEMA = bound(QueueQuerySchema())  # the API's bounds on ids and dates
LIST_ARGS = ("state", "category_id")
# What the filter form and the page's links send (anything else is refused, #19.5).
KNOWN_ARGS = (*LIST_ARGS, "district", "overdue", "q", "cursor", "due_before", "sort", "lat", "lon", "page")


@dataclass
class Filters:
    api: dict = field(default_factory=dict)  # for agent_queue.queue_query
    sort: str = "due"
    lat: float | None = None
    lon: float | None = None
    page: int = 1
    errors: dict = field(default_factory=dict)
    due_before: str = ""

    def url_args(self, **changes: object) -> dict:
        """The filter state as query arguments (what the links keep)."""
        args = {k: v for k, v in self.api.items() if k not in ("due_before", "limit", "cursor")}
        if self.due_before:
            args["due_before"] = self.due_before
        if self.sort != "due":
            args.update(sort=self.sort, lat=self.lat, lon=self.lon)
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "", [])}


def parse(args: MultiDict[str, str]) -> Filters:
    """The URL's filters; a bad value is reported beside its field and ignored,
    an unknown parameter refused (400 page naming it)."""
    refuse_unknown(args, KNOWN_ARGS)
    raw = {
        k: args.getlist(k) if k in LIST_ARGS else args.get(k)
        for k in ("state", "category_id", "district", "overdue", "q", "cursor")
        if args.get(k)
    }
    filters = Filters()
    if args.get("due_before"):
        try:
            day = datetime.strptime(args["due_before"], "%Y-%m-%d").date()
            filters.api["due_before"] = datetime.combine(day, time(), city.tz())
            filters.due_before = args["due_before"]
        except ValueError:
            filters.errors["due_before"] = "Date attendue au format AAAA-MM-JJ."
    try:
        filters.api.update(_SCHEMA.load(raw))
    except ValidationError as error:
        filters.errors.update({k: " ".join(map(str, v)) for k, v in error.messages_dict.items()})
        good = {k: v for k, v in raw.items() if k not in error.messages_dict}
        filters.api.update(_SCHEMA.load(good))
    filters.api.pop("limit", None)
    filters.api.pop("sort", None)  # the page's sort is its own (lat, lon below)
    here = position(args)
    if here is not None:
        filters.lat, filters.lon = here
        if args.get("sort") == "distance":
            filters.sort = "distance"
    filters.page = max(1, min(400, args.get("page", 1, type=int) or 1))
    return filters


def position(args: MultiDict[str, str]) -> tuple[float, float] | None:
    """(lat, lon) from the URL's `lat` and `lon` when both are finite and on the
    map (the Mercator map cannot draw a pole), else None."""
    try:
        lat, lon = float(args["lat"]), float(args["lon"])
    except (KeyError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(lon) and -85 <= lat <= 85 and -180 <= lon <= 180:
        return lat, lon
    return None


def build(user: User, filters: Filters) -> dict:
    """The page's rows (with thumbnails and distances) and its links."""
    if filters.sort == "distance":
        assert filters.lat is not None and filters.lon is not None
        # The API's distance (`agent_queue.distance_to`: `<->` on geography,
        # served nearest first by a GiST index, migration 0015k): no sort of the
        # scope, so the pages order by it alone and page by offset.
        distance = agent_queue.distance_to(filters.lat, filters.lon)
        query = agent_queue.queue_query(user, limit=PAGE_SIZE, **filters.api)
        if set(filters.api.get("state") or OPEN_STATES) <= set(OPEN_STATES):
            # Open states only: closed_at is NULL for exactly these (the SLA clock
            # keeps it so), which lets the smaller ix_report_open_geog serve them.
            query = query.where(Report.closed_at.is_(None))
        query = (
            query.order_by(None)
            .order_by(distance)
            .add_columns(distance.label("distance"))
            .offset((min(filters.page, DISTANCE_PAGES) - 1) * PAGE_SIZE)
        )
        rows = db.session.execute(query).unique().all()
        reports, distances = [r[0] for r in rows], [r[1] for r in rows]
    else:
        api = dict(filters.api)
        reports = list(db.session.scalars(agent_queue.queue_query(user, limit=PAGE_SIZE, **api)).unique())
        distances = [None] * len(reports)
    more = len(reports) > PAGE_SIZE and (filters.sort != "distance" or filters.page < DISTANCE_PAGES)
    reports, distances = reports[:PAGE_SIZE], distances[:PAGE_SIZE]
    thumbs = thumbnails([r.id for r in reports])
    now = utcnow()
    items = []
    for report, metres in zip(reports, distances, strict=False):
        item = agent_queue.summary(report, user)
        item.update(thumb=thumbs.get(report.id), distance_m=metres, age_days=(now - report.created_at).days)
        items.append(item)
    next_args = None
    if more:
        next_args = (
            filters.url_args(page=filters.page + 1)
            if filters.sort == "distance"
            else filters.url_args(cursor=agent_queue._encode(reports[-1]))
        )
    return {
        "items": items,
        "next": next_args and url_for("agentapp.queue", **next_args),
        "first": (filters.page > 1 or "cursor" in filters.api)
        and url_for("agentapp.queue", **filters.url_args()),
    }


def thumbnails(report_ids: list[int]) -> dict[int, str]:
    if not report_ids:
        return {}
    rows = db.session.execute(
        select(Photo.report_id, Photo.access_key)
        .distinct(Photo.report_id)
        .where(Photo.report_id.in_(report_ids), Photo.status != "purged")
        .order_by(Photo.report_id, Photo.id)
    )
    return {rid: url_for("media.get_photo", access_key=key, variant="thumb") for rid, key in rows}


def choices(user: User) -> dict:
    """What the filter form offers: states, categories, districts."""
    return {
        "states": [(c, STATES[c].label) for c in OPEN_STATES],
        "categories": categories(),
        "districts": db.session.execute(select(District.id, District.name).order_by(District.id)).all(),
    }


def categories() -> Sequence[Row[tuple[int, str]]]:
    """Active leaf categories (filters, requalification)."""
    return db.session.execute(
        select(Category.id, Category.label)
        .where(Category.active.is_(True), Category.is_leaf.is_(True))
        .order_by(Category.label)
    ).all()


def sector_ids(user: User) -> list[int]:
    """The sectors of the agent's units (drawn on the map); all for the others."""
    if user.role != "agent":
        return []
    return list(
        db.session.scalars(
            select(unit_sector.c.sector_id)
            .where(unit_sector.c.unit_id.in_(scopes.scoped_unit_ids(user.id)))
            .distinct()
        )
    )
