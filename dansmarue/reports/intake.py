"""Report intake, shared by every channel (REST API, Open311, mobile RPC).

`create_report` takes plain values, validates photos before anything is
stored, checks the category and routes the point in PostGIS, sends
`signals.report_created` (just before the row is written, so subscribers'
values go into it), then writes the report, its first history entry, its
outbox jobs and its photos in the caller's transaction (two statements, see
`intake_sql`). The caller commits once.
"""

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, TypedDict

from geoalchemy2 import WKTElement
from sqlalchemy import inspect, select

from dansmarue import city, signals
from dansmarue.catalogue import categories
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.extensions import db
from dansmarue.media.imaging import ImageInfo, ImageRejected, validate_upload
from dansmarue.models import INTAKE_VIEWS, RESIDENT_LABEL, Report, utcnow
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.platform.text import is_mail_address, storable_text
from dansmarue.reports import idempotency, intake_sql, photo_matches, photo_uploads, references
from dansmarue.reports.search import duplicate_summary
from dansmarue.workflow.states import public_label

RESIDENT_ORIGINS = ("A", "G", "S")
CREATED_MESSAGE = "Votre signalement a bien été reçu."
INTAKE_FACTS = "intake_facts"
PHOTO_HASHES = "photo_hashes"
POSITION = "position"


def _checked_photos(photos: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes, ImageInfo]]:
    """Validate every photo (type sniffed from the bytes) or raise a 422."""
    checked, errors, seen = [], [], set()
    for view, data in photos:
        key = f"photo:{view}"
        if view not in INTAKE_VIEWS:
            errors.append(field(key, "Vue de photo inconnue."))
            continue
        if view in seen:
            errors.append(field(key, "Une seule photo par vue."))
            continue
        seen.add(view)
        try:
            checked.append((view, data, validate_upload(data)))
        except ImageRejected as rejected:
            errors.append(rejected.field_error(key))
    if errors:
        raise Unprocessable("Une ou plusieurs photos sont refusées.", errors=errors)
    return checked


BAD_ADDRESS = (
    "Adresse e-mail invalide : une seule adresse, sans espace ni retour "
    "à la ligne (exemple : nom@domaine.fr)."
)


def _clean_texts(**values: str | None) -> dict[str, str | None]:
    """Storable text (no NUL), lengths checked (422), empty -> None."""
    cleaned, errors = {}, []
    for name, value in values.items():
        limit = TEXT_LIMITS[name]
        value = storable_text(str(value)) if value is not None else ""
        if name == "email":
            value = value.lower()
        if len(value) > limit:
            errors.append(field(name, f"{limit} caractères au maximum."))
        elif name == "email" and value and not is_mail_address(value):
            errors.append(field(name, BAD_ADDRESS))
        cleaned[name] = value or None
    if errors:
        raise Unprocessable("Certains champs sont invalides.", errors=errors)
    return cleaned


class IntakeFields(TypedDict):
    """`create_report`'s values as one record, for a channel that builds them first."""

    category_id: int
    latitude: float
    longitude: float
    priority: NotRequired[int | None]
    description: NotRequired[str | None]
    address: NotRequired[str | None]
    address_precision: NotRequired[str | None]
    reporter_email: NotRequired[str | None]
    reporter_guid: NotRequired[str | None]
    reporter_udid: NotRequired[str | None]
    origin: NotRequired[str]
    client_uuid: NotRequired[str | None]
    as_agent: NotRequired[bool]


def create_report(
    *,
    category_id: int,
    latitude: float,
    longitude: float,
    priority: int | None = None,
    description: str | None = None,
    address: str | None = None,
    address_precision: str | None = None,
    reporter_email: str | None = None,
    reporter_guid: str | None = None,
    reporter_udid: str | None = None,
    origin: str = "S",
    client_uuid: str | None = None,
    photos: Sequence[tuple[str, bytes]] = (),
    as_agent: bool = False,
    actor_label: str = RESIDENT_LABEL,
    actor_user_id: int | None = None,
) -> Report:
    """Create a report in state "initial" (see the module docstring).

    `photos` is a sequence of (view, bytes). Raises Unprocessable (bad photo,
    category), OutOfScopeCategory, OutsideServiceArea. Does not commit.
    """
    text = _clean_texts(
        description=description,
        address=address,
        address_precision=address_precision,
        guid=reporter_guid,
        udid=reporter_udid,
        email=reporter_email,
    )
    checked = _checked_photos(photos)
    now = utcnow()
    local = now.astimezone(city.tz())
    row = intake_sql.allocate(
        category_id,
        as_agent=as_agent,
        year=local.year,
        month=local.month,
        longitude=longitude,
        latitude=latitude,
    )
    category = categories.check(row, as_agent=as_agent)
    place = intake_sql.placement(row)  # routing.ROUTE_SQL, run by the same statement
    report = Report(
        id=row.report_id,
        version=1,
        reference=references.format_reference(origin, local.year, local.month, row.number),
        token=references.new_token(),
        client_uuid=client_uuid,
        state="initial",
        category_id=category.id,
        priority=priority or category.default_priority,
        description=text["description"],
        address=text["address"],
        address_precision=text["address_precision"],
        geom=WKTElement(f"POINT({longitude!r} {latitude!r})", srid=4326),
        origin=origin,
        reporter_email=text["email"],
        reporter_guid=text["guid"],
        reporter_udid=text["udid"],
        reporter_user_id=None,
        district_id=place.district_id,
        quartier_id=place.quartier_id,
        conseil_id=place.conseil_id,
        direction_id=place.direction_id,
        unit_id=place.unit_id,
        sector_id=place.sector_id,
        special_perimeter_id=place.special_perimeter_id,
        created_at=now,
        updated_at=now,
        congratulations_count=0,
        followers_count=1 if text["guid"] else 0,  # the reporter follows (intake_sql)
    )
    # Subscribers (SLA due dates...) see the report with its id and reference
    # just before it is written, so what they set goes into the one INSERT
    # (an UPDATE right after would fire the report triggers twice).
    with db.session.no_autoflush:
        signals.report_created.send(report)
    written = intake_sql.insert(
        report,
        longitude=longitude,
        latitude=latitude,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        message=CREATED_MESSAGE,
        with_ack=bool(text["email"]),
    )
    # Names and possible duplicates read back by the INSERT, for intake_answer:
    # kept in the ORM's per-instance user data, not as an attribute of the model.
    inspect(report).info[INTAKE_FACTS] = written
    inspect(report).info[POSITION] = (longitude, latitude)
    stored = photo_uploads.store_photos(report, checked) if checked else []
    inspect(report).info[PHOTO_HASHES] = [p.phash_bits for p in stored if p.phash_bits is not None]
    return report


def tracking_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/track/{token}"


def follow_links(base_url: str, token: str) -> dict[str, str]:
    """A follower's own links (their token, never the reporter's)."""
    follow = f"{base_url.rstrip('/')}/api/v1/follows/{token}"
    return {"follow": follow, "confirm": f"{follow}/confirm", "unsubscribe": f"{follow}/unsubscribe"}


def intake_answer(report: Report, base_url: str) -> dict:
    """The 201 body: what the resident needs to follow up their report."""
    name, group, code, label, duplicates = inspect(report).info[INTAKE_FACTS]
    longitude, latitude = inspect(report).info[POSITION]
    return {
        "reference": report.reference,
        "token": report.token,
        "state": public_label(report.state),
        "district": {"id": report.district_id, "name": name, "group": group},
        "direction": {"id": report.direction_id, "code": code, "label": label},
        "tracking_url": tracking_url(base_url, report.token),
        "possible_duplicates": [duplicate_summary(d) for d in duplicates],
        "possible_photo_duplicates": photo_matches.near(
            longitude, latitude, inspect(report).info.get(PHOTO_HASHES, []), exclude_id=report.id
        ),
    }


def submit_report(
    fields: dict[str, Any], photos: Sequence[tuple[str, bytes]], *, idempotency_key: str | None, base_url: str
) -> tuple[int, dict, bool]:
    """Idempotent intake for the resident API: (status, body, replayed).

    The key is the Idempotency-Key header, else the body's client_uuid.
    """
    client_uuid = fields.get("client_uuid")
    key = None
    if idempotency_key:
        key = f"key:{idempotency_key}"
    elif client_uuid:
        key = f"client_uuid:{client_uuid}"
    request_hash = ""  # only read with a key
    if key is not None:
        request_hash = idempotency.fingerprint(
            fields, sorted((view, hashlib.sha256(data).hexdigest()) for view, data in photos)
        )

    def produce() -> tuple[int, dict[str, Any], int]:
        # A client_uuid already used (under another key) is a 409 (intake_sql).
        report = create_report(**fields, photos=photos)
        body = intake_answer(report, base_url)
        return 201, body, report.id

    return idempotency.run_once(key, request_hash, produce)


def by_reference(reference: str) -> Report:
    report = db.session.scalar(select(Report).where(Report.reference == reference))
    if report is None:
        raise NotFound("Aucun signalement ne porte cette référence.")
    return report


def by_token(token: str) -> Report:
    report = db.session.scalar(select(Report).where(Report.token == token))
    if report is None:
        raise NotFound("Lien de suivi inconnu ou expiré.")
    return report
