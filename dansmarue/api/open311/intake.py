"""POST requests: Open311 parameters mapped onto `services.reports.create_report`.

Only the translation lives here; validation, routing, reference, photos and
jobs are the shared intake's.
"""

from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from dansmarue.interop import open311
from dansmarue.interop.open311 import BadRequest
from dansmarue.models import INTAKE_VIEWS, PRIORITIES
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.reports import intake as reports
from dansmarue.workflow import history

NO_GEOCODER = (
    "Adresse seule non prise en charge : ce serveur n'a pas de géocodeur. "
    "Envoyez lat et long (WGS84), address_string pouvant accompagner le point."
)
MEDIA_VIEWS = INTAKE_VIEWS  # media, media_url: in this order
MEDIA_URL_NOTICE = (
    "media_url est conservé comme lien ; l'image n'est pas copiée "
    "(envoyez-la en multipart « media » pour qu'elle soit traitée)."
)


def create(form: dict[str, Any], files: MultiDict[str, FileStorage]) -> dict[str, Any]:
    """Create the report; answer the `request` item of the POST response."""
    client = open311.check_api_key(form.get("api_key"))
    if not form.get("service_code"):
        raise BadRequest("service_code manquant.")
    latitude, longitude = _position(form)
    leaf, _ = open311.service(form["service_code"])  # 404 for an unknown code
    attributes = form["attributes"]
    media = [f.read() for name in ("media", "media[]") for f in files.getlist(name)]
    if len(media) > len(MEDIA_VIEWS):
        raise BadRequest(f"{len(MEDIA_VIEWS)} fichiers media au plus.")
    report = reports.create_report(
        category_id=leaf["id"],
        latitude=latitude,
        longitude=longitude,
        priority=_priority(attributes.get("priority")),
        description=form.get("description"),
        address=form.get("address_string"),
        address_precision=_text(attributes.get("address_precision")),
        reporter_email=form.get("email"),
        reporter_guid=form.get("account_id"),
        reporter_udid=form.get("device_id"),
        origin="O",
        photos=list(zip(MEDIA_VIEWS, media, strict=False)),
        actor_label=f"Open311 : {client.name}",
    )
    notice = None
    if form.get("media_url") and not media:  # v2.1: an uploaded file wins
        history.record(report, "open311_media_url", data={"media_url": form["media_url"]})
        notice = MEDIA_URL_NOTICE
    return {
        "service_request_id": report.reference,
        "service_notice": notice,
        "account_id": form.get("account_id"),
    }


def _position(form: dict) -> tuple[float, float]:
    lat, lon = form.get("lat"), form.get("long")
    if lat is not None and lon is not None:
        return lat, lon
    if lat is not None or lon is not None:
        raise BadRequest("lat et long vont ensemble.")
    if form.get("address_string") or form.get("address_id"):
        raise BadRequest(NO_GEOCODER)
    raise BadRequest("Position manquante : lat et long sont requis.")


def _priority(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if str(value).strip() not in {str(k) for k in PRIORITIES}:
        raise BadRequest("attribute[priority] : valeurs admises 1, 2 ou 3.")
    return int(value)


def _text(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        value = ", ".join(value)
    limit = TEXT_LIMITS["address_precision"]
    if value and len(value) > limit:
        raise BadRequest(f"attribute[address_precision] : {limit} caractères au plus.")
    return value or None
