"""Validation at the edge for every argument the API parses (#20.1): what
PostgreSQL would refuse is refused here first, field by field, with a 422.

- Text: no NUL byte or lone surrogate in any query, form, JSON or header
  value (PostgreSQL cannot store them; comparing with them fails too), except
  in the fields that clean their text themselves (CleanString).
- Numbers: integers within PostgreSQL's `integer` unless a field declares its
  own range (every id and count column is an `integer`).
- Dates: between 2000 and 2100 (no report exists outside; a year 1 or 9999
  overflows the time-zone arithmetic).
- Path segments: the same rules, through the URL converters of
  dansmarue.web_request (an id beyond `integer` or a segment holding a
  control character matches no route: 404).

- Query parameters (#19.5): under /api/v1 a parameter the operation does not
  declare (in its `location="query"` schema, hence in the OpenAPI document)
  is refused with a 400 naming each one, instead of being silently ignored
  (`?near=` used to return the same page). Open311 keeps GeoReport v2's
  tolerance (clients send `api_key`, `jurisdiction_id`, `callback`… on every
  call) and the apps' RPC has its own envelope: see docs/interop.md.

Each protocol's own error handler (Open311, mobile) renders the 422 its way.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import flask
import flask_smorest
from flask import current_app, request
from marshmallow import Schema, ValidationError, fields, validate

from dansmarue.api.fields import CleanString
from dansmarue.errors import DomainError
from dansmarue.platform.limits import EARLIEST, INT_MAX, INT_MIN, LATEST
from dansmarue.web_request import WireParser

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = "Caractère interdit (octet nul ou caractère Unicode isolé)."
OUT_OF_RANGE = f"Nombre hors limites ({INT_MIN} à {INT_MAX})."
OUT_OF_PERIOD = f"Date hors de la période {EARLIEST.year}–{LATEST.year}."


def unstorable_text(data: Any, path: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """{field path: [message]} for every string (key or value) PostgreSQL cannot hold."""
    found: dict = {}
    if isinstance(data, str):
        if _UNSTORABLE.search(data):
            found[".".join(path) or "_body"] = [UNSTORABLE_TEXT]
    elif isinstance(data, Mapping):
        for key in data:
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            if isinstance(key, str) and _UNSTORABLE.search(key):
                found[".".join((*path, "_key")) or "_key"] = [UNSTORABLE_TEXT]
                continue
            for value in values:
                found.update(unstorable_text(value, (*path, str(key))))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.update(unstorable_text(value, (*path, str(index))))
    return found


def within_period(value: dt.date) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_PERIOD)


def bound(schema: Schema, seen: set | None = None) -> Schema:
    """Give every integer without a declared range PostgreSQL's `integer`
    bounds, and every date the service's period, as field validators: they
    run before any post_load, and the OpenAPI document shows them."""
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return schema
    seen.add(id(schema))
    for field in schema.fields.values():
        _bound_field(field, seen)
    return schema


def _bound_field(field: fields.Field, seen: set) -> None:
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        bound(field.schema, seen)
    elif isinstance(field, fields.List):
        _bound_field(field.inner, seen)
    elif isinstance(field, fields.Tuple):
        for inner in field.tuple_fields:
            _bound_field(inner, seen)
    elif isinstance(field, fields.Integer):
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        low = None if any(r.min is not None for r in ranges) else INT_MIN
        high = None if any(r.max is not None for r in ranges) else INT_MAX
        if low is not None or high is not None:
            field.validators.append(validate.Range(low, high, error=OUT_OF_RANGE))
    elif isinstance(field, fields.Date | fields.DateTime) and within_period not in field.validators:
        field.validators.append(within_period)


class EdgeParser(WireParser):
    """The wire's parser (bounded JSON reading), refusing text the database
    cannot hold before the schema runs."""

    def pre_load(
        self, location_data: Mapping[str, Any], *, schema: Schema, req: flask.Request, location: str
    ) -> Mapping[str, Any]:
        # A CleanString (a resident's description...) drops such characters itself.
        cleaning = {f.data_key or n for n, f in schema.fields.items() if isinstance(f, CleanString)}
        found = {k: v for k, v in unstorable_text(location_data).items() if k.split(".")[0] not in cleaning}
        if found:
            raise ValidationError(found)
        return super().pre_load(location_data, schema=schema, req=req, location=location)


class UnknownParameters(DomainError):
    status, title, slug = 400, "Paramètres inconnus", "unknown-parameters"


UNKNOWN_PARAMETER = "Paramètre inconnu de cette adresse."
REST_PREFIX = "/api/v1/"


def declared_query(view: Any, method: str) -> set[str]:
    """The query parameters a view's `location="query"` schemas declare."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: its method's own declarations
        view = getattr(view_class, method.lower(), None)
    names: set[str] = set()
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        schema = parameter.get("schema")
        if parameter.get("in") == "query" and isinstance(schema, Schema):
            names.update(f.data_key or n for n, f in schema.load_fields.items())
    return names


def refuse_unknown_query() -> None:
    """before_request of every REST blueprint: 400 listing each query parameter
    the operation does not declare."""
    if not request.args or not request.path.startswith(REST_PREFIX) or request.method == "OPTIONS":
        return  # (a CORS preflight carries the URL it asks about, query included)
    view = current_app.view_functions.get(request.endpoint or "")
    refuse_unknown(request.args, declared_query(view, "GET" if request.method == "HEAD" else request.method))


def refuse_unknown(names: Iterable[str], known: Iterable[str]) -> None:
    """UnknownParameters (400) naming each of `names` not in `known`: the REST
    API's rule, and the pages' filter forms' (which render it as a page)."""
    accepted = set(known)
    unknown = [name for name in names if name not in accepted]
    if not unknown:
        return
    raise UnknownParameters(
        f"Paramètre(s) inconnu(s) : {', '.join(unknown)}. "
        f"Paramètres acceptés ici : {', '.join(sorted(accepted)) or 'aucun'}.",
        errors=[{"field": name, "message": UNKNOWN_PARAMETER, "location": "query"} for name in unknown],
    )


class Blueprint(flask_smorest.Blueprint):
    """Every API resource's blueprint: flask-smorest's, with the edge's rules."""

    ARGUMENTS_PARSER = EdgeParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(refuse_unknown_query)

    def arguments(
        self, schema: Schema | type[Schema], *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        schema = schema() if isinstance(schema, type) else schema
        return super().arguments(bound(schema), *args, **kwargs)
