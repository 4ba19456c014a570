"""Fixtures for the resident API tests: categories, points, photos, a live server."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from dansmarue.models import Category

# A point in the 11th arrondissement (rue de la Roquette).
ROQUETTE = {"latitude": 48.8539252, "longitude": 2.3801912}
GRAFFITI = "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale"


@pytest.fixture
def graffiti(session):
    return session.scalar(select(Category).where(Category.label == GRAFFITI))


@pytest.fixture
def leaf(graffiti):
    return graffiti


def category_where(session, *conditions):
    return session.scalar(select(Category).where(*conditions).order_by(Category.id))


def jpeg_bytes(width=64, height=48, color=(200, 30, 30), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def body(category, **overrides) -> dict:
    data = {"category_id": category.id, **ROQUETTE, "description": "Tag sur la façade"}
    data.update(overrides)
    return data


def config_for(tmp_path) -> dict:
    """The suite's test configuration, for apps a test builds itself."""
    from tests.conftest import test_config

    class Factory:
        def mktemp(self, name):
            path = tmp_path / name
            path.mkdir(parents=True, exist_ok=True)
            return path

    return test_config(Factory())
