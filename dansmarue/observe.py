"""Request instrumentation: a request id on every request, answer and log line,
and the HTTP metrics. One place, registered by the app factory."""

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from dansmarue import signals
from dansmarue.platform import logs, metrics

access_log = logging.getLogger("dansmarue.access")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Where reports come in: the blueprint is the channel. Accepted reports are
# counted from the `report_created` signal; refusals where they are answered
# (the error handlers for the REST and Open311 intakes, the mobile envelope).
CHANNELS = {"reports": "api", "open311": "open311", "mobile": "mobile"}
INTAKE_ENDPOINTS = {"reports.create_report", "open311.Requests"}


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(lambda _exc: logs.clear())
    if not event.contains(Session, "after_begin", _tag_transaction):
        event.listen(Session, "after_begin", _tag_transaction)
    signals.report_created.connect(report_created, weak=False)


def _start() -> None:
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if REQUEST_ID.match(sent) else uuid.uuid4().hex
    g.started = time.perf_counter()
    logs.clear()
    logs.bind(request_id=g.request_id)
    if request.method not in SAFE_METHODS:
        logs.bind(tag_writes=True)
        _tag_open_transaction()


def _tag_open_transaction() -> None:
    """A session whose transaction began before this request (a test's outer
    transaction, a CLI command) gets no `after_begin`: tag it now."""
    from dansmarue.extensions import db

    session = db.session()
    if session.in_transaction():
        _tag_transaction(session, None, session.connection())


def _tag_transaction(
    session: Session, transaction: SessionTransaction | None, connection: Connection
) -> None:
    """A writing request's transactions carry its id: the outbox rows they write
    take it as their column default (migration 0011), so the jobs log it too."""
    if logs.current("tag_writes"):
        connection.exec_driver_sql(
            "SELECT set_config('dansmarue.request_id', %s, true)", (logs.current("request_id"),)
        )


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    seconds = time.perf_counter() - g.started if "started" in g else 0.0
    metrics.HTTP_REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    metrics.HTTP_LATENCY.labels(endpoint, request.method).observe(seconds)
    access_log.info(
        "%s %s %s",
        request.method,
        endpoint,
        response.status_code,
        extra={
            "fields": {
                "method": request.method,
                "route": endpoint,
                "status": response.status_code,
                "ms": round(seconds * 1000, 1),
            }
        },
    )
    channel = CHANNELS.get(request.blueprint or "")
    if channel and request.method == "POST":
        refused = g.get("intake_refused")
        if refused:
            metrics.REPORTS.labels(channel, refused).inc()
        elif response.status_code < 400 and g.get("reports_created"):
            metrics.REPORTS.labels(channel, "accepted").inc(g.reports_created)
    return response


def note_refusal(reason: str, any_endpoint: bool = False) -> None:
    """An intake refused (the problem type, e.g. outside-service-area)."""
    if any_endpoint or request.endpoint in INTAKE_ENDPOINTS:
        g.intake_refused = reason


def report_created(report: object = None, **_: object) -> None:
    """A signal subscriber: counted as accepted once the request succeeds."""
    if has_request_context():  # not in a job or the CLI: those are not intakes
        g.reports_created = g.get("reports_created", 0) + 1
