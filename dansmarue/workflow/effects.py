"""Parameters and side effects of the workflow actions (used by `workflow.perform`).

`validate` turns raw parameters into `Values` or raises a field-by-field 422;
`before` changes the report's own columns; `after` runs once the history
entry exists (outbox jobs, signals, followers moved to the original).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from geoalchemy2 import WKTElement
from sqlalchemy import select

from dansmarue import city, signals
from dansmarue.catalogue import categories
from dansmarue.errors import Unprocessable
from dansmarue.jobs import outbox, registry
from dansmarue.media.imaging import ImageRejected, validate_upload
from dansmarue.models import Category, Photo, Report, ReportEvent, db
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.reports import duplicates, photo_uploads, routing
from dansmarue.workflow.transitions import Transition


@dataclass
class Values:
    """Checked parameters of one action."""

    params: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # kept in the event's data
    format_args: dict = field(default_factory=dict)  # for the public message
    public_message: str | None = None
    comment: str | None = None


def _bad(name: str, message: str) -> Unprocessable:
    return Unprocessable(
        "Paramètres de l'action invalides.", errors=[{"field": name, "message": message, "location": "json"}]
    )


def _text(name: str, value: object) -> str:
    limit = TEXT_LIMITS[name]
    if not isinstance(value, str) or not value.strip():
        raise _bad(name, "Texte requis.")
    if len(value) > limit:
        raise _bad(name, f"{limit} caractères au plus.")
    return value.strip()


def _date(name: str, value: object) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise _bad(name, "Date attendue au format AAAA-MM-JJ.") from None
    if not isinstance(value, date):
        raise _bad(name, "Date attendue au format AAAA-MM-JJ.")
    if value < datetime.now(city.tz()).date():
        raise _bad(name, "La date ne peut pas être dans le passé.")
    return value


def validate(transition: Transition, report: Report, params: dict) -> Values:
    given = {k: v for k, v in params.items() if v is not None}
    unknown = sorted(set(given) - set(transition.params))
    if unknown:
        raise Unprocessable(
            "Paramètres de l'action invalides.",
            errors=[
                {"field": name, "message": "Paramètre inconnu pour cette action.", "location": "json"}
                for name in unknown
            ],
        )
    missing = [name for name in transition.required if name not in given]
    if missing:
        raise Unprocessable(
            "Paramètres de l'action invalides.",
            errors=[{"field": name, "message": "Paramètre requis.", "location": "json"} for name in missing],
        )
    if transition.one_of and not set(transition.one_of) & set(given):
        raise _bad(transition.one_of[0], "Indiquez au moins l'un de : " + ", ".join(transition.one_of) + ".")
    values = Values(params=given)
    if "comment" in given:
        values.comment = _text("comment", given["comment"])
    checker = CHECKS.get(transition.code)
    if checker:
        checker(report, given, values)
    elif "date" in given:
        _check_date(report, given, values)
    return values


def _check_date(report: Report, given: dict[str, Any], values: Values) -> None:
    day = _date("date", given["date"])
    values.params["date"] = day
    values.data["date"] = day.isoformat()
    values.format_args["date"] = day.strftime("%d/%m/%Y")


def _check_done(report: Report, given: dict[str, Any], values: Values) -> None:
    if "message_id" in given:
        message = db.session.get(ServiceDoneMessage, given["message_id"])
        if message is None or not message.active or not _applies(message, report):
            raise _bad("message_id", "Message inconnu pour cette catégorie.")
        values.public_message = message.message
        values.data["message_id"] = message.id
    if "message" in given:
        values.public_message = _text("message", given["message"])
    if "photo" in given:
        data = given["photo"]
        if not isinstance(data, bytes | bytearray):
            raise _bad("photo", "Photo attendue.")
        try:
            values.params["photo_info"] = validate_upload(bytes(data))
        except ImageRejected as rejected:
            raise Unprocessable(
                "Paramètres de l'action invalides.", errors=[rejected.field_error("photo", location="json")]
            ) from None
        if db.session.scalar(select(Photo.id).where(Photo.report_id == report.id, Photo.view == "done")):
            raise _bad("photo", "Ce signalement a déjà une photo « service fait ».")


def _applies(message: ServiceDoneMessage, report: Report) -> bool:
    return message.category_id is None or message.category_id in category_lineage(report.category_id)


def category_lineage(category_id: int) -> list[int]:
    """The category and its ancestors, nearest first."""
    tree = (
        select(Category.id, Category.parent_id)
        .where(Category.id == category_id)
        .cte("lineage", recursive=True)
    )
    tree = tree.union_all(select(Category.id, Category.parent_id).where(Category.id == tree.c.parent_id))
    return list(db.session.scalars(select(tree.c.id)))


def _check_reject(report: Report, given: dict[str, Any], values: Values) -> None:
    if "reason_id" in given:
        reason = db.session.get(RejectionReason, given["reason_id"])
        if reason is None or not reason.active:
            raise _bad("reason_id", "Motif de rejet inconnu.")
        values.data["reason_id"] = reason.id
        text = reason.label
    else:
        text = _text("reason", given["reason"])
    if "reason" in given and "reason_id" in given:
        text = f"{text} {_text('reason', given['reason'])}"
    values.data["reason"] = text
    values.format_args["reason"] = text


def _check_duplicate(report: Report, given: dict[str, Any], values: Values) -> None:
    ref = given["duplicate_of"]
    query = select(Report).where(
        Report.id == ref if isinstance(ref, int) else Report.reference == str(ref).strip()
    )
    original = db.session.scalar(query)
    # Follow an existing chain so followers end on the report still open.
    seen = set()
    while original is not None and original.duplicate_of_id and original.id not in seen:
        seen.add(original.id)
        original = db.session.get(Report, original.duplicate_of_id)
    if original is None:
        raise _bad("duplicate_of", "Signalement d'origine introuvable.")
    if original.id == report.id:
        raise _bad("duplicate_of", "Un signalement ne peut pas être son propre doublon.")
    values.params["original"] = original
    values.data["duplicate_of"] = original.reference
    values.format_args["reference"] = original.reference


def _check_requalify(report: Report, given: dict[str, Any], values: Values) -> None:
    has_lat, has_lon = "latitude" in given, "longitude" in given
    if has_lat != has_lon:
        raise _bad("longitude" if has_lat else "latitude", "Latitude et longitude vont ensemble.")
    category_id = given.get("category_id", report.category_id)
    if has_lat:
        try:
            lat, lon = float(given["latitude"]), float(given["longitude"])
        except (TypeError, ValueError):
            raise _bad("latitude", "Coordonnées numériques attendues.") from None
    else:
        lat, lon = report.latitude, report.longitude
    category = categories.reportable(category_id, as_agent=True)
    values.params.update(
        category=category, lat=lat, lon=lon, placement=routing.locate(lon, lat, category.unit_id)
    )
    if "address" in given:
        values.params["address"] = _text("address", given["address"])


def _check_transfer(report: Report, given: dict[str, Any], values: Values) -> None:
    name = _text("third_party", given["third_party"])
    values.data["third_party"] = name
    values.format_args["third_party"] = name


CHECKS = {
    "done": _check_done,
    "reject": _check_reject,
    "mark_duplicate": _check_duplicate,
    "requalify": _check_requalify,
    "transfer": _check_transfer,
}

# What routing decides, copied from the new placement on requalification.
PLACEMENT_FIELDS = (
    "district_id",
    "quartier_id",
    "conseil_id",
    "direction_id",
    "unit_id",
    "sector_id",
    "special_perimeter_id",
)
REQUALIFY_FIELDS = ("category_id", *PLACEMENT_FIELDS, "address")


def before(code: str, report: Report, values: Values, now: datetime) -> None:
    """Change the report's own columns before its history entry is written."""
    if "date" in values.params:
        report.scheduled_for = values.params["date"]
        report.scheduled_at = now
    if code in ("unschedule",):
        report.scheduled_for = None
    # closed_at and acknowledged_at are the SLA clock's (services.sla, on state_changed).
    if code in ("done", "mark_duplicate"):
        report.resolved_at = now
    if code == "archive":
        report.archived_at = now
    if code == "mark_duplicate":
        report.duplicate_of_id = values.params["original"].id
    if code == "requalify":
        _requalify(report, values)


def _requalify(report: Report, values: Values) -> None:
    p = values.params
    previous = {name: getattr(report, name) for name in REQUALIFY_FIELDS}
    previous.update(
        latitude=report.latitude,
        longitude=report.longitude,
        scheduled_for=report.scheduled_for and report.scheduled_for.isoformat(),
    )
    place = p["placement"]
    report.category_id = p["category"].id
    for name in PLACEMENT_FIELDS:
        setattr(report, name, getattr(place, name))
    if (p["lon"], p["lat"]) != (report.longitude, report.latitude):
        report.geom = WKTElement(f"POINT({p['lon']!r} {p['lat']!r})", srid=4326)
    if "address" in p:
        report.address = p["address"]
    report.scheduled_for = None  # the real requalification clears the programmed date
    values.data["previous"] = previous
    values.data["new"] = {
        "category_id": report.category_id,
        "unit_id": report.unit_id,
        "latitude": p["lat"],
        "longitude": p["lon"],
    }


def after(code: str, report: Report, event: ReportEvent, values: Values) -> None:
    """Effects that need the history entry: jobs, signals, followers."""
    if code in ("create", "retry_send", "requalify"):
        outbox.add_job(registry.DISPATCH_REPORT, report.id, report_id=report.id, cause=event.id)
    if code == "requalify":
        signals.report_requalified.send(report, event=event, previous=values.data["previous"])
    if code == "mark_duplicate":
        duplicates.move_followers(report, values.params["original"])
    if "photo_info" in values.params:
        photo_uploads.store_photos(report, [("done", values.params["photo"], values.params["photo_info"])])
