"""Due dates of real reports, created through intake, with time travel.

Expected instants are written out by hand (not recomputed with the calendar)
so that a regression in either the calendar or the wiring shows up.
"""

from datetime import timedelta

import time_machine

from dansmarue import signals
from dansmarue.models import db

from .conftest import leaf, move, paris

GRAFFITI = (
    "Graffitis, tags, affiches et autocollants:"
    "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale"
)
LITTER = "Propreté:Déchets et/ou salissures divers"


def test_business_days_skip_weekend_and_easter_monday(make_report):
    # Friday 3 April 2026, 17:00; Monday 6 April is Easter Monday.
    with time_machine.travel(paris(2026, 4, 3, 17, 0), tick=False):
        report = make_report(leaf(GRAFFITI))
    assert report.ack_due_at == paris(2026, 4, 7, 17, 0)  # 1 business day
    assert report.due_at == paris(2026, 4, 20, 17, 0)  # 10 business days
    assert report.due_soon_at < report.due_at < report.escalate_at
    assert report.sla_status == "none"


def test_created_in_the_evening_starts_next_opening(make_report):
    # Thursday 30 April 2026, 20:00; Friday 1 May is Labour Day: clock starts Monday 08:00.
    with time_machine.travel(paris(2026, 4, 30, 20, 0), tick=False):
        report = make_report(leaf(GRAFFITI))
    assert report.ack_due_at == paris(2026, 5, 5, 8, 0)


def test_calendar_hours_across_spring_dst(make_report):
    # Saturday 28 March 2026 12:00; clocks go forward on Sunday 29 at 02:00.
    with time_machine.travel(paris(2026, 3, 28, 12, 0), tick=False):
        report = make_report(leaf(LITTER))
    assert report.ack_due_at == paris(2026, 3, 28, 16, 0)  # 4 h
    assert report.due_at == paris(2026, 3, 30, 13, 0)  # 48 real hours


def test_calendar_hours_across_autumn_dst(make_report):
    with time_machine.travel(paris(2026, 10, 24, 12, 0), tick=False):
        report = make_report(leaf(LITTER))
    assert report.due_at == paris(2026, 10, 26, 11, 0)


def test_priority_override(make_report):
    with time_machine.travel(paris(2026, 4, 3, 17, 0), tick=False):
        report = make_report(leaf(GRAFFITI), priority=1)
    assert report.ack_due_at == paris(2026, 4, 3, 21, 0)  # 4 h
    assert report.due_at == paris(2026, 4, 4, 17, 0)  # 24 h


def test_pause_stops_and_resume_moves_the_due_date(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False) as traveller:
        report = make_report(leaf(LITTER))
        assert report.due_at == paris(2026, 6, 3, 9, 0)
        traveller.move_to(paris(2026, 6, 1, 10, 0))
        move(report, "to_process")
        assert report.acknowledged_at == paris(2026, 6, 1, 10, 0)
        traveller.move_to(paris(2026, 6, 1, 12, 0))
        move(report, "under_watch")
        assert report.paused_since == paris(2026, 6, 1, 12, 0)
        assert report.due_at is None  # no due date while paused
        traveller.move_to(paris(2026, 6, 2, 2, 0))  # 14 hours later
        move(report, "to_process")
    assert report.paused_since is None
    assert report.paused_seconds == 14 * 3600
    assert report.due_at == paris(2026, 6, 3, 23, 0)
    assert len(report.sla_pauses) == 1


def test_pause_on_business_days_target_counts_business_time_only(make_report):
    # Created Monday 1 June 2026 10:00, 10 business days -> Monday 15 June 10:00.
    with time_machine.travel(paris(2026, 6, 1, 10, 0), tick=False) as traveller:
        report = make_report(leaf(GRAFFITI))
        assert report.due_at == paris(2026, 6, 15, 10, 0)
        # Transferred from Friday 5 June 17:00 to Monday 8 June 09:00: 2 business hours.
        traveller.move_to(paris(2026, 6, 5, 17, 0))
        move(report, "transferred")
        traveller.move_to(paris(2026, 6, 8, 9, 0))
        move(report, "to_process")
    assert report.due_at == paris(2026, 6, 15, 12, 0)


def test_scheduled_date_later_than_target_becomes_due_date(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False) as traveller:
        report = make_report(leaf(LITTER))
        traveller.move_to(paris(2026, 6, 1, 11, 0))
        report.scheduled_for = paris(2026, 6, 10, 0, 0).date()
        move(report, "scheduled")
    assert report.due_at == paris(2026, 6, 11, 0, 0)  # end of the scheduled day


def test_scheduled_date_earlier_than_target_keeps_target(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False):
        report = make_report(leaf(LITTER))
        report.scheduled_for = paris(2026, 6, 1, 0, 0).date()
        move(report, "scheduled")
    assert report.due_at == paris(2026, 6, 3, 9, 0)


def test_requalification_recomputes_and_lowers_status(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False) as traveller:
        report = make_report(leaf(LITTER))
        report.sla_status = "overdue"  # as the sweep would
        traveller.move_to(paris(2026, 6, 4, 9, 0))
        previous = {"category_id": report.category_id}
        report.category_id = leaf(GRAFFITI).id
        signals.report_requalified.send(report, event=None, previous=previous)
        db.session.flush()
    assert report.due_at == paris(2026, 6, 15, 9, 0)
    assert report.sla_status == "none"


def test_closing_sets_closed_at_and_stops_the_clock(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False) as traveller:
        report = make_report(leaf(LITTER))
        traveller.move_to(paris(2026, 6, 1, 15, 0))
        move(report, "done")
        db.session.refresh(report)
    assert report.closed_at == paris(2026, 6, 1, 15, 0)
    assert report.acknowledged_at == paris(2026, 6, 1, 15, 0)
    assert report.sla_next_at is None


def test_sla_next_at_is_the_earliest_pending_threshold(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False):
        report = make_report(leaf(LITTER))
        db.session.refresh(report)
    assert report.sla_next_at == report.ack_due_at == paris(2026, 6, 1, 13, 0)
    move(report, "to_process")
    db.session.refresh(report)
    assert report.sla_next_at == report.due_soon_at
    assert report.due_soon_at == report.created_at + timedelta(hours=48) * 0.8


def test_rescheduling_without_state_change_moves_the_due_date(make_report):
    with time_machine.travel(paris(2026, 6, 1, 9, 0), tick=False) as traveller:
        report = make_report(leaf(LITTER))
        report.scheduled_for = paris(2026, 6, 10, 0, 0).date()
        move(report, "scheduled")
        assert report.due_at == paris(2026, 6, 11, 0, 0)
        traveller.move_to(paris(2026, 6, 2, 9, 0))
        report.scheduled_for = paris(2026, 6, 20, 0, 0).date()  # "reschedule": same state
        db.session.flush()
    assert report.due_at == paris(2026, 6, 21, 0, 0)
