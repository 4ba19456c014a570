"""Read side of the Open311 GeoReport v2 server, and its api keys.

Reports are created through `services.reports.create_report` like any other
intake; this module only selects (catalogue, requests, updates) and checks keys.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Case, ColumnElement, case, func, or_, select
from sqlalchemy.orm import selectinload

from dansmarue import city
from dansmarue.access.auth import digest
from dansmarue.catalogue import categories as catalogue
from dansmarue.errors import DomainError, Forbidden, NotFound
from dansmarue.models import (
    ApiClient,
    CatalogueVersion,
    Category,
    Report,
    ReportEvent,
    db,
    key_from_text,
    utcnow,
)
from dansmarue.workflow.states import CLOSED_STATES, OPEN_STATES

MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
UPDATES_DEFAULT_SPAN = timedelta(hours=2)  # what FixMyStreet polls by default
BAD_KEY = "api_key manquante ou invalide."


class BadRequest(DomainError):
    """Open311's "400 for everything else"."""


# ---- api keys -------------------------------------------------------------


def create_client(name: str) -> tuple[ApiClient, str]:
    """A new client and its key; only the key's hash is stored."""
    key = secrets.token_urlsafe(24)
    client = ApiClient(name=name, key_hash=digest(key), active=True)
    db.session.add(client)
    db.session.flush()
    return client, key


def check_api_key(key: str | None) -> ApiClient:
    client = (
        db.session.scalar(select(ApiClient).where(ApiClient.key_hash == digest(key or ""), ApiClient.active))
        if key
        else None
    )
    if client is None:
        raise Forbidden(BAD_KEY)
    client.last_used_at = utcnow()
    return client


def check_jurisdiction(jurisdiction_id: str | None) -> None:
    ours = city.current().jurisdiction_id
    if jurisdiction_id and jurisdiction_id != ours:
        raise NotFound(f"jurisdiction_id inconnu : {jurisdiction_id} (seul {ours} existe).")


# ---- catalogue (the residents' catalogue, flattened) ------------------------


def services() -> list[tuple[dict, dict]]:
    """(leaf, top-level type) for every active leaf residents may choose."""
    out: list[tuple[dict, dict]] = []

    def walk(node: dict, group: dict) -> None:
        children = node.get("children")
        if children:
            for child in children:
                walk(child, group)
        elif node["reportable"] or node["out_of_scope"]:
            out.append((node, group))

    for root in catalogue.tree(include_agent=False)["categories"]:
        walk(root, root)
    return out


def service(code: str) -> tuple[dict, dict]:
    for leaf, group in services():
        if str(leaf["id"]) == str(code).strip():
            return leaf, group
    raise NotFound(f"service_code inconnu : {code}.")


def category_labels() -> dict[int, str]:
    return dict(db.session.execute(select(Category.id, Category.label)).tuples().all())


def catalogue_changed_at() -> datetime | None:
    return db.session.scalar(select(CatalogueVersion.updated_at))


# ---- requests -------------------------------------------------------------


@dataclass
class RequestFilters:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    page: int = 1
    page_size: int = MAX_ROWS


def updated_expr() -> Case[datetime]:
    """updated_datetime: the close time once closed (spec), else the last change."""
    return case(
        (Report.state.in_(CLOSED_STATES), func.coalesce(Report.closed_at, Report.updated_at)),
        else_=Report.updated_at,
    )


def _id_clause(ids: list[str]) -> ColumnElement[bool]:
    numbers = [n for n in (key_from_text(i, Report.id) for i in ids) if n is not None]
    references = [i.upper() for i in ids if not i.isdigit()]
    return or_(Report.id.in_(numbers), Report.reference.in_(references))


def find_requests(f: RequestFilters, now: datetime | None = None) -> list[Report]:
    """Reports matching the spec's filters; `service_request_id` overrides the rest."""
    query = select(Report).options(
        selectinload(Report.photos),
        selectinload(Report.unit),
        selectinload(Report.events),
        selectinload(Report.district),
    )
    if f.ids:
        query = query.where(_id_clause(f.ids)).order_by(Report.id)
        return list(db.session.scalars(query.limit(MAX_ROWS)))
    now = now or utcnow()
    start, end = window(f.start, f.end, now, incremental=bool(f.updated_after or f.updated_before))
    if start is not None:
        query = query.where(Report.created_at >= start, Report.created_at <= end)
    if f.service_codes:
        codes = [n for n in (key_from_text(c, Category.id) for c in f.service_codes) if n is not None]
        query = query.where(Report.category_id.in_(codes))
    if f.statuses:
        states = (OPEN_STATES if "open" in f.statuses else ()) + (
            CLOSED_STATES if "closed" in f.statuses else ()
        )
        query = query.where(Report.state.in_(states))
    updated = updated_expr()
    if f.updated_after:
        query = query.where(updated > f.updated_after)
    if f.updated_before:
        query = query.where(updated <= f.updated_before)
    if f.updated_after or f.updated_before:
        query = query.order_by(updated, Report.id)  # oldest change first: incremental sync
    else:
        query = query.order_by(Report.created_at.desc(), Report.id.desc())
    size = max(1, min(f.page_size, MAX_ROWS))
    query = query.limit(size).offset((max(f.page, 1) - 1) * size)
    return list(db.session.scalars(query))


def window(
    start: datetime | None, end: datetime | None, now: datetime, incremental: bool = False
) -> tuple[datetime | None, datetime | None]:
    """The requested_datetime window: 90 days by default, never more.

    With only v2.1's updated_after/updated_before, no creation window applies
    (an incremental pull must see old reports that changed recently).
    """
    if start is None and end is None:
        if incremental:
            return None, None
        return now - MAX_SPAN, now
    if start is None:
        assert end is not None  # both None answered above
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise BadRequest("end_date doit être postérieure à start_date.")
    if end - start > MAX_SPAN:
        raise BadRequest("L'intervalle start_date – end_date ne peut dépasser 90 jours.")
    return start, end


def get_request(request_id: str) -> Report:
    report = db.session.scalar(select(Report).where(_id_clause([request_id.strip()])))
    if report is None:
        raise NotFound(f"Demande introuvable : {request_id}.")
    return report


def by_token(token: str) -> Report:
    report = db.session.scalar(select(Report).where(Report.token == token.strip().lower()))
    if report is None:
        raise NotFound("Jeton inconnu.")
    return report


# ---- updates (FixMyStreet servicerequestupdates) --------------------------


def find_updates(
    start: datetime | None, end: datetime | None, now: datetime | None = None
) -> list[ReportEvent]:
    """State changes and public messages in the window (default: the last 2 hours)."""
    now = now or utcnow()
    end = end or now
    start, end = window(start or end - UPDATES_DEFAULT_SPAN, end, now)
    query = (
        select(ReportEvent)
        .options(selectinload(ReportEvent.report))
        .where(
            ReportEvent.created_at >= start,
            ReportEvent.created_at <= end,
            or_(ReportEvent.to_state.is_not(None), ReportEvent.is_public),
        )
        .order_by(ReportEvent.created_at, ReportEvent.id)
        .limit(MAX_ROWS)
    )
    return list(db.session.scalars(query))


def public_history(report: Report) -> list[ReportEvent]:
    """Entries an outsider may see: state changes and public messages."""
    return [e for e in report.events if e.to_state is not None or e.is_public]
