"""One commit point per request (as indico's request handler): a unit of work.

A view never commits. When it returns, `finish` commits the request's session
if the method may write and the answer is a success, and nothing otherwise:
a GET never writes, and what a refused request did is discarded when the
session is removed at the end of the request (Flask-SQLAlchemy's teardown).
Running inside `dispatch_request` (not `after_request`) means a failing
commit goes through the app's error handlers like any other exception.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request

from dansmarue.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
V = TypeVar("V", bound=Callable[..., Any])


def writes_on_get(view: V) -> V:
    """Mark a view whose GET must be kept: a link in an e-mail (confirm a
    follow, unsubscribe) is opened by GET. Put it nearest the function."""
    view.writes_on_get = True  # type: ignore[attr-defined]  # a function attribute, read by finish
    return view


def finish(method: str, response: Response) -> None:
    if response.status_code >= 400:
        return
    if method not in SAFE_METHODS or (
        method == "GET"
        and getattr(current_app.view_functions.get(request.endpoint or ""), "writes_on_get", False)
    ):
        db.session.commit()


class UnitOfWorkFlask(Flask):
    """Flask whose every view runs as one unit of work."""

    def dispatch_request(self) -> Response:
        response = self.make_response(super().dispatch_request())
        finish(request.method, response)
        return response
