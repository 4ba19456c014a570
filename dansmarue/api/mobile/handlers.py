"""One function per mobile request name: translate, call the shared services.

Each takes the request object and a Context (token's user, client address) and
returns the `answer` payload, or raises MobileError / a domain error.
"""

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from dansmarue.api.mobile import lookups
from dansmarue.api.mobile import serializers as ser
from dansmarue.api.mobile.protocol import (
    ALREADY_FOLLOWED,
    BAD_CATEGORY,
    BAD_INCIDENT_ID,
    BAD_INCIDENT_ID_BIS,
    BAD_ORIGIN,
    BAD_POSITION,
    BAD_SOURCE,
    BAD_USER,
    EMPTY_CATEGORY,
    EMPTY_INCIDENT_ID,
    EMPTY_POSITION,
    MobileError,
)
from dansmarue.catalogue import agent_texts
from dansmarue.catalogue import categories as catalogue
from dansmarue.errors import Conflict
from dansmarue.models import PRIORITIES, Category, Report, ServiceDoneMessage, User, db, key_from_text
from dansmarue.platform.text import storable_text
from dansmarue.reports import engagement, idempotency, resolution
from dansmarue.reports import intake as reports
from dansmarue.reports import search as report_search
from dansmarue.workflow.states import STATES

SAVE_INCIDENT_WINDOW_S = 600  # a retried saveIncident is replayed within this slot
RADIUS_M = 100  # signalement-rest.radius.parameter
MOBILE_ORIGINS = ("A", "G")  # iOS, Android
MAX_BY_USER = 100


@dataclass(frozen=True)
class Context:
    user: User | None = None  # behind a valid bearer token, if one was sent
    client_address: str | None = None
    settings: dict = field(default_factory=dict)  # the app's config (MOBILE_* entries)

    @property
    def staff(self) -> bool:
        return bool(self.user and self.user.active and self.user.role != "resident")


def _text(obj: dict, key: str) -> str | None:
    """A field as text, as the apps mean it (numbers too), without what no text
    column can hold (NUL, lone surrogates: they would fail the query)."""
    value = obj.get(key)
    if value is None:
        return None
    value = storable_text(str(value))
    return value or None


def _report(req: dict, key: str = "incidentId", not_found: int = BAD_INCIDENT_ID) -> Report:
    raw = _text(req, key)
    if raw is None:
        raise MobileError(EMPTY_INCIDENT_ID, f"{key} manquant.")
    report_id = key_from_text(raw, Report.id)
    report = db.session.get(Report, report_id) if report_id is not None else None
    if report is None:
        raise MobileError(not_found, f"Aucun signalement {raw}.")
    return report


def _position(req: dict) -> tuple[float, float]:
    position = req.get("position")
    if (
        not isinstance(position, dict)
        or _text(position, "latitude") is None
        or _text(position, "longitude") is None
    ):
        raise MobileError(EMPTY_POSITION, "position.latitude et position.longitude sont requis.")
    try:
        lat, lon = float(position["latitude"]), float(position["longitude"])
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond any float
        raise MobileError(BAD_POSITION, "Position illisible.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise MobileError(BAD_POSITION, "Position hors limites.")
    return lat, lon


def get_categories(req: dict, ctx: Context) -> dict:
    """Active types. Both apps send curVersionMobileProd (their own version): they
    get the agent types too, flagged isAgent, and show them to agents only."""
    include_agent = "curVersionMobileProd" in req
    known = req.get("curVersion")  # the catalogue version the app has cached
    data = catalogue.tree(include_agent=include_agent)
    unchanged = lookups.same_version(known, data["version"])
    return {
        "version": data["version"],
        "categories": None if unchanged else ser.categories(data["categories"], include_agent),
    }


def save_incident(req: dict, ctx: Context) -> dict:
    """Create the report (photos follow, then processWorkflow)."""
    udid = _text(req, "udid")
    if udid is None:
        raise MobileError(BAD_USER, "udid manquant.")
    incident = req.get("incident")
    if not isinstance(incident, dict):
        raise MobileError(EMPTY_CATEGORY, "incident manquant.")
    lat, lon = _position(req)
    category = _text(incident, "categoryId")
    if category is None:
        raise MobileError(EMPTY_CATEGORY, "incident.categoryId manquant.")
    category_id = key_from_text(category, Category.id)
    if category_id is None:
        raise MobileError(BAD_CATEGORY, f"Catégorie inconnue : {category}.")
    origin = _text(incident, "origin")
    if origin not in MOBILE_ORIGINS:
        raise MobileError(BAD_ORIGIN, f"Origine inconnue : {origin} (A ou G).")
    priority = _text(incident, "priorityId")
    fields: reports.IntakeFields = {
        "category_id": category_id,
        "latitude": lat,
        "longitude": lon,
        "priority": int(priority) if priority in {str(k) for k in PRIORITIES} else None,
        "description": _text(incident, "descriptive"),
        "address": _text(incident, "address"),
        "address_precision": _text(incident, "precisionsTerrain"),
        "reporter_email": _text(req, "email"),
        "reporter_guid": _text(req, "guid"),
        "reporter_udid": udid,
        "origin": origin,
        "as_agent": ctx.staff,
    }

    def produce() -> tuple[int, dict, int]:
        report = reports.create_report(
            **fields, actor_label="Agent (application)" if ctx.staff else "Usager (application)"
        )
        return 200, {"incidentId": report.id}, report.id

    key, request_hash = _retry_key(fields)
    _, body, _ = idempotency.run_once(key, request_hash, produce)
    return body


def _retry_key(fields: reports.IntakeFields) -> tuple[str, str]:
    """The apps send no request id: a retry is the same device sending the same
    incident (position to ~1 cm) within the same 10-minute slot."""
    normalised = {
        **fields,
        "latitude": round(fields["latitude"], 7),
        "longitude": round(fields["longitude"], 7),
    }
    request_hash = idempotency.fingerprint(normalised)
    slot = int(time.time()) // SAVE_INCIDENT_WINDOW_S
    return f"mobile:{idempotency.fingerprint(request_hash, slot)}", request_hash


def process_workflow(req: dict, ctx: Context) -> dict:
    """Our intake already queued the dispatch: only the reporter's follow is left."""
    report = _report(req, "id")
    if report.reporter_guid:
        with contextlib.suppress(Conflict):  # already closed: nothing to follow, as the real one
            engagement.follow(
                report.reference,
                guid=report.reporter_guid,
                email=report.reporter_email,
                udid=report.reporter_udid,
            )
    return {}


def incidents_by_position(req: dict, ctx: Context) -> dict:
    number = _text(req, "searchByNumber")
    if number is not None:  # the number alone is enough: no position needed
        return {"closest_incidents": lookups.search_by_number(number, _text(req, "guid"))}
    lat, lon = _position(req)
    found = report_search.search(near=(lat, lon), radius=RADIUS_M, limit=1000)["items"]
    refs = [item["reference"] for item in found]
    rows = {r.reference: r for r in db.session.scalars(select(Report).where(Report.reference.in_(refs)))}
    ordered = [rows[ref] for ref in refs if ref in rows]  # by distance, as search sorted
    # An array, as the real server's JSON library sends it and both apps parse it.
    return {"closest_incidents": ser.incidents(ordered, _text(req, "guid"))}


def incident_by_id(req: dict, ctx: Context) -> dict:
    source = _text(req, "source") or ser.SOURCE
    if source != ser.SOURCE:
        raise MobileError(BAD_SOURCE, f"Source {source} du signalement inconnue.")
    report = _report(req, "id", not_found=BAD_INCIDENT_ID_BIS)
    guid = _text(req, "guid")
    item = ser.incidents([report], guid)[0]
    messages = agent_texts.list_items("message", active_only=True, category_id=report.category_id)
    # Compared here, never published: the apps show "résolu" from this flag alone.
    return {
        "incident": item,
        "resolved_authorization": ctx.staff
        or resolution.is_reporter_of(report, guid=guid, email=_text(req, "email"), actor=ctx.user),
        "messages_sf_generic": _done_messages(m for m in messages if m.category_id is None),
        "messages_sf_typologie": _done_messages(m for m in messages if m.category_id is not None),
    }


def _done_messages(messages: Iterable[ServiceDoneMessage]) -> list[dict]:
    """The service-done catalogue, as the apps show it to a resolving user: iOS
    force-unwraps numero_message and message, Android reads an int numero_message."""
    return [
        {
            "numero_message": m.id,
            "message": m.message,
            "id": m.id,
            "libelle": m.title,
            "isGeneric": m.category_id is None,
        }
        for m in messages
    ]


def follow(req: dict, ctx: Context) -> dict:
    report = _report(req)
    newly, _ = engagement.follow(
        report.reference, guid=_text(req, "guid"), email=_text(req, "email"), udid=_text(req, "udid")
    )
    if not newly:
        raise MobileError(ALREADY_FOLLOWED, "Vous suivez déjà ce signalement.")
    return {}


def unfollow(req: dict, ctx: Context) -> dict:
    report = _report(req)
    engagement.unfollow(report.reference, guid=_text(req, "guid"), email=_text(req, "email"))
    return {}


def congratulate(req: dict, ctx: Context) -> dict:
    report = _report(req)
    guid, email, udid = _text(req, "guid"), _text(req, "email"), _text(req, "udid")
    if not (guid or email or udid):
        # The real apps send only the id: count once per network address.
        udid = f"ip:{ctx.client_address or 'inconnue'}"
    engagement.congratulate(report.reference, guid=guid, email=email, udid=udid)
    return {}


def incident_resolved(req: dict, ctx: Context) -> dict:
    """Service done declared by the reporter (guid or e-mail) or by staff."""
    report = _report(req)
    chosen = _text(req, "numeroMessage")  # Android: an int, 0 for none; iOS: a string
    resolution.declare_resolved(
        report.id,
        guid=_text(req, "guid"),
        email=_text(req, "email"),
        actor=ctx.user,
        comment=_text(req, "comment"),
        message_id=key_from_text(chosen, ServiceDoneMessage.id) or None,
    )
    return {}


def incidents_by_user(req: dict, ctx: Context) -> dict:
    guid = _text(req, "guid")
    if guid is None:
        raise MobileError(BAD_USER, "guid manquant.")
    refs = [i["reference"] for i in report_search.my_follows(guid=guid, limit=MAX_BY_USER)]
    rows = db.session.scalars(
        select(Report).where(Report.reference.in_(refs)).order_by(Report.created_at.desc())
    ).all()
    resolved = _text(req, "filterIncidentStatus") == "R"
    chosen = [r for r in rows if (STATES[r.state].mobile_letter == "R") == resolved]
    return {"incidents": ser.incidents(chosen, guid)}


def get_reports(req: dict, ctx: Context) -> dict:
    return {"incidents": lookups.reports_of_device(_text(req, "udid"), _text(req, "guid"))}


def check_version(req: dict, ctx: Context) -> dict:
    return lookups.check_version(req.get("curVersion"), ctx.settings)


def incident_photos(req: dict, ctx: Context) -> dict:
    return lookups.photos_of(_report(req))


HANDLERS = {
    "getCategories": get_categories,
    "saveIncident": save_incident,
    "processWorkflow": process_workflow,
    "getIncidentsByPosition": incidents_by_position,
    "getIncidentById": incident_by_id,
    "follow": follow,
    "unfollow": unfollow,
    "congratulateAnomalie": congratulate,
    "incidentResolved": incident_resolved,
    "getIncidentsByUser": incidents_by_user,
    "getReports": get_reports,
    "checkVersion": check_version,
    "getIncidentPhotos": incident_photos,
}
