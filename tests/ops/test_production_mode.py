"""APP_ENV=production refuses each unsafe default with a message naming it."""

import pytest
from flask import Flask

from dansmarue import create_app
from dansmarue.platform.production import UnsafeProductionConfig
from dansmarue.web_session import USER_KEY
from tests.conftest import test_config as base_config

STRONG = "x" * 48


def _production(tmp_path_factory, **overrides) -> dict:
    config = base_config(tmp_path_factory)
    config.update(
        APP_ENV="production",
        SECRET_KEY=STRONG,
        PUBLIC_BASE_URL="https://dansmarue.example.org",
        METRICS_TOKEN="m" * 32,
    )
    config.update(overrides)
    return config


def test_a_safe_production_config_starts_with_secure_cookies(tmp_path_factory):
    app = create_app(_production(tmp_path_factory))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": "dev-only-change-me"}, "SECRET_KEY"),
        (
            {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@db.internal:5432/dansmarue"},
            "SQLALCHEMY_DATABASE_URI",
        ),
        ({"PUBLIC_BASE_URL": "http://dansmarue.example.org"}, "PUBLIC_BASE_URL"),
        ({"METRICS_TOKEN": ""}, "METRICS_TOKEN"),
    ],
)
def test_each_unsafe_default_is_refused(tmp_path_factory, overrides, named):
    with pytest.raises(UnsafeProductionConfig) as refused:
        create_app(_production(tmp_path_factory, **overrides))
    message = str(refused.value)
    assert "APP_ENV=production refuses to start" in message
    assert named in message
    assert message.count("\n- ") == 1  # only the unsafe setting is named


def test_development_keeps_its_defaults(tmp_path_factory):
    config = base_config(tmp_path_factory)
    config["SECRET_KEY"] = "dev-only-change-me"
    assert create_app(config).config["SECRET_KEY"] == "dev-only-change-me"


def test_a_cookie_forged_with_the_dev_secret_does_not_open_the_dashboard(tmp_path_factory):
    """Issue #21's probe: sign {web_user_id: <an admin>} with the default secret.

    The same cookie opens the dashboard of a development app (so the probe is
    real) and not that of a production app (whose secret cannot be the default)."""
    import time

    from dansmarue.models import User, db

    dev = create_app(base_config(tmp_path_factory) | {"SECRET_KEY": "dev-only-change-me"})
    prod = create_app(_production(tmp_path_factory))
    with dev.app_context():
        admin = User(email="forge-probe@example.org", role="admin", full_name="Probe")
        db.session.add(admin)
        db.session.commit()
        admin_id = admin.id
    try:
        forger = Flask("forger")
        forger.secret_key = "dev-only-change-me"
        forged = forger.session_interface.get_signing_serializer(forger).dumps(
            # The epoch is no secret: whoever holds the signing key forges it too.
            {USER_KEY: admin_id, "web_epoch": 0, "web_seen": int(time.time())}
        )
        answers = {}
        for name, app in (("dev", dev), ("prod", prod)):
            client = app.test_client()
            client.set_cookie("session", forged)
            answers[name] = client.get("/dashboard").status_code
        assert answers == {"dev": 200, "prod": 302}, answers  # prod: back to the login page
    finally:
        with dev.app_context():
            db.session.execute(db.delete(User).where(User.id == admin_id))
            db.session.commit()
