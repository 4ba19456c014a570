"""The apps' minor read requests (getReports, checkVersion, getIncidentPhotos,
searchByNumber) and the GET endpoints' lookups, over the shared services."""

from datetime import timedelta

from sqlalchemy import select

from dansmarue.api.mobile import serializers as ser
from dansmarue.api.mobile.protocol import BAD_INCIDENT_ID, BAD_USER, MobileError
from dansmarue.catalogue import categories as catalogue
from dansmarue.errors import NotFound
from dansmarue.models import Report, db, utcnow
from dansmarue.platform import health
from dansmarue.reports import intake as reports
from dansmarue.reports import search as report_search

MAX_BY_DEVICE = 100
NUMBER_MAX_AGE = timedelta(days=90)  # getAnomalieByNumber refuses older reports
TOO_OLD = "Ce signalement a plus de 90 jours : il n'est plus consultable par son numéro."


def reports_of_device(udid: str | None, guid: str | None) -> list[dict]:
    """getReports: the reports filed from this device, newest first."""
    if not udid:
        raise MobileError(BAD_USER, "udid manquant.")
    rows = db.session.scalars(
        select(Report)
        .where(Report.reporter_udid == udid)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(MAX_BY_DEVICE)
    ).all()
    return ser.incidents(rows, guid)


def same_version(known: object, current: int) -> bool:
    """The app's cached version is the current one ("3", 3 and iOS's "3.0" alike)."""
    try:
        return known is not None and float(str(known).strip()) == float(current)
    except ValueError:
        return False


def check_version(known: object, settings: dict) -> dict:
    """checkVersion: the catalogue's version, and the store versions a city sets
    (MOBILE_* settings) so that the apps prompt for, or force, an update."""
    current = catalogue.version()
    return {
        "version": current,
        "upToDate": same_version(known, current),
        "androidVersionStore": settings.get("MOBILE_ANDROID_VERSION_STORE"),
        "androidMajObligatoire": "true" if settings.get("MOBILE_ANDROID_UPDATE_REQUIRED") else "false",
        # Android compares the store version only when this one is set: "0" = none.
        "derniereVersionObligatoire": settings.get("MOBILE_ANDROID_MIN_VERSION") or "0",
        "iosDerniereVersionObligatoire": settings.get("MOBILE_IOS_MIN_VERSION") or "0",
    }


def photos_of(report: Report) -> dict:
    return {"incidentId": report.id, "pictures": ser.pictures(report)}


def publicly_visible(report: Report) -> bool:
    """Whether the map would show it: ask the map's own search at its very point,
    so the public states and per-category age rules are the search's, not a copy."""
    found = report_search.search(near=(report.latitude, report.longitude), radius=1, limit=1000)["items"]
    return any(item["reference"] == report.reference for item in found)


def search_by_number(number: str, guid: str | None) -> list[dict]:
    """searchByNumber in getIncidentsByPosition: that public report, or nothing."""
    try:
        report = reports.by_reference(number.strip().upper())
    except NotFound:
        return []
    return ser.incidents([report], guid) if publicly_visible(report) else []


def by_number(number: str, guid: str | None) -> dict:
    """getAnomalieByNumber/{n}[/{guid}]: refused once the report is 90 days old."""
    try:
        report = reports.by_reference(number.strip().upper())
    except NotFound:
        raise MobileError(BAD_INCIDENT_ID, f"Aucun signalement ne porte le numéro {number}.") from None
    if utcnow() - report.created_at > NUMBER_MAX_AGE:
        raise MobileError(BAD_INCIDENT_ID, TOO_OLD)
    return ser.incidents([report], guid)[0]


def online(settings: dict) -> bool:
    """isDmrOnline: the city has not closed the apps, and database and queue answer."""
    return bool(settings.get("MOBILE_ONLINE", True)) and health.check()["status"] == "ok"
