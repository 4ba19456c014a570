"""Fixtures for the interoperability area (Open311 and the mobile RPC API).

`session` is overridden as in tests/agents: Flask-SQLAlchemy's Session
ignores a `bind=` argument, so without this a route's commit would be real.
"""
import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import select

from dansmarue.models import Category, db
from dansmarue.services import open311

# Rue de Rivoli by the Hôtel de Ville (4th arrondissement).
HOTEL_DE_VILLE = (48.856613, 2.352222)


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


@pytest.fixture
def api_key(session):
    _, key = open311.create_client("test-client")
    session.flush()
    return key


@pytest.fixture
def leaf(session):
    """A reportable, public leaf category (graffiti if present)."""
    query = (select(Category).where(Category.is_leaf, Category.active,
                                    Category.agent_only.is_(False),
                                    Category.out_of_scope.is_(False),
                                    Category.unit_id.is_not(None))
             .order_by(Category.label.ilike("%graffiti%").desc(), Category.id))
    return session.scalars(query).first()
