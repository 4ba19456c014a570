"""#14.5: the development mail sink catches what the app sends and /dev/mails
shows it; production refuses the sink."""

import pytest
from sqlalchemy import select

from dansmarue import create_app
from dansmarue.devtools import mailsink
from dansmarue.models import Category, OutboxJob
from dansmarue.platform.production import UnsafeProductionConfig
from tests.residents.conftest import GRAFFITI, body
from tests.workers.conftest import free_port
from workers.runner import run_outbox_job


@pytest.fixture
def sink(app, tmp_path, monkeypatch):
    controller = mailsink.serve(tmp_path / "mails", port=free_port())
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    yield tmp_path / "mails"
    controller.stop()


@pytest.fixture
def sink_app(app, sink):
    sink_app = create_app({**app.config, "MAIL_SINK_DIR": str(sink)})
    return sink_app


def test_the_acknowledgement_of_a_posted_report_is_shown(client, session, sink, sink_app):
    graffiti = session.scalar(select(Category).where(Category.label == GRAFFITI))
    answer = client.post("/api/v1/reports", json=body(graffiti, email="nouvelle@example.org"))
    assert answer.status_code == 201
    reference = answer.get_json()["reference"]
    ack = session.scalar(
        select(OutboxJob)
        .where(OutboxJob.func.endswith("send_acknowledgement"))
        .order_by(OutboxJob.id.desc())
        .limit(1)
    )
    with client.application.app_context():
        run_outbox_job(ack.id)

    caught = mailsink.caught(sink)
    assert [m.to for m in caught] == ["nouvelle@example.org"]
    assert reference in caught[0].subject + caught[0].text

    web = sink_app.test_client()
    page = web.get("/dev/mails")
    assert page.status_code == 200 and "nouvelle@example.org" in page.get_data(as_text=True)
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    detail = web.get(f"/dev/mails/{caught[0].key}")
    assert detail.status_code == 200 and reference in detail.get_data(as_text=True)
    assert web.get("/dev/mails/nope").status_code == 404
    far = web.get("/dev/mails", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 404


def test_without_a_sink_there_is_no_page(client):
    assert client.get("/dev/mails").status_code == 404


def test_production_refuses_the_sink(app, tmp_path):
    unsafe = {
        **app.config,
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "PUBLIC_BASE_URL": "https://signalement.example.org",
        "METRICS_TOKEN": "t" * 20,
        "MAIL_SINK_DIR": str(tmp_path),
    }
    with pytest.raises(UnsafeProductionConfig, match="MAIL_SINK_DIR"):
        create_app(unsafe)
