"""Fixtures for the interoperability area (Open311 and the mobile RPC API)."""

import pytest
from sqlalchemy import select

from dansmarue.interop import open311
from dansmarue.models import Category

# Rue de Rivoli by the Hôtel de Ville (4th arrondissement).
HOTEL_DE_VILLE = (48.856613, 2.352222)


@pytest.fixture
def api_key(session):
    _, key = open311.create_client("test-client")
    session.flush()
    return key


@pytest.fixture
def leaf(session):
    """A reportable, public leaf category (graffiti if present)."""
    query = (
        select(Category)
        .where(
            Category.is_leaf,
            Category.active,
            Category.agent_only.is_(False),
            Category.out_of_scope.is_(False),
            Category.unit_id.is_not(None),
        )
        .order_by(Category.label.ilike("%graffiti%").desc(), Category.id)
    )
    return session.scalars(query).first()


def jpeg_bytes(seed: int = 1, size=(320, 240)) -> bytes:
    """A small real JPEG with some structure (the validator decodes it)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (40 + seed * 20 % 200, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(8):
        draw.rectangle(
            [i * 30, i * 20, i * 30 + 60, i * 20 + 40],
            fill=((seed * 37 + i * 50) % 256, (i * 70) % 256, 200 - i * 20),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def make_report(session, leaf):
    """Create reports through the shared intake service, committed (a savepoint
    here), so a refused request's rollback in a route does not undo them."""
    from dansmarue.reports import intake as reports

    def make(**overrides):
        fields = {
            "category_id": leaf.id,
            "latitude": HOTEL_DE_VILLE[0],
            "longitude": HOTEL_DE_VILLE[1],
            "description": "Tag sur la façade",
            "address": "Place de l'Hôtel de Ville, 75004 Paris",
            "origin": "G",
            "reporter_guid": "guid-reporter",
            "reporter_udid": "udid-reporter",
            "reporter_email": "resident@example.org",
        }
        fields.update(overrides)
        report = reports.create_report(**fields)
        session.commit()
        return report

    return make


def own_app(tmp_path_factory, **config):
    """A second app on the same test database (committed data: clean it up)."""
    from dansmarue import create_app
    from tests.conftest import test_config

    return create_app({**test_config(tmp_path_factory), **config})
