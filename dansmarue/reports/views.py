"""What residents see of one report: the public view and the tracking view.

The public view never carries the reporter's e-mail, account or device id;
its history is the events marked public, with their public message only.
"""

from sqlalchemy import select

from dansmarue.extensions import db
from dansmarue.models import Category, District, Photo, Report, ReportEvent
from dansmarue.models.reports import PRIORITIES
from dansmarue.reports.photo_files import VARIANTS, photo_url
from dansmarue.workflow.states import STATES, public_label


def _history(report: Report) -> list[dict]:
    events = db.session.scalars(
        select(ReportEvent)
        .where(ReportEvent.report_id == report.id, ReportEvent.is_public)
        .order_by(ReportEvent.created_at, ReportEvent.id)
    )
    return [
        {
            "date": e.created_at.isoformat(),
            "action": e.action,
            "state": public_label(e.to_state) if e.to_state in STATES else None,
            "message": e.public_message,
        }
        for e in events
    ]


def _photos(report: Report) -> list[dict]:
    photos = db.session.scalars(
        select(Photo).where(Photo.report_id == report.id, Photo.status != "purged").order_by(Photo.id)
    )
    return [
        {
            "view": p.view,
            "key": p.access_key,
            "status": p.status,
            "width": p.width,
            "height": p.height,
            # Only processed derivatives are served: a pending photo has no URL yet.
            "urls": (
                {variant: photo_url(p, variant) for variant in VARIANTS} if p.status == "ready" else None
            ),
        }
        for p in photos
    ]


def public_view(report: Report) -> dict:
    category = db.session.get_one(Category, report.category_id)
    district = db.session.get_one(District, report.district_id)
    parent = category.parent
    return {
        "reference": report.reference,
        "category": {
            "id": category.id,
            "label": category.label,
            "parent": parent and {"id": parent.id, "label": parent.label},
        },
        "state": public_label(report.state),
        "closed": STATES[report.state].closed,
        "priority": {"id": report.priority, "label": PRIORITIES.get(report.priority)},
        "description": report.description,
        "address": report.address,
        "address_precision": report.address_precision,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "district": {"id": district.id, "name": district.name, "group": district.group_name},
        "created_at": report.created_at.isoformat(),
        "scheduled_for": report.scheduled_for and report.scheduled_for.isoformat(),
        "resolved_at": report.resolved_at and report.resolved_at.isoformat(),
        "followers": report.followers_count,
        "congratulations": report.congratulations_count,
        "anonymous": report.is_anonymous,
        "photos": _photos(report),
        "history": _history(report),
    }


def tracking_view(report: Report) -> dict:
    """For the holder of the secret token: the public view plus their own data."""
    view = public_view(report)
    view["token"] = report.token
    view["reporter"] = {"email": report.reporter_email, "guid": report.reporter_guid}
    view["closed_at"] = report.closed_at and report.closed_at.isoformat()
    return view


def geojson(items: list[dict], next_cursor: str | None = None) -> dict:
    """A FeatureCollection of list summaries (RFC 7946: lon, lat order)."""
    features = [
        {
            "type": "Feature",
            "id": item["reference"],
            "geometry": {"type": "Point", "coordinates": [item["longitude"], item["latitude"]]},
            "properties": {k: v for k, v in item.items() if k not in ("latitude", "longitude")},
        }
        for item in items
    ]
    return {"type": "FeatureCollection", "features": features, "next_cursor": next_cursor}
