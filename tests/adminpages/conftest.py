"""Fixtures of the admin pages: an administrator signed in through the real
cookie session (the one `web_session.log_in` writes), in the test's rolled-back
transaction."""

import time

import pytest
from flask.testing import FlaskClient

from dansmarue.models import User
from dansmarue.web_session import CSRF_KEY, EPOCH_KEY, SEEN_KEY, USER_KEY

CSRF = "jeton-csrf-des-pages-admin"


def sign_in(client: FlaskClient, user: User) -> None:
    with client.session_transaction() as cookie:
        cookie.update(
            {USER_KEY: user.id, EPOCH_KEY: user.session_epoch, CSRF_KEY: CSRF, SEEN_KEY: int(time.time())}
        )


@pytest.fixture
def admin(session) -> User:
    from dansmarue.access import auth

    return auth.create_user("admin.pages@example.org", None, "admin", full_name="Admin Pages")


@pytest.fixture
def web(client: FlaskClient, admin: User) -> FlaskClient:
    sign_in(client, admin)
    return client
