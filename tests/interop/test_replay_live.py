"""Issue #18's "done when": both apps' full sequences, and the agent's, replayed
over HTTP against a fresh `make run` — the real `scripts/run.sh` (gunicorn,
RQ worker, scheduler) started by the test on a free port, on the test
database. The new reports are dispatched by that worker, not by the test.

The accounts the sequences sign in with (a resident's Paris-account guid, an
agent with a bearer token) are committed first and deleted afterwards, with
the reports, keys and jobs the run created (the `committed` fixture).
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete

from dansmarue.access import auth
from dansmarue.models import ApiToken, IdempotencyKey, Report, ReportEvent, User, db
from tests.interop.app_calls import Transport
from tests.interop.test_replay_agent import AGENT_GUID, android_agent_sequence
from tests.interop.test_replay_android import android_resident_sequence
from tests.interop.test_replay_ios import ios_resident_sequence
from tests.supervisor import Supervisor, supervisor, wait_live  # noqa: F401  (fixture)

EMAILS = ("camille.martin@example.org", "proprete.live@paris.fr")


@pytest.fixture
def accounts(app: Flask, committed: tuple[int, int]) -> Iterator[str]:
    """The resident (guid-camille) and the agent (AGENT_GUID); yields the agent's token."""
    with app.app_context():
        _purge(committed[0])
        resident = auth.create_user(EMAILS[0], None, "resident", full_name="Camille Martin")
        resident.account_guid = "guid-camille"
        agent = auth.create_user(
            EMAILS[1], None, "agent", full_name="Agent Propreté", unit_codes=["DPE-STPP-DT"]
        )
        agent.account_guid = AGENT_GUID
        token = auth.issue_token(agent)
        db.session.commit()
    try:
        yield token
    finally:
        with app.app_context():
            _purge(committed[0])


def _purge(last_report_id: int) -> None:
    """This run's rows that point at the accounts go before them (the reports
    themselves are the `committed` fixture's), then the accounts."""
    new_reports = Report.id > last_report_id
    users = db.session.scalars(db.select(User.id).where(User.email.in_(EMAILS))).all()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.report_id > last_report_id))
    db.session.execute(
        delete(ReportEvent).where(ReportEvent.report_id.in_(db.select(Report.id).where(new_reports)))
    )
    db.session.execute(delete(Report).where(new_reports))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(users)))
    db.session.execute(delete(User).where(User.id.in_(users)))
    db.session.commit()


def test_the_apps_full_sequences_against_make_run(supervisor, accounts, tmp_path):
    sup: Supervisor = supervisor(MEDIA_ROOT=str(tmp_path / "media"))
    wait_live(sup)
    resident = Transport(base_url=sup.base)
    android_resident_sequence(resident, accounts=True)
    ios_resident_sequence(resident, accounts=True)
    android_agent_sequence(resident, resident.with_bearer(accounts), accounts=True)
    sup.stop()
    assert "Traceback" not in sup.text()
