"""Helpers for the delay tests: real reports created through the intake service."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from dansmarue.models import Category, Report, db
from dansmarue.reports import intake as report_service
from dansmarue.workflow import history

PARIS = ZoneInfo("Europe/Paris")
# A point in the 11th arrondissement (inside Paris, outside any wood or park).
LON, LAT = 2.3795, 48.8590


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def leaf(open_data_label: str) -> Category:
    return db.session.scalars(select(Category).where(Category.open_data_label == open_data_label)).one()


@pytest.fixture
def make_report(session):
    def make(
        category: Category, *, priority: int | None = None, lon: float = LON, lat: float = LAT
    ) -> Report:
        report = report_service.create_report(
            category_id=category.id,
            latitude=lat,
            longitude=lon,
            priority=priority,
            address="1 rue de Test, 75011 Paris",
            as_agent=True,
            actor_label="Test",
        )
        db.session.flush()
        return report

    return make


def move(report: Report, state: str, action: str = "test") -> None:
    history.change_state(report, state, action, actor_label="Agent test")
    db.session.flush()


def target_of(category_id: int, priority: int | None = None):
    return db.session.execute(
        text(
            "SELECT ack_amount, ack_unit, resolve_amount, resolve_unit FROM sla_target "
            "WHERE category_id = :c AND (priority = :p OR priority IS NULL) "
            "ORDER BY priority IS NULL LIMIT 1"
        ),
        {"c": category_id, "p": priority},
    ).one()


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(
            (tuple(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free local port."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield mailbox
    controller.stop()


def sla_events(report_id: int) -> list[str]:
    return list(
        db.session.scalars(
            text(
                "SELECT action FROM report_event WHERE report_id = :r AND action LIKE 'sla_%' " "ORDER BY id"
            ),
            {"r": report_id},
        )
    )


def sla_jobs(only=None) -> list[tuple[str, list]]:
    """SLA outbox jobs, restricted to the given report ids (other committed rows
    may share the database: the sweep claims every late report)."""
    jobs = []
    for func, args in db.session.execute(
        text("SELECT func, args FROM outbox_job WHERE func LIKE 'workers.jobs.sla.%' ORDER BY id")
    ):
        ids = [i for i in args[0] if only is None or i in only]
        if ids:
            jobs.append((func, [ids]))
    return jobs
