"""Domain exceptions and their one mapping to RFC 9457 problem details."""

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, make_response, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title = "Requête invalide"
    slug = "bad-request"

    def __init__(
        self, detail: str | None = None, errors: list[dict[str, Any]] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status, title, slug = 404, "Introuvable", "not-found"


class Unauthorized(DomainError):
    status, title, slug = 401, "Authentification requise", "unauthorized"


class Forbidden(DomainError):
    status, title, slug = 403, "Accès refusé", "forbidden"


class Conflict(DomainError):
    status, title, slug = 409, "Conflit", "conflict"


class PreconditionFailed(DomainError):
    status, title, slug = 412, "Version périmée", "precondition-failed"


class PreconditionRequired(DomainError):
    status, title, slug = 428, "En-tête If-Match requis", "precondition-required"


class Unprocessable(DomainError):
    status, title, slug = 422, "Données refusées", "unprocessable"


class OutsideServiceArea(Unprocessable):
    slug = "outside-service-area"


class OutOfScopeCategory(Unprocessable):
    slug = "out-of-scope-category"


class ServiceUnavailable(DomainError):
    status, title, slug = 503, "Service indisponible", "unavailable"


class HTTPProblem(DomainError):
    """An HTTP error (werkzeug's, an extension's) or a last resort, carried as a
    DomainError so that each adapter writes it in its own format."""

    def __init__(self, status: int, title: str, slug: str, detail: str, errors: list | None = None) -> None:
        super().__init__(detail, errors)
        self.status, self.title, self.slug = status, title, slug

    @classmethod
    def of(cls, error: HTTPException) -> "HTTPProblem":
        data = getattr(error, "data", None) or {}
        errors = field_errors(data["messages"]) if "messages" in data else None
        detail = "Certains champs sont invalides." if errors else http_detail(error)
        status = error.code or 500
        return cls(
            status, HTTP_TITLES.get(status, error.name), error.name.lower().replace(" ", "-"), detail, errors
        )


# Adapters with an error format of their own (Open311, the apps' API, the staff
# pages) claim the addresses under their prefix: an error their blueprint's
# handlers did not answer (an unknown address or method, a body too large, a
# last-resort database error, an unexpected exception) is written by them too,
# never as problem+json (#20.3).
ErrorWriter = Callable[[DomainError], ResponseReturnValue]


def answer_errors_under(blueprint: Blueprint, prefix: str, write: ErrorWriter) -> None:
    """`write` answers every error under `prefix` ("/open311", "/rest"...) that no
    handler of the blueprint answered; registered with the blueprint, per app."""

    def record(state: BlueprintSetupState) -> None:
        state.app.extensions.setdefault("dansmarue.error_writers", []).append((prefix.rstrip("/"), write))

    blueprint.record_once(record)


def _writer_for(app: Flask, path: str) -> ErrorWriter | None:
    for prefix, write in app.extensions.get("dansmarue.error_writers", ()):
        if path == prefix or path.startswith(prefix + "/"):
            return write
    return None


def field(key: str, message: str, **extra: Any) -> dict[str, Any]:
    """A field error named by its domain key (`category`, `position`, `photo:close`,
    `description`...): each adapter translates keys to its own wire names."""
    return {"field": key, "message": message, **extra}


# The REST API's names for domain keys (other adapters keep their own maps).
REST_FIELDS = {"category": ("category_id",), "position": ("latitude", "longitude")}


def wire_errors(
    errors: Iterable[dict[str, Any]] | None,
    names: Mapping[str, tuple[str, ...]],
    photo_field: str,
    default_location: str | None,
) -> list[dict[str, Any]]:
    """Translate domain-keyed field errors into an adapter's names and locations;
    an error that already names its location (query, headers...) is kept as it is."""
    out = []
    for error in errors or ():
        if "location" in error or not error.get("field"):
            out.append(error)
            continue
        key = error["field"]
        if key.startswith("photo:"):
            out.append({**error, "field": photo_field.format(view=key[6:]), "location": "files"})
            continue
        for name in names.get(key, (key,)):
            item = {**error, "field": name}
            if default_location:
                item["location"] = default_location
            out.append(item)
    return out


def problem(
    status: int, title: str, detail: str, slug: str, errors: list[dict[str, Any]] | None = None, **extra: Any
) -> Response:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


# webargs' own English text for a body that cannot be parsed at all.
WEBARGS_TEXTS = {"Invalid JSON body.": "Le corps de la requête n'est pas un JSON valide."}


def field_errors(messages: Any, location: str | None = None) -> list[dict]:
    """Flatten marshmallow/webargs messages into [{field, message}] items."""
    out: list[dict] = []

    def add(path: list[str], message: str) -> None:
        # An error about the whole body (not JSON at all...) names no field.
        item = {"field": ".".join(path)} if path else {}
        out.append({**item, "message": WEBARGS_TEXTS.get(message, message)})

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, [*path, str(key)])
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            for message in node:
                add(path, message)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, [*path, str(index)])
        else:
            add(path, str(node))

    if isinstance(messages, dict) and location is None:
        # webargs nests by location ("json", "query", "form", "files").
        for loc, inner in messages.items():
            for item in field_errors(inner, loc):
                out.append(item)
        return out
    walk(messages, [])
    for item in out:
        item["location"] = location
    return out


# French titles for the HTTP errors werkzeug and the extensions raise (#19.15):
# residents and agents read them; werkzeug's own texts are English.
HTTP_TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non autorisée",
    406: "Format non disponible",
    409: "Conflit",
    410: "Disparu",
    411: "Longueur requise",
    412: "Version périmée",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Données refusées",
    428: "En-tête If-Match requis",
    429: "Trop de requêtes",
    431: "En-têtes trop volumineux",
    500: "Erreur interne",
    501: "Non implémenté",
    503: "Service indisponible",
}
# Details for the errors raised with werkzeug's default (English) description.
HTTP_DETAILS = {
    400: "La requête est mal formée.",
    404: "Cette adresse ne correspond à aucune ressource.",
    405: "Cette méthode n'est pas autorisée sur cette adresse.",
    413: "La requête dépasse la taille autorisée.",
    415: "Ce type de contenu n'est pas pris en charge.",
    429: "Trop de requêtes : réessayez plus tard.",
}


def http_detail(error: HTTPException) -> str:
    """The error's own description when a view gave one, else a French text:
    werkzeug's class descriptions and flask-limiter's "30 per 1 minute" are English."""
    default = type(error).description
    description = error.description
    code = error.code or 500  # Flask hands a code-less (proxy) exception to no handler
    if code == 429:
        return HTTP_DETAILS[429]
    if description and description != default:
        return description
    return HTTP_DETAILS.get(code, HTTP_TITLES.get(code, error.name))


def register_error_handlers(app: Flask) -> None:
    from dansmarue import observe

    def answer(error: DomainError) -> ResponseReturnValue:
        """In the format of the adapter owning the address, else problem+json."""
        write = _writer_for(app, request.path)
        if write is not None:
            return write(error)
        errors = wire_errors(error.errors, REST_FIELDS, "photos.{view}", "json")
        return problem(error.status, error.title, error.detail, error.slug, errors, **error.extra)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError) -> ResponseReturnValue:
        observe.note_refusal(error.slug)
        return answer(error)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException) -> Response:
        observe.note_refusal(error.name.lower().replace(" ", "-"))
        response = make_response(answer(HTTPProblem.of(error)))
        data = getattr(error, "data", None) or {}
        for header, value in (data.get("headers") or {}).items():
            response.headers[header] = value
        if error.code == 429:
            response.headers.setdefault("Retry-After", "60")
        return response

    @app.errorhandler(DataError)
    def handle_data_error(error: DataError) -> ResponseReturnValue:
        # Last resort: the edge should have refused this value (#20.1); it is a bug.
        _discard_session()
        log.error("bug: a database DataError escaped validation: %s", error.orig)
        return answer(Unprocessable("Une valeur dépasse ce que le service peut enregistrer."))

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError) -> ResponseReturnValue:
        _discard_session()
        log.error("bug: a database IntegrityError escaped validation: %s", error.orig)
        return answer(Conflict("Cette opération contredit des données existantes."))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unhandled error")
        return answer(
            HTTPProblem(500, "Erreur interne", "internal-error", "Une erreur inattendue est survenue.")
        )


def _discard_session() -> None:
    """The failed statement left the transaction aborted: roll it back so the
    rest of the request (and the unit of work) sees a usable session."""
    from dansmarue.extensions import db

    db.session.rollback()
