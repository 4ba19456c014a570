"""Fixtures of the dashboard area.

* `seeded`: COMMITTED reports and accounts (a real server thread and the API
  must see them), deleted again afterwards, roll-ups folded both times.
* `live_server`: the app served by werkzeug in a thread on a free port.
"""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import delete, select

from dansmarue.access import auth
from dansmarue.models import ApiToken, Report, User, db, utcnow
from tests.dashboard import seed
from tests.live_server import LiveServer


@pytest.fixture(autouse=True)
def _fresh_login_limits(app):
    """Tests log in many times a minute: start each one with clean rate-limit counters."""
    from dansmarue.extensions import limiter

    with app.app_context():
        limiter.reset()


@dataclass
class Seeded:
    manager_email: str
    admin_email: str
    password: str
    direction_id: int
    other_direction_id: int
    report_ids: list[int] = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # district -> (open, overdue) for the manager
    token: str = ""
    categories: list[int] = field(default_factory=list)
    category_units: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def seeded(app):
    """Reports in five arrondissements of one direction (one per colour class),
    some of another direction, closed ones over past weeks; a manager and an admin."""
    with app.app_context():
        _purge_leftovers()
        now = utcnow()
        data = seed.seed_reports(now)
        password = "mot-de-passe-tableau-42"
        manager = auth.create_user(
            seed.MANAGER_EMAIL,
            password,
            "manager",
            full_name="Camille Responsable",
            direction_code=seed.DIRECTION,
        )
        admin = auth.create_user(seed.ADMIN_EMAIL, password, "admin", full_name="Alex Admin")
        token = auth.issue_token(manager)
        db.session.commit()
        seed.fold()
        result = Seeded(
            manager.email,
            admin.email,
            password,
            data["direction_id"],
            data["other_direction_id"],
            data["report_ids"],
            data["expected"],
            token,
            data["categories"],
            data["category_units"],
        )
        db.session.remove()
    yield result
    with app.app_context():
        _purge_leftovers()
        db.session.remove()


def _purge_leftovers() -> None:
    """Delete what this fixture creates (also after a crashed earlier run)."""
    user_ids = select(User.id).where(User.email.in_([seed.MANAGER_EMAIL, seed.ADMIN_EMAIL]))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(user_ids)))
    db.session.execute(delete(User).where(User.email.in_([seed.MANAGER_EMAIL, seed.ADMIN_EMAIL])))
    db.session.execute(delete(Report).where(Report.reference.like(f"{seed.REF_PREFIX}%")))
    db.session.commit()
    seed.fold()


@pytest.fixture(scope="module")
def live_server(app, seeded):
    """A real HTTP server on 127.0.0.1 and a free port; stopped after the module."""
    with LiveServer(app) as server:
        yield server.url
