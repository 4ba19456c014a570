"""#19.2: sign-in links are limited per mailbox (whoever asks) and per client
address (whatever mailbox), on the API and the residents' page alike."""

import pytest

from tests.residents.conftest import config_for


@pytest.fixture
def limited(redis_conn, tmp_path):
    from dansmarue import create_app

    app = create_app(
        {
            **config_for(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_SIGN_IN_PER_EMAIL": "2 per hour",
            "RATELIMIT_SIGN_IN_PER_CLIENT": "3 per hour",
        }
    )
    yield app
    create_app(config_for(tmp_path / "again"))  # the limiter is one object: rebind it


def _ask(client, email: str, client_address: str) -> int:
    return client.post(
        "/api/v1/auth/resident/sign-in-link",
        json={"email": email},
        environ_base={"REMOTE_ADDR": client_address},
    ).status_code


def test_one_mailbox_gets_only_so_many_links(limited, session):
    client = limited.test_client()
    statuses = [_ask(client, "cible@example.org", f"10.1.0.{n}") for n in range(3)]
    assert statuses == [202, 202, 429]
    refused = client.post(
        "/api/v1/auth/resident/sign-in-link",
        json={"email": "CIBLE@example.org "},
        environ_base={"REMOTE_ADDR": "10.1.0.9"},
    )
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert _ask(client, "autre@example.org", "10.1.0.9") == 202


def test_one_client_asks_for_only_so_many_mailboxes(limited, session):
    client = limited.test_client()
    statuses = [_ask(client, f"boite{n}@example.org", "10.2.0.1") for n in range(4)]
    assert statuses == [202, 202, 202, 429]
    assert _ask(client, "boite9@example.org", "10.2.0.2") == 202
