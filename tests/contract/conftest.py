"""Fixtures of the contract tests: staff accounts, and the bugs the app logs."""

import logging

import pytest

from tests.agents.conftest import people, seeded_catalogues  # noqa: F401


class BugRecords(logging.Handler):
    """The errors the app logs as its own bugs: a database error that escaped
    validation (answered 422/409 by the last-resort handlers) or a 500."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def bugs():
    handler = BugRecords()
    logger = logging.getLogger("dansmarue")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
