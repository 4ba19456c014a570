"""Which body formats each API address reads; any other is refused with 415.

A view reading JSON only would otherwise answer a multipart or form body as
if it were empty (and, for `actions/done`, drop the photo and the message).
Views under /api/v1 read JSON unless they declare more with `accepts`;
elsewhere only a view that declares its formats is checked (Open311's POST
reads a form or a multipart, never XML or JSON); the mobile RPC declares
its own through its schemas and is left to it.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from werkzeug.exceptions import UnsupportedMediaType

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
View = TypeVar("View", bound=Callable[..., Any])


def accepts(*mimetypes: str) -> Callable[[View], View]:
    """Declare the body formats a view reads (put it just above the function)."""

    def mark(view: View) -> View:
        view.accepted_bodies = mimetypes  # type: ignore[attr-defined]  # a function attribute, read by check
        return view

    return mark


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def refuse_unread_body() -> None:
    """before_request: 415 for a body in a format the view does not read."""
    if request.method not in WRITE_METHODS or not _has_body():
        return
    view = current_app.view_functions.get(request.endpoint or "")
    accepted = getattr(view, "accepted_bodies", None)
    view_class = getattr(view, "view_class", None)
    if accepted is None and view_class is not None:  # a MethodView: its method says
        accepted = getattr(getattr(view_class, request.method.lower(), None), "accepted_bodies", None)
    if accepted is None:
        if not request.path.startswith("/api/v1/"):
            return
        accepted = (JSON,)
    mimetype = request.mimetype
    if mimetype in accepted or (JSON in accepted and mimetype.endswith("+json")):
        return
    raise UnsupportedMediaType(
        f"Cette adresse ne lit pas un corps « {mimetype or 'sans type'} » : "
        f"envoyez {' ou '.join(accepted)}."
    )
