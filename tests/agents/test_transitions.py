"""Every transition of the table, allowed from each of its source states and
refused (409 with the allowed list) from every other state; roles refused."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dansmarue.access import auth
from dansmarue.errors import Conflict, Forbidden
from dansmarue.models import OutboxJob, ReportEvent
from dansmarue.workflow import perform as workflow
from dansmarue.workflow.states import STATES
from dansmarue.workflow.transitions import DONE_SOURCES, TABLE, TRANSITIONS, allowed_from
from tests.agents.conftest import GRID, make_report

FUTURE = (date.today() + timedelta(days=30)).isoformat()
PARAMS = {
    "schedule": {"date": FUTURE},
    "reschedule": {"date": FUTURE},
    "contractor_schedule": {"date": FUTURE},
    "reject": {"reason": "Hors du domaine public"},
    "requalify": {"category_id": GRID},
    "transfer": {"third_party": "Enedis"},
    "comment": {"comment": "Passage prévu jeudi"},
    "done": {"message": "Trottoir désherbé."},
}
ALLOWED = [(t.code, s) for t in TABLE for s in t.sources]
REFUSED = [(t.code, s) for t in TABLE for s in STATES if s not in t.sources]


def _actor(code, session):
    """An actor allowed to run `code`: an agent, else an admin, else internal."""
    roles = TRANSITIONS[code].roles
    for role, units in (("agent", ["DPE-STPP-DT"]), ("admin", [])):
        if role in roles:
            return auth.create_user(f"{role}.{code}@paris.fr", None, role, unit_codes=units), {}
    return None, {"actor_kind": roles[0]}


def _params(code, report):
    if code == "mark_duplicate":
        return {"duplicate_of": make_report().reference}
    return dict(PARAMS.get(code, {}))


@pytest.mark.parametrize("code,state", ALLOWED, ids=[f"{c}-from-{s}" for c, s in ALLOWED])
def test_allowed(session, code, state):
    transition = TRANSITIONS[code]
    report = make_report(state=state)
    actor, extra = _actor(code, session)
    version = report.version
    workflow.perform(report.id, code, actor, expected_version=version, **_params(code, report), **extra)
    expected = transition.to_state or state
    if transition.then:
        expected = TRANSITIONS[transition.then].to_state
    assert report.state == expected
    assert report.version > version  # subscribers (SLA clock) may update it again
    events = session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
    ).all()
    assert events[0].action == code and events[0].from_state == state
    assert events[0].data["real_action_id"] == transition.real_id(state)
    assert events[0].actor_user_id == (actor.id if actor else None)
    assert events[0].is_public == bool(transition.public)
    if transition.then:
        assert [e.action for e in events] == [code, transition.then]


@pytest.mark.parametrize("code,state", REFUSED, ids=[f"{c}-from-{s}" for c, s in REFUSED])
def test_refused_in_other_states(session, code, state):
    report = make_report(state=state)
    actor, extra = _actor(code, session)
    kind = actor.role if actor else extra["actor_kind"]
    with pytest.raises(Conflict) as caught:
        workflow.perform(report.id, code, actor, **_params(code, report), **extra)
    assert caught.value.extra["allowed"] == allowed_from(state, kind)
    session.refresh(report)
    assert report.state == state and report.version == 1
    assert session.scalar(select(ReportEvent.id).where(ReportEvent.report_id == report.id)) is None


@pytest.mark.parametrize("code", [t.code for t in TABLE])
def test_roles_not_listed_are_forbidden(session, code):
    transition = TRANSITIONS[code]
    state = next(iter(transition.sources))
    for role in ("agent", "manager", "admin"):
        if role in transition.roles:
            continue
        user = auth.create_user(
            f"{role}.{code}.x@paris.fr",
            None,
            role,
            unit_codes=["DPE-STPP-DT"],
            direction_code="DPE" if role == "manager" else None,
        )
        report = make_report(state=state)
        with pytest.raises(Forbidden):
            workflow.perform(report.id, code, user, **_params(code, report))
        assert report.state == state
    for kind in ("system", "contractor", "resident"):
        if kind not in transition.roles:
            report = make_report(state=state)
            with pytest.raises(Forbidden):
                workflow.perform(report.id, code, None, actor_kind=kind, **_params(code, report))


def test_requalify_reroutes_keeps_previous_values_and_redispatches(session):
    from dansmarue import signals

    agent = auth.create_user("requal@paris.fr", None, "agent", unit_codes=["DPE-STPP-DT"])
    report = make_report(state="to_process", scheduled_for=date.today() + timedelta(days=3))
    received = []
    handler = lambda sender, **kw: received.append((sender, kw))  # noqa: E731
    signals.report_requalified.connect(handler)
    try:
        workflow.perform(report.id, "requalify", agent, category_id=GRID, latitude=48.8530, longitude=2.3499)
    finally:
        signals.report_requalified.disconnect(handler)
    assert report.state == "verification" and report.category_id == GRID
    assert report.unit.code == "DVD-STV" and report.scheduled_for is None
    event = session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)).one()
    assert event.data["previous"]["category_id"] == 17
    assert event.data["previous"]["unit_id"] != report.unit_id
    assert event.data["previous"]["latitude"] == 48.8566
    assert received and received[0][1]["previous"]["category_id"] == 17
    job = session.scalars(
        select(OutboxJob).where(OutboxJob.dedup_key == f"report:{report.id}:dispatch:{event.id}")
    ).one()
    assert job.func == "workers.jobs.dispatch.dispatch_report" and job.args == [report.id]


def test_requalify_outside_paris_is_refused_and_leaves_nothing(session):
    from dansmarue.errors import OutsideServiceArea

    agent = auth.create_user("requal2@paris.fr", None, "agent", unit_codes=["DPE-STPP-DT"])
    report = make_report(state="new")
    with pytest.raises(OutsideServiceArea):
        workflow.perform(report.id, "requalify", agent, latitude=48.70, longitude=2.10)
    session.refresh(report)
    assert report.state == "new" and report.version == 1


def test_agent_cannot_act_outside_scope(session):
    other = auth.create_user("dvd@paris.fr", None, "agent", unit_codes=["DVD-STV"])
    report = make_report(state="new")
    with pytest.raises(Forbidden):
        workflow.perform(report.id, "take_charge", other)


def test_table_matches_the_reference_ids():
    """Spot checks against §2 of the reference."""
    assert TRANSITIONS["take_charge"].real_id("new") == 13
    assert TRANSITIONS["reject"].real_id("to_process") == 21
    assert TRANSITIONS["requalify"].real_id("new") == 14
    assert TRANSITIONS["reschedule"].real_id("scheduled") == 29
    assert TRANSITIONS["archive"].real_id("done") == 39
    assert TRANSITIONS["retry_send"].real_id("send_failed") == 85
    assert TRANSITIONS["end_watch"].real_id("under_watch") == 84
    ids = [i for t in TABLE for i in t.sources.values() if i is not None]
    assert len(ids) == len(set(ids)) + len(DONE_SOURCES)  # shared with mark_duplicate


def test_the_table_check_raises_even_under_python_O():
    """check_table raises ValueError (no assert, which `python -O` removes)."""
    from dataclasses import replace

    from dansmarue.workflow.transitions import check_table

    check_table()
    broken = replace(TABLE[0], to_state="no_such_state")
    with pytest.raises(ValueError):
        check_table([broken, *TABLE[1:]])


def test_system_transitions_outside_the_table_raise_under_python_O(session):
    """dispatch._change refuses a state change the table does not allow (was an assert)."""
    import subprocess
    import sys

    code = (
        "from types import SimpleNamespace as N\n"
        "from dansmarue.workflow import dispatch\n"
        "try:\n"
        "    dispatch._change(N(state='done'), 'transferred', 'send_to_contractor')\n"
        "except RuntimeError: print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "refused", out.stderr
