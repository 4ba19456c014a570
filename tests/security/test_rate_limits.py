"""#21.4: every anonymous endpoint shares a budget per address, and one report
accepts only so many follows and congratulations, whoever sends them."""

import pytest
from sqlalchemy import select

from dansmarue.models import Category
from tests.residents.conftest import GRAFFITI, ROQUETTE, config_for


@pytest.fixture
def limited(redis_conn, tmp_path):
    from dansmarue import create_app

    app = create_app(
        {
            **config_for(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ANONYMOUS": "3 per minute",
            "RATELIMIT_PER_REPORT": "2 per hour",
        }
    )
    yield app
    create_app(config_for(tmp_path / "again"))  # the limiter is one object: rebind it


def test_anonymous_reads_are_limited_per_address_but_not_probes(limited):
    client = limited.test_client()
    statuses = [client.get("/api/v1/categories").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/reports?latitude=48.85&longitude=2.35")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/health/live").status_code == 200  # load balancers keep probing
    assert client.get("/api/v1/categories", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200
    mobile = client.post(
        "/rest/signalement/api", data={"jsonStream": '[{"request": "getIncidentsByPosition"}]'}
    )
    assert mobile.status_code == 429


def test_one_report_takes_only_so_many_follows_from_any_address(limited, session):
    from dansmarue.models import db
    from tests.workers.conftest import new_report

    with limited.app_context():
        graffiti = db.session.scalar(select(Category).where(Category.label == GRAFFITI))
        report = new_report(db.session, category=graffiti)
        reference = report.reference
    try:
        client = limited.test_client()
        statuses = [
            client.post(
                f"/api/v1/reports/{reference}/congratulations",
                json={"udid": f"device-{n}"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
            ).status_code
            for n in range(3)
        ]
        assert statuses[:2] == [201, 201] or statuses[:2] == [200, 200], statuses
        assert statuses[2] == 429
    finally:
        with limited.app_context():
            from dansmarue.models import Report

            db.session.query(Report).filter(Report.reference == reference).delete()
            db.session.commit()
    assert ROQUETTE  # the intake point the report was filed at


def test_with_redis_down_limits_are_counted_in_memory(tmp_path):
    """#20.6: Redis away, requests are still answered (not a 500) and still
    limited, per process, with one warning instead of a traceback each."""
    from dansmarue import create_app
    from dansmarue.extensions import limiter
    from tests.workers.conftest import free_port

    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(
        {
            **config_for(tmp_path),
            "REDIS_URL": nowhere,
            "RATELIMIT_STORAGE_URI": nowhere,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ANONYMOUS": "3 per minute",
        }
    )
    try:
        client = app.test_client()
        statuses = [client.get("/api/v1/categories").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert limiter._storage_dead  # it noticed, and went to memory
    finally:
        limiter._storage_dead = False  # one limiter object for every app of the suite
        create_app(config_for(tmp_path / "again"))  # the limiter is one object: rebind it
