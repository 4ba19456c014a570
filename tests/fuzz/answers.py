"""Sending hostile requests as a WSGI server would pass them, and checking that
each answer is no server error and speaks its protocol's own error format."""

import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from defusedxml import ElementTree
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.fuzz.strategies import Oversized
from tests.interop.open311_client import assert_errors_json, assert_errors_xml

LOCAL = ("/", "http://localhost/", "http://testserver/")
STACK_TRACE_MARKERS = (
    "Traceback (most recent call last)",
    'File "/',
    "werkzeug.exceptions",
    "sqlalchemy.exc",
)


class ErrorRecords(logging.Handler):
    """ERROR records written while a request ran: an escaping DataError or any
    unhandled exception is logged there even when its answer looks fine."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        found = [f"{r.name}: {r.getMessage()}" for r in self.records]
        self.records.clear()
        return found


@dataclass
class Sender:
    """Sends one request through `client`; path and query are raw bytes (as a
    WSGI server hands PATH_INFO and QUERY_STRING on), so invalid UTF-8 arrives."""

    client: FlaskClient
    errors: ErrorRecords
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def limit(self) -> int:
        return int(self.client.application.config["MAX_CONTENT_LENGTH"])

    def send(
        self,
        method: str,
        path: str,
        *,
        query: bytes = b"",
        body: bytes | Oversized | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        environ: dict[str, Any] | None = None,
    ) -> TestResponse:
        overrides: dict[str, Any] = {
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
            **(environ or {}),
        }
        data = body
        if isinstance(body, Oversized):
            data = body.body(self.limit)
            if body.declared_only:
                overrides["CONTENT_LENGTH"] = str(body.length(self.limit))
        self.errors.take()
        # A fresh app context, as in production: the test's own one would share
        # `g` (the signed-in user, cached there) between requests.
        with self.client.application.app_context():
            response = self.client.open(
                "/",  # the real path is PATH_INFO above
                method=method,
                data=data,
                content_type=content_type,
                headers={**self.headers, **(headers or {})},
                environ_overrides=overrides,
            )
        logged = self.errors.take()
        assert not logged, f"{method} {path}: the server logged errors: {logged}"
        assert response.status_code < 500, _show(response)
        return response


def _show(response: TestResponse) -> str:
    return f"{response.status_code} {response.content_type}: {response.get_data()[:600]!r}"


def _text(response: TestResponse) -> str:
    data = response.get_data()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssertionError(f"answer is not UTF-8: {_show(response)}") from exc


def redirect(response: TestResponse, prefix: str) -> bool:
    """A redirect to a canonical address under `prefix` (werkzeug merges "//")."""
    if not 300 <= response.status_code < 400:
        return False
    location = response.headers.get("Location", "")
    assert location.startswith(tuple(f"{base.rstrip('/')}{prefix}" for base in LOCAL)), _show(response)
    return True


def open311(response: TestResponse, fmt: str) -> Any:
    """Open311's own bodies: JSON or XML as the path says, errors as the spec's list."""
    status = response.status_code
    if redirect(response, "/open311/"):
        return None
    if fmt == "json":
        assert response.mimetype == "application/json", _show(response)
        assert "charset=utf-8" in response.content_type
        body = json.loads(_text(response))
        if status >= 400:
            assert_errors_json(body, status)
        return body
    assert response.mimetype == "text/xml", _show(response)
    text = _text(response)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>'), _show(response)
    root = ElementTree.fromstring(response.get_data())
    if status >= 400:
        assert_errors_xml(root, status)
    return root


MOBILE_ERROR_KEYS = {"error", "error_message"}


def mobile(response: TestResponse, *, wrapped: bool | None = None) -> Any:
    """The apps' envelope: [{"request", "answer": {"status": 0}}] or an error
    {"error": int, "error_message": str}, in an array or bare (HTTP 200 for a
    refused call, 4xx for a refused envelope, upload or rate limit)."""
    if redirect(response, "/rest/"):
        return None
    assert response.mimetype == "application/json", _show(response)
    body = json.loads(_text(response))
    items = body if isinstance(body, list) else [body]
    if wrapped is not None:
        assert isinstance(body, list) is wrapped, _show(response)
    assert len(items) == 1, _show(response)
    item = items[0]
    assert isinstance(item, dict), _show(response)
    if "error" in item:
        assert set(item) == MOBILE_ERROR_KEYS, _show(response)
        assert isinstance(item["error"], int) and not isinstance(item["error"], bool)
        assert isinstance(item["error_message"], str) and item["error_message"]
    else:
        assert response.status_code < 400, _show(response)
        assert isinstance(item.get("request"), str), _show(response)
        assert item["answer"]["status"] == 0, _show(response)
    return body


def page(response: TestResponse, *, others: tuple[str, ...] = ()) -> None:
    """A person's page: HTML (errors too), or a redirect inside the site; a
    successful answer may also be one of `others` (CSV, JavaScript)."""
    status = response.status_code
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        assert location.startswith(LOCAL), _show(response)
        return
    if status < 400 and response.mimetype in others:
        return
    assert response.mimetype == "text/html", _show(response)
    text = _text(response)
    assert "<html" in text.lower(), _show(response)
    assert not any(marker in text for marker in STACK_TRACE_MARKERS), _show(response)


PROBLEM_KEYS = {"type", "title", "status", "detail"}


def problem(response: TestResponse, *, success: tuple[str, ...] = ("application/json",)) -> None:
    """The JSON API: application/problem+json for every error (RFC 9457)."""
    status = response.status_code
    if status == 304 or redirect(response, "/"):
        return
    if status < 400:
        assert response.mimetype in success, _show(response)
        return
    assert response.mimetype == "application/problem+json", _show(response)
    body = json.loads(_text(response))
    assert set(body) >= PROBLEM_KEYS, _show(response)
    assert body["status"] == status, _show(response)
    assert not any(marker in json.dumps(body) for marker in STACK_TRACE_MARKERS), _show(response)
