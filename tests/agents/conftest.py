"""Fixtures for the agents area.

`session` is overridden here: the shared one hands a `bind=connection` to
Flask-SQLAlchemy's Session, whose get_bind() ignores it and returns the
engine, so route commits were real commits. This Session honours its bind.
"""
import pytest
from flask_sqlalchemy.session import Session as FlaskSession

from dansmarue.models import db


class BoundSession(FlaskSession):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


@pytest.fixture
def session(app):
    """A transaction rolled back after the test; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({
            "class_": BoundSession, "bind": connection,
            "join_transaction_mode": "create_savepoint",
        })
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
