"""The sweep's effects: status steps, internal events, outbox jobs, idempotence, mails."""

import pytest
import time_machine

from dansmarue.access import auth
from dansmarue.models import Report, Unit, db
from dansmarue.sla.sweep import sweep
from workers.jobs import sla as sla_jobs_module

from .conftest import leaf, move, paris, sla_events, sla_jobs

LITTER = "Propreté:Déchets et/ou salissures divers"


def _litter_at_monday_9(make_report) -> Report:
    # Monday 1 June 2026 09:00: ack due 13:00, due Wednesday 09:00, due soon
    # at 80 % (Tuesday 23:24), escalation 24 h after the due date.
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False):
        return make_report(leaf(LITTER))


def test_thresholds_step_by_step(make_report):
    report = _litter_at_monday_9(make_report)
    MINE = {report.id}
    assert report.escalate_at == paris(2026, 6, 4, 9, 0)

    assert sweep(now=paris(2026, 6, 1, 12, 0))["claimed"] == 0
    assert sla_events(report.id) == []

    result = sweep(now=paris(2026, 6, 1, 14, 0))
    assert result["events"] == 1
    assert sla_events(report.id) == ["sla_ack_late"]
    assert sla_jobs(MINE) == [("workers.jobs.sla.notify_overdue", [[report.id]])]

    again = sweep(now=paris(2026, 6, 1, 14, 0))
    assert again["claimed"] == again["events"] == again["jobs"] == 0

    move(report, "to_process")
    sweep(now=paris(2026, 6, 3, 0, 0))
    db.session.refresh(report)
    assert report.sla_status == "due_soon"
    assert sla_events(report.id) == ["sla_ack_late", "sla_due_soon"]
    assert len(sla_jobs(MINE)) == 1  # due soon: no mail

    sweep(now=paris(2026, 6, 3, 10, 0))
    db.session.refresh(report)
    assert report.sla_status == "overdue"
    assert report.overdue_at == paris(2026, 6, 3, 10, 0)
    assert sla_jobs(MINE)[-1] == ("workers.jobs.sla.notify_overdue", [[report.id]])

    sweep(now=paris(2026, 6, 4, 10, 0))
    db.session.refresh(report)
    assert report.sla_status == "escalated"
    assert report.sla_next_at is None
    assert sla_jobs(MINE)[-1] == ("workers.jobs.sla.notify_escalation", [[report.id]])
    assert sla_events(report.id) == ["sla_ack_late", "sla_due_soon", "sla_overdue", "sla_escalated"]
    assert sweep(now=paris(2026, 6, 9, 10, 0))["claimed"] == 0


def test_a_late_first_run_jumps_to_the_highest_step_once(make_report):
    report = _litter_at_monday_9(make_report)
    MINE = {report.id}
    sweep(now=paris(2026, 6, 10, 0, 0))
    assert sla_events(report.id) == ["sla_escalated", "sla_ack_late"]
    assert sorted(f for f, _ in sla_jobs(MINE)) == [
        "workers.jobs.sla.notify_escalation",
        "workers.jobs.sla.notify_overdue",
    ]
    events = db.session.execute(
        db.text(
            "SELECT is_public, data->>'from', data->>'to' FROM report_event "
            "WHERE report_id = :r AND action = 'sla_escalated'"
        ),
        {"r": report.id},
    ).one()
    assert tuple(events) == (False, "none", "escalated")


def test_reports_of_one_unit_share_one_job(make_report):
    first, second = _litter_at_monday_9(make_report), _litter_at_monday_9(make_report)
    MINE = {first.id, second.id}
    move(first, "to_process")
    move(second, "to_process")
    sweep(now=paris(2026, 6, 3, 10, 0))
    assert sla_jobs(MINE) == [("workers.jobs.sla.notify_overdue", [sorted([first.id, second.id])])]


def test_closed_and_paused_reports_are_not_swept(make_report):
    closed, paused = _litter_at_monday_9(make_report), _litter_at_monday_9(make_report)
    with time_machine.travel(paris(2026, 6, 1, 10, 0), tick=False):
        move(closed, "done")
        move(paused, "under_watch")
    assert sweep(now=paris(2026, 7, 1, 0, 0))["claimed"] == 0
    assert sla_events(closed.id) == sla_events(paused.id) == []


def test_a_requalified_past_deadline_is_caught_without_a_window(make_report):
    report = _litter_at_monday_9(make_report)
    move(report, "to_process")
    sweep(now=paris(2026, 6, 1, 12, 0))
    # Priority raised afterwards: 8 h target, already past at the next run.
    report.priority = 1
    from dansmarue import signals

    signals.report_requalified.send(report, event=None, previous={"priority": 2})
    db.session.flush()
    assert sweep(now=paris(2026, 6, 1, 12, 1))["claimed"] == 0  # 8 h not yet past
    sweep(now=paris(2026, 6, 1, 17, 30))
    assert sla_events(report.id) == ["sla_overdue"]


def test_notify_overdue_mails_the_unit_once(make_report, smtp):
    report = _litter_at_monday_9(make_report)
    MINE = {report.id}
    sweep(now=paris(2026, 6, 3, 10, 0))
    (func, (ids,)), *_ = sla_jobs(MINE)
    assert func == "workers.jobs.sla.notify_overdue"
    mailbox = report.unit.email or report.unit.parent.email
    assert sla_jobs_module.notify_overdue(ids).startswith("sent 1")
    assert sla_jobs_module.notify_overdue(ids).startswith("sent 0")  # retried job: no resend
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == (mailbox,)
    assert report.reference in message.get_content()
    assert "retard" in message["Subject"]


def test_escalation_mails_the_direction_managers(make_report, smtp):
    report = _litter_at_monday_9(make_report)
    MINE = {report.id}
    direction = db.session.get(Unit, report.direction_id)
    manager = auth.create_user(
        f"chef-{report.id}@paris.example", "motdepasse-long-1", "manager", direction_code=direction.code
    )
    sweep(now=paris(2026, 6, 10, 0, 0))
    escalation = [args for func, args in sla_jobs(MINE) if func.endswith("notify_escalation")]
    assert sla_jobs_module.notify_escalation(escalation[0][0]).startswith("sent")
    recipients = {r for rcpts, _ in smtp.messages for r in rcpts}
    assert manager.email in recipients


@pytest.fixture
def committed_reports(app):
    """Six late reports committed for real (two schedulers need to see them)."""
    from dansmarue.reports import intake as report_service
    from dansmarue.stats import rollups

    with app.app_context():
        first_job = db.session.execute(db.text("SELECT coalesce(max(id), 0) FROM outbox_job")).scalar()
        with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False):
            made = [
                report_service.create_report(
                    category_id=leaf(LITTER).id, latitude=48.8590, longitude=2.3795, as_agent=True
                )
                for _ in range(6)
            ]
        db.session.commit()
        ids = [r.id for r in made]
    yield ids
    with app.app_context():
        db.session.execute(db.text("DELETE FROM outbox_job WHERE id > :j"), {"j": first_job})
        db.session.execute(db.text("DELETE FROM report WHERE id = ANY(:ids)"), {"ids": ids})
        rollups.fold(wait=True)
        db.session.commit()


def test_two_schedulers_share_the_work_without_doubles(app, committed_reports):
    import threading

    barrier = threading.Barrier(2)
    claimed = []

    def scheduler():
        with app.app_context():
            barrier.wait()
            while True:
                result = sweep(now=paris(2026, 6, 10, 0, 0), batch=1)
                claimed.append(result["claimed"])
                if not result["claimed"]:
                    break
            db.session.remove()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(claimed) == len(committed_reports)
    with app.app_context():
        events = db.session.execute(
            db.text(
                "SELECT report_id, action, count(*) FROM report_event WHERE report_id = ANY(:ids) "
                "AND action LIKE 'sla_%' GROUP BY 1, 2"
            ),
            {"ids": committed_reports},
        ).all()
        jobs = db.session.execute(
            db.text("SELECT func, args FROM outbox_job WHERE func LIKE 'workers.jobs.sla.%'")
        ).all()
        db.session.remove()
    assert sorted((r, a) for r, a, _ in events) == sorted(
        (r, a) for r in committed_reports for a in ("sla_ack_late", "sla_escalated")
    )
    assert all(n == 1 for _, _, n in events)
    mailed = sorted(
        i for func, (ids,) in jobs if func.endswith("notify_overdue") for i in ids if i in committed_reports
    )
    assert mailed == sorted(committed_reports)


def test_digest_never_says_on_time_for_a_late_acknowledgement():
    """#19.13: a report listed because its acknowledgement is late is not "dans les délais"."""
    from dansmarue.models import Report
    from dansmarue.notifications.sla_mails import _lines

    late_ack = Report(reference="R-ACK", address="1 rue X", sla_status="none", sla_ack_late=True)
    overdue = Report(reference="R-LATE", address="2 rue Y", sla_status="overdue", sla_ack_late=False)
    text = _lines([late_ack, overdue])
    assert "dans les délais" not in text
    assert "R-ACK (1 rue X) : prise en charge en retard" in text
    assert "R-LATE (2 rue Y) : en retard" in text
