"""Optimistic concurrency over HTTP: ETag = the report's version, If-Match required."""

from flask import request

from dansmarue.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def required_version() -> int | None:
    """The version named by If-Match: missing -> 428, unreadable -> 412.

    `*` (RFC 9110: any current version) gives None: no version check, but
    the database-level optimistic lock still refuses a concurrent overwrite.
    """
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired(
            "Indiquez la version connue du signalement dans l'en-tête If-Match " "(valeur de son ETag)."
        )
    value = header.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    try:
        return int(value.strip('"'))
    except ValueError:
        raise PreconditionFailed("En-tête If-Match illisible : donnez l'ETag reçu.") from None
