"""One commit point per request (as indico's request handler): a unit of work.

A view never commits. When it returns, `finish` commits the request's session
if the method may write and the answer is a success, and nothing otherwise:
a GET never writes, and what a refused request did is discarded when the
session is removed at the end of the request (Flask-SQLAlchemy's teardown).
Running inside `dispatch_request` (not `after_request`) means a failing
commit goes through the app's error handlers like any other exception.
"""
from flask import Flask, Response, request

from dansmarue.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def finish(method: str, response: Response) -> None:
    if method not in SAFE_METHODS and response.status_code < 400:
        db.session.commit()


class UnitOfWorkFlask(Flask):
    """Flask whose every view runs as one unit of work."""

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        finish(request.method, response)
        return response
