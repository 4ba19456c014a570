from tests.agents.conftest import people, seeded_catalogues  # noqa: F401
