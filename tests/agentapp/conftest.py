"""Fixtures of the agents' web app: committed reports dispatched by a real RQ
worker, an agent of one unit with a password, a live server, axe-core."""

import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageFilter
from rq import SimpleWorker
from sqlalchemy import delete, func, select

from dansmarue.models import NotificationLog, OutboxJob, Report, User, db
from tests import axe
from tests.live_server import LiveServer

AGENT_EMAIL = "agent.web@paris.example"
OTHER_EMAIL = "agent.autre@paris.example"
PASSWORD = "mot-de-passe-agent-42"
GRASS = 17  # "Herbes éparses" -> DPE-STPP-DT
GRID = 24  # "Élément de grille d'arbre manquant" -> DVD-STV
# Stops created in this order (the queue's order): they zigzag east-west,
# so any sensible route is shorter than the queue's order.
ZIGZAG = [
    (2.3700, 48.8570),
    (2.3400, 48.8560),
    (2.3690, 48.8590),
    (2.3410, 48.8580),
    (2.3680, 48.8610),
    (2.3420, 48.8600),
]
OTHERS = [
    (2.3522, 48.8566),
    (2.3530, 48.8570),
    (2.3540, 48.8562),
    (2.3515, 48.8575),
    (2.3550, 48.8568),
    (2.3560, 48.8572),
    (2.3525, 48.8580),
    (2.3535, 48.8555),
    (2.3545, 48.8577),
    (2.3518, 48.8559),
    (2.3528, 48.8585),
    (2.3538, 48.8551),
    (2.3548, 48.8583),
    (2.3508, 48.8571),
    (2.3558, 48.8561),
]


def phone_photo(seed: int) -> bytes:
    """A 1600 x 1200 JPEG with texture, about what a resized phone photo weighs."""
    image = Image.effect_noise((1600, 1200), 24 + seed % 8).convert("RGB").filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def drain(app) -> None:
    """Relay the outbox and run a real RQ worker in this process until idle."""
    from dansmarue.jobs.queues import all_queues
    from dansmarue.jobs.relay import relay_pending
    from dansmarue.platform.redis_client import get_redis

    with app.app_context():
        while relay_pending():
            pass
        db.session.commit()
        connection = get_redis()
        SimpleWorker(all_queues(connection), connection=connection).work(burst=True, with_scheduler=False)
        db.session.remove()


@dataclass
class Seeded:
    refs: list[str] = field(default_factory=list)  # in the agent's scope, queue order
    stops: list[str] = field(default_factory=list)  # scheduled today (zigzag)
    other_ref: str = ""  # another unit's


def _purge() -> None:
    emails = [AGENT_EMAIL, OTHER_EMAIL]
    db.session.execute(delete(User).where(User.email.in_(emails)))
    db.session.commit()


@pytest.fixture(scope="module")
def seeded(app):
    from dansmarue.access import auth
    from dansmarue.catalogue import agent_texts
    from dansmarue.reports import intake as reports
    from dansmarue.workflow import perform as workflow

    with app.app_context():
        _purge()
        agent_texts.seed_defaults()
        marks = (
            db.session.scalar(select(func.coalesce(func.max(Report.id), 0))),
            db.session.scalar(select(func.coalesce(func.max(OutboxJob.id), 0))),
        )
        auth.create_user(
            AGENT_EMAIL, PASSWORD, "agent", full_name="Agente Terrain", unit_codes=["DPE-STPP-DT"]
        )
        auth.create_user(OTHER_EMAIL, PASSWORD, "agent", full_name="Agent Voirie", unit_codes=["DVD-STV"])
        created = [
            reports.create_report(
                category_id=GRASS,
                latitude=lat,
                longitude=lon,
                description=f"Herbes hautes n°{n}",
                address=f"{n} rue de test, Paris",
                photos=[("close", phone_photo(n))],  # the queue shows their thumbnails
            )
            for n, (lon, lat) in enumerate(ZIGZAG + OTHERS)
        ]
        other = reports.create_report(
            category_id=GRID,
            latitude=48.8566,
            longitude=2.3522,
            description="Grille manquante",
            address="Hôtel de Ville",
        )
        db.session.commit()
        ids = [r.id for r in created]
        other_id = other.id
        db.session.remove()
    drain(app)
    with app.app_context():
        agent = db.session.scalar(select(User).where(User.email == AGENT_EMAIL))
        today = datetime.now(ZoneInfo("Europe/Paris")).date()
        for report_id in ids[: len(ZIGZAG)]:
            workflow.perform(report_id, "schedule", agent, date=today)
        db.session.commit()
        rows = {r.id: r for r in db.session.scalars(select(Report).where(Report.id.in_(ids)))}
        data = Seeded(
            refs=[rows[i].reference for i in ids],
            stops=[rows[i].reference for i in ids[: len(ZIGZAG)]],
            other_ref=db.session.get(Report, other_id).reference,
        )
        assert all(rows[i].state == "new" for i in ids[len(ZIGZAG) :]), "dispatch did not run"
        db.session.remove()
    yield data
    with app.app_context():
        new_reports = select(Report.id).where(Report.id > marks[0])
        db.session.execute(delete(NotificationLog).where(NotificationLog.report_id.in_(new_reports)))
        db.session.execute(delete(OutboxJob).where(OutboxJob.id > marks[1]))
        db.session.execute(delete(Report).where(Report.id > marks[0]))
        db.session.commit()
        _purge()
        db.session.remove()


@pytest.fixture(scope="module")
def live_server(app, seeded):
    with LiveServer(app) as server:
        yield server.url


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed once under tests/.cache."""
    return axe.source()


@pytest.fixture(autouse=True)
def _fresh_login_limits(app):
    from dansmarue.extensions import limiter

    with app.app_context():
        limiter.reset()
