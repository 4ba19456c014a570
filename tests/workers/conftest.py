"""Fixtures for the worker tests: real SMTP and HTTP servers, RQ helpers, reports."""

import base64
import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from rq import SimpleWorker
from sqlalchemy import select

from dansmarue.jobs.queues import all_queues
from dansmarue.models import Category, OutboxJob
from dansmarue.reports import intake

ROQUETTE = {"latitude": 48.8539252, "longitude": 2.3801912}
GRAFFITI = "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jpeg_bytes(width=64, height=48, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_b64() -> str:
    return base64.b64encode(jpeg_bytes()).decode()


@pytest.fixture
def jobs_config(app, monkeypatch):
    """Immediate retries, few attempts: a failing job dies within one burst."""
    monkeypatch.setitem(app.config, "JOBS_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0])
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 5)
    app.extensions.pop("redis", None)
    yield app.config
    app.extensions.pop("redis", None)


@pytest.fixture
def ctx(app, session, redis_conn, jobs_config):
    """App context with the rolled-back session, a flushed Redis, fast retries."""
    yield session


def run_burst(connection) -> None:
    """A real RQ worker, in this process, until the queues are empty."""
    SimpleWorker(all_queues(connection), connection=connection).work(burst=True, with_scheduler=False)


def outbox_rows(session, func=None):
    query = select(OutboxJob).order_by(OutboxJob.id)
    if func:
        query = query.where(OutboxJob.func == func)
    return session.scalars(query).all()


def graffiti(session) -> Category:
    return session.scalar(select(Category).where(Category.label == GRAFFITI))


def new_report(session, category=None, photos=(), **fields):
    category = category or graffiti(session)
    report = intake.create_report(
        category_id=category.id, **ROQUETTE, description="Tag sur la façade", photos=photos, **fields
    )
    session.commit()
    return report


class Mailbox:
    """aiosmtpd handler collecting every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free local port; the app sends to it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    yield mailbox
    controller.stop()


class Contractor:
    """A contractor's web service: records requests, answers `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        contractor = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                contractor.requests.append((self.path, dict(self.headers), body))
                self.send_response(contractor.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"ok": contractor.status < 300}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/anomalies"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def contractor():
    server = Contractor()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
