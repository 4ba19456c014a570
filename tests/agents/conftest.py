"""Fixtures for the agents area."""

import pytest

from dansmarue.models import db

POINT = (2.3522, 48.8566)  # Hôtel de Ville, 4e
GRASS = 17  # "Herbes éparses" -> DPE-STPP-DT (direction DPE)
GRID = 24  # "Élément de grille d'arbre manquant" -> DVD-STV (direction DVD)
ROLES_CASES = ("anonymous", "resident", "other_agent", "agent", "manager", "admin")


@pytest.fixture(scope="session", autouse=True)
def seeded_catalogues(app):
    """Default catalogues, committed once (idempotent, like reference data)."""
    from dansmarue.catalogue import agent_texts

    with app.app_context():
        agent_texts.seed_defaults()
        db.session.commit()
        db.session.remove()


def make_report(state: str = "new", category_id: int = GRASS, point=POINT, **fields):
    """A report placed by the real routing, in any state (test set-up only)."""
    from geoalchemy2 import WKTElement

    from dansmarue.models import Category, Report, utcnow
    from dansmarue.reports import references, routing

    category = db.session.get(Category, category_id)
    place = routing.locate(point[0], point[1], category.unit_id)
    now = utcnow()
    report = Report(
        reference=references.allocate_reference("S", now),
        token=references.new_token(),
        state=state,
        category_id=category_id,
        priority=2,
        origin="S",
        description=fields.pop("description", "Herbes hautes le long du trottoir"),
        address=fields.pop("address", "Place de l'Hôtel de Ville, 75004 Paris"),
        geom=WKTElement(f"POINT({point[0]} {point[1]})", srid=4326),
        district_id=place.district_id,
        quartier_id=place.quartier_id,
        conseil_id=place.conseil_id,
        direction_id=place.direction_id,
        unit_id=place.unit_id,
        sector_id=place.sector_id,
        special_perimeter_id=place.special_perimeter_id,
        created_at=now,
        updated_at=now,
        followers_count=0,
        congratulations_count=0,
        **fields,
    )
    db.session.add(report)
    db.session.flush()
    return report


@pytest.fixture
def people(session):
    """One account per role, with a bearer token each (None for anonymous).

    No passwords: argon2 hashing is slow on purpose, and tokens are issued directly.
    """
    from dansmarue.access import auth

    users = {
        "resident": auth.create_user("habitant@example.org", None, "resident"),
        "other_agent": auth.create_user(
            "voirie@paris.fr", None, "agent", full_name="Agent Voirie", unit_codes=["DVD-STV"]
        ),
        "agent": auth.create_user(
            "proprete@paris.fr", None, "agent", full_name="Agent Propreté", unit_codes=["DPE-STPP-DT"]
        ),
        "manager": auth.create_user(
            "chef.dpe@paris.fr", None, "manager", full_name="Cheffe DPE", direction_code="DPE"
        ),
        "admin": auth.create_user("admin@paris.fr", None, "admin", full_name="Admin"),
    }
    tokens = {name: auth.issue_token(user) for name, user in users.items()}
    return {"users": users, "tokens": tokens}


def bearer(people, who: str) -> dict:
    token = people["tokens"].get(who)
    return {"Authorization": f"Bearer {token}"} if token else {}
