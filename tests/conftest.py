"""Fixtures: the app on the real PostGIS test database, one rolled-back
transaction per test, and a real Redis (database 15 unless told otherwise)."""

import os

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, func, select

from dansmarue import create_app
from dansmarue.models import District, NotificationLog, OutboxJob, Report, db

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session", autouse=True)
def collected_logs():
    """Every INFO+ line of the whole run, read by tests/test_zz_logs.py."""
    import logging

    from tests.logcapture import CollectingHandler

    root = logging.getLogger()
    handler, level = CollectingHandler(), root.level
    root.addHandler(handler)
    root.setLevel(min(level or logging.WARNING, logging.INFO))
    yield
    root.removeHandler(handler)
    root.setLevel(level)


def test_config(tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "PUBLIC_BASE_URL": "http://testserver",
        "OUTBOX_AUTO_RELAY": False,
        # Many tests file reports; the limit itself is tested on apps of its own.
        "RATELIMIT_INTAKE": "100000 per second",
        "RATELIMIT_ANONYMOUS": "100000 per second",
        "RATELIMIT_PER_REPORT": "100000 per second",
        "RATELIMIT_SIGN_IN_PER_EMAIL": "100000 per second",
        "RATELIMIT_SIGN_IN_PER_CLIENT": "100000 per second",
    }


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """Migrated and loaded once per session (both steps are idempotent)."""
    from flask_migrate import upgrade

    from dansmarue.refdata import loader

    app = create_app(test_config(tmp_path_factory))
    with app.app_context():
        upgrade(revision="heads")
        if db.session.scalar(select(District.id).limit(1)) is None:
            loader.load_all()
        db.session.remove()
    return app


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's Session ignores `bind=` and goes to the engine;
    this one honours it, so a route's commit cannot escape the test."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


@pytest.fixture
def session(app):
    """A transaction rolled back after the test; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": BoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def redis_conn(app):
    """The real test Redis, flushed before and after the test."""
    from redis import Redis

    connection = Redis.from_url(app.config["REDIS_URL"])
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def committed(app, redis_conn):
    """The app's real session, for tests whose rows other processes must see:
    commits are real, and every report and outbox job created is deleted after.
    Yields (last report id, last outbox job id) before the test."""
    with app.app_context():
        marks = (
            db.session.scalar(select(func.coalesce(func.max(Report.id), 0))),
            db.session.scalar(select(func.coalesce(func.max(OutboxJob.id), 0))),
        )
        db.session.commit()
        try:
            yield marks
        finally:
            db.session.rollback()
            new_reports = select(Report.id).where(Report.id > marks[0])
            db.session.execute(delete(NotificationLog).where(NotificationLog.report_id.in_(new_reports)))
            db.session.execute(delete(OutboxJob).where(OutboxJob.id > marks[1]))
            # Events, followers and photos go with their report (ON DELETE CASCADE).
            db.session.execute(delete(Report).where(Report.id > marks[0]))
            db.session.commit()
            db.session.remove()
    app.extensions.pop("redis", None)
