"""The DansMaRue mobile RPC envelope and its numeric error codes.

Request: form field `jsonStream` = a JSON array holding one object
`{"request": name, ...}`. Answer: `[{"request": name, "answer": {"status": 0, ...}}]`;
an error inside a request is `[{"error": code, "error_message": text}]`, a
malformed envelope the bare object (as the real server does). HTTP is 200.
"""

import json

from flask import Response

from dansmarue.errors import (
    Conflict,
    DomainError,
    Forbidden,
    HTTPProblem,
    NotFound,
    OutOfScopeCategory,
    OutsideServiceArea,
    Unprocessable,
)
from dansmarue.platform import jsontext
from dansmarue.reports import routing

# The real server's codes (SignalementRestConstants).
BAD_JSON = 2
BAD_SUB_ELEMENT = 3
EMPTY_POSITION = 6
BAD_POSITION = 7
BAD_CATEGORY = 8
EMPTY_CATEGORY = 9
BAD_INCIDENT_ID = 12
BAD_USER = 13
EMPTY_INCIDENT_ID = 15
BAD_INCIDENT_ID_BIS = 16
BAD_PICTURE = 29
BAD_ORIGIN = 34
BAD_SOURCE = 35
BAD_OWNER = 36
ALREADY_FOLLOWED = 41
INVALID_STATE = 42
TOO_MANY_REQUESTS = 429  # ours: the real server had no rate limit (HTTP 429 too)


class MobileError(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code, self.message = code, message


def parse(stream: str | None, named: bool = True) -> dict:
    """The one request object of `jsonStream`, or MobileError(2). `named=False`
    for identitystore, whose object carries no "request"."""
    try:
        data = jsontext.loads(stream or "")
    except ValueError as exc:
        # Python's own text ("Expecting value: line 1 column 1") is English (#19.15).
        where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        message = "absent" if not stream else f"n'est pas du JSON valide{where}"
        raise MobileError(BAD_JSON, f"jsonStream {message}.") from None
    if isinstance(data, dict):
        data = [data]
    if (
        not isinstance(data, list)
        or len(data) != 1
        or not isinstance(data[0], dict)
        or (named and not isinstance(data[0].get("request"), str))
    ):
        raise MobileError(BAD_JSON, 'jsonStream doit être un tableau d\'un objet {"request": …}.')
    return data[0]


def code_for(error: DomainError, not_found: int = BAD_INCIDENT_ID) -> int:
    """Map a service's domain error onto the real server's code."""
    fields = {e.get("field") for e in error.errors or ()}
    if isinstance(error, OutsideServiceArea) or error.detail == routing.NO_SECTOR_MESSAGE:
        return BAD_POSITION
    if isinstance(error, OutOfScopeCategory) or "category" in fields:
        return BAD_CATEGORY
    if "position" in fields:
        return BAD_POSITION
    if any(f and f.startswith("photo") for f in fields):
        return BAD_PICTURE
    if isinstance(error, NotFound):
        return not_found
    if isinstance(error, Forbidden):
        return BAD_OWNER
    if isinstance(error, Conflict):
        return INVALID_STATE
    if isinstance(error, Unprocessable) and fields & {"guid", "email"}:
        return BAD_USER
    return BAD_SUB_ELEMENT


def code_for_http(error: DomainError, photo: bool) -> int:
    """The code of an error met outside a handler: a body too large (a photo's
    is BAD_PICTURE, as the upload's own size check), the rate limit, an
    unreadable form or unknown address (the envelope: BAD_JSON), a last resort."""
    if error.status == 413:
        return BAD_PICTURE if photo else BAD_JSON
    if error.status == 429:
        return TOO_MANY_REQUESTS
    if isinstance(error, HTTPProblem):
        return BAD_JSON
    return code_for(error)


def respond(body: dict | list, status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def answer(name: str, payload: dict, wrapped: bool = True) -> Response:
    """The RPC answers in an array; the GET endpoints and identitystore in a bare
    object (iOS reads those with json.dictionary)."""
    body = {"request": name, "answer": {"status": 0, **payload}}
    return respond([body] if wrapped else body)


def error(code: int, message: str, wrapped: bool = True, status: int = 200) -> Response:
    body = {"error": code, "error_message": message}
    return respond([body] if wrapped else body, status)
