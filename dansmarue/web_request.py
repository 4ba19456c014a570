"""What arrives from the wire, made parseable (#20.3): the app's request class,
its JSON reader, and the reader of flask-smorest's arguments.

A browser %-escapes every byte beyond ASCII in a query string, but a raw one
(a hostile client, a broken proxy) reaches QUERY_STRING as it is, and
werkzeug's `args` then fails to decode it (an unhandled UnicodeDecodeError).
Such bytes are %-escaped on arrival, so they read like any invalid %-escape:
kept as "%FF" in the value, which the views' own validation refuses. A
multipart part without a name is dropped.

JSON bodies, through `request.get_json()` or a schema's `location="json"`,
are read by `platform.jsontext.loads`: too deep a document or a NaN literal
is invalid JSON (400), like any other.

No path segment holds a NUL byte (%00): no key, reference or file name has
one, and PostgreSQL text cannot hold it; such an address matches no route
(404 in the format of the API it is under) instead of reaching a query.
"""

import re
from typing import TYPE_CHECKING, Any

import flask
from flask import Request
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter, IntegerConverter, PathConverter, UnicodeConverter

from dansmarue.platform import jsontext
from dansmarue.platform.limits import INT_MAX

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def _escape(match: re.Match[bytes]) -> bytes:
    return b"%%%02X" % match[0][0]


class WireRequest(Request):
    def __init__(
        self, environ: "WSGIEnvironment", populate_request: bool = True, shallow: bool = False
    ) -> None:
        super().__init__(environ, populate_request, shallow)
        self.query_string = _RAW_BYTE.sub(_escape, self.query_string)

    def _load_form_data(self) -> None:
        """A multipart part whose Content-Disposition names nothing (a broken
        header) comes out of werkzeug under the key None: no view reads it, and
        code walking the form's keys expects text."""
        super()._load_form_data()
        for name in ("form", "files"):
            data = self.__dict__[name]
            if None in data:
                self.__dict__[name] = type(data)((k, v) for k, v in data.items(multi=True) if k is not None)


class SegmentConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: one segment, without NUL or any other
    control character (no key, reference or file name holds one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]", 1)


class NulFreePathConverter(PathConverter):
    """`<path:name>`: segments, without NUL."""

    regex = "[^/\\x00][^\\x00]*?"


class IdConverter(IntegerConverter):
    """`<int:name>` bounded to PostgreSQL's integer: a larger id is simply not found.

    (A ValidationError would let werkzeug answer 405 for the other methods of
    the same path; a NotFound ends the match with a 404 for every method.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > INT_MAX:
            raise NotFound()
        return number


CONVERTERS: dict[str, type[BaseConverter]] = {
    "default": SegmentConverter,
    "string": SegmentConverter,
    "path": NulFreePathConverter,
    "int": IdConverter,
}


class WireJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading with `jsontext.loads` (writing is unchanged)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsontext.loads(s)


class WireParser(FlaskParser):
    """flask-smorest's argument parser, reading JSON bodies with `jsontext.loads`."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return jsontext.loads(req.get_data(cache=True))
