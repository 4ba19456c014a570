"""Our rows as Open311 values (plain dicts/lists, written as JSON or XML by render).

Never any personal data: no e-mail, guid, udid or name of the reporter.
"""

from datetime import datetime
from typing import Any

from flask import current_app

from dansmarue import city
from dansmarue.api.open311.render import iso
from dansmarue.interop import open311
from dansmarue.models import ORIGINS, PRIORITIES, Photo, Report, ReportEvent, db
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.workflow.states import STATES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]

PHOTO_ORDER = {"close": 0, "far": 1, "extra": 2, "done": 3}


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def discovery(changeset: datetime | None) -> dict[str, Any]:
    config = current_app.config
    return {
        "changeset": iso(changeset),
        "contact": config.get("OPEN311_CONTACT") or city.current().open311_attribution,
        "key_service": config.get(
            "OPEN311_KEY_SERVICE", "Demandez une api_key à l'équipe DansMaRue (flask open311 create-key)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url()}/open311/v2",
                "changeset": iso(changeset),
                "type": config.get("OPEN311_ENDPOINT_TYPE", "production"),
                "formats": FORMATS,
            }
        ],
    }


def service(leaf: dict, group: dict) -> dict:
    return {
        "service_code": str(leaf["id"]),
        "service_name": leaf["label"],
        "description": leaf["out_of_scope_message"]
        if leaf["out_of_scope"]
        else (leaf["alias"] or leaf["label"]),
        "metadata": True,  # every leaf has a definition (priority, precisions)
        "type": "realtime",  # POST answers with the service_request_id at once
        # Out-of-scope leaves are listed so clients can show where to turn
        # instead; a POST to them answers 400 with that message.
        "keywords": "out_of_scope" if leaf["out_of_scope"] else "",
        "group": group["label"],
    }


def definition(leaf: dict) -> dict:
    return {
        "service_code": str(leaf["id"]),
        "attributes": [
            {
                "variable": True,
                "code": "priority",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "1, 2 ou 3 (par défaut : " f"{leaf['default_priority']})",
                "order": 1,
                "description": "Gêne occasionnée",
                "values": [{"key": str(k), "name": v} for k, v in PRIORITIES.items()],
            },
            {
                "variable": True,
                "code": "address_precision",
                "datatype": "string",
                "required": False,
                "datatype_description": f"{TEXT_LIMITS['address_precision']} caractères au plus",
                "order": 2,
                "description": "Précisions sur la localisation (étage, face au n°…)",
                "values": [],
            },
        ],
    }


def photo_url(photo: Photo, variant: str = "display") -> str:
    return f"{base_url()}/media/photos/{photo.access_key}/{variant}"


def visible_photos(report: Report) -> list[Photo]:
    # Purged (licence plates) or unprocessed photos are never linked.
    photos = [p for p in report.photos if p.status == "ready"]
    return sorted(photos, key=lambda p: PHOTO_ORDER.get(p.view, 9))


def status(report: Report) -> str:
    return "closed" if STATES[report.state].closed else "open"


def updated_datetime(report: Report) -> datetime:
    if STATES[report.state].closed and report.closed_at:
        return report.closed_at
    return report.updated_at


def request(report: Report, labels: dict[int, str], extensions: bool = False) -> dict[str, Any]:
    history = open311.public_history(report)
    notes = [e.public_message for e in history if e.public_message]
    photos = visible_photos(report)
    item = {
        "service_request_id": report.reference,
        "status": status(report),
        "status_notes": notes[-1] if notes else None,
        "service_name": labels.get(report.category_id),
        "service_code": str(report.category_id),
        "description": report.description,
        "agency_responsible": report.unit.label if report.unit else None,
        "service_notice": None,
        "requested_datetime": iso(report.created_at),
        "updated_datetime": iso(updated_datetime(report)),
        "expected_datetime": iso(report.due_at),
        "address": report.address,
        "address_id": None,
        "zipcode": report.district.postal_code if report.district else None,
        "lat": round(report.latitude, 6),
        "long": round(report.longitude, 6),
        "media_url": photo_url(photos[0]) if photos else _client_media_url(report),
    }
    if extensions:
        item["extended_attributes"] = extended(report, photos)
        item["notes"] = [note(e) for e in history]
    return item


def _client_media_url(report: Report) -> str | None:
    """The media_url an Open311 client sent (kept as a link, not copied)."""
    for event in report.events:
        if event.action == "open311_media_url" and event.data:
            return event.data.get("media_url")
    return None


def extended(report: Report, photos: list[Photo]) -> dict[str, Any]:
    state = STATES[report.state]
    original = db.session.get(Report, report.duplicate_of_id) if report.duplicate_of_id else None
    return {
        "status": "DUPLICATE" if report.duplicate_of_id and state.closed else state.open311_status,
        "state": report.state,
        "state_id": state.real_id,
        "state_label": state.public_label,
        "channel": ORIGINS.get(report.origin),
        "priority": report.priority,
        "district": report.district_id,
        "followers": report.followers_count,
        "congratulations": report.congratulations_count,
        "duplicate_of": original.reference if original else None,
        "photos": [
            {"view": p.view, "url": photo_url(p), "thumbnail_url": photo_url(p, "thumb")} for p in photos
        ],
    }


def note(event: ReportEvent) -> dict[str, Any]:
    label = STATES[event.to_state].public_label if event.to_state else None
    return {
        "datetime": iso(event.created_at),
        "description": event.public_message or (f"Nouvel état : {label}" if label else None),
        "type": event.action,
    }


def update(event: ReportEvent) -> dict[str, Any]:
    """One `request_update` of FixMyStreet's servicerequestupdates."""
    report = event.report
    to_state = event.to_state or report.state
    label = STATES[to_state].public_label
    return {
        "update_id": str(event.id),
        "service_request_id": report.reference,
        "status": STATES[to_state].open311_status,
        "external_status_code": to_state,
        "updated_datetime": iso(event.created_at),
        "description": event.public_message or f"Nouvel état : {label}",
        "media_url": None,
    }
