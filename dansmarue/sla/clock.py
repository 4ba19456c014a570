"""The SLA clock of a report: due dates in the city's business time, pauses, thresholds.

Rules (targets and pause states are data: `sla_target`, `sla_clock_state`):

* The clock starts at creation. Targets come from the leaf category, with a
  per-priority override; a category without a target has no due dates.
* While the report is in a state that pauses the clock (by default under
  watch, transferred to a third party, scheduled by a contractor) the clock
  stops: closed pauses are kept in `sla_pauses`, the open one in
  `paused_since`. The calendar (`dansmarue.sla.calendar`) turns them into due
  dates: an open pause that began before the due date means no due date yet.
* A scheduled date later than the resolution target becomes the due date.
* Requalification (category or priority) recomputes everything from creation.
* Thresholds for the sweep: due soon when 80 % of the span creation → due has
  elapsed; escalation once late by half that span (at least one hour).
  `sla_next_at` (computed by PostgreSQL) is the earliest pending threshold.

`refresh()` may lower `sla_status` (a new, later deadline); only the sweep
raises it, so each step up writes exactly one history event.
"""

import functools
import time as time_module
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, select

from dansmarue import city
from dansmarue.models import Report, SlaClockState, SlaTarget, db, utcnow
from dansmarue.sla.calendar import BusinessCalendar, Target
from dansmarue.workflow.states import CLOSED_STATES

DUE_SOON_FRACTION = 0.8
ESCALATE_FRACTION = 0.5
ESCALATE_MIN = timedelta(hours=1)
# States before a report is taken in charge; leaving them acknowledges it.
RECEIVED_STATES = ("initial", "verification", "new", "to_requalify")
RANK = {"none": 0, "due_soon": 1, "overdue": 2, "escalated": 3}
# "Overdue" everywhere (agents' queue, dashboard, stats) = open and marked late
# by the minute sweep, so every screen agrees (and the partial index serves it).
OVERDUE_STATUSES = ("overdue", "escalated")


def is_overdue(report: Report) -> bool:
    return report.closed_at is None and report.sla_status in OVERDUE_STATUSES


def overdue_clause() -> ColumnElement[bool]:
    """`is_overdue` as an SQL condition on `report`."""
    return and_(Report.closed_at.is_(None), Report.sla_status.in_(OVERDUE_STATUSES))


# Targets and pause states are read on every intake: kept per process for a
# short while (one query per 30 s instead of two per report). `forget()` drops
# them at once (the reference data load calls it); other processes follow
# within CACHE_SECONDS.
CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, dict, frozenset]] = {}


def _tables() -> tuple[dict, frozenset]:
    key = str(db.engine.url)
    cached = _cache.get(key)
    if cached is not None and cached[0] > time_module.monotonic():
        return cached[1], cached[2]
    targets = {
        (row.category_id, row.priority): (
            Target(float(row.ack_amount), row.ack_unit),
            Target(float(row.resolve_amount), row.resolve_unit),
        )
        for row in db.session.execute(
            select(
                SlaTarget.category_id,
                SlaTarget.priority,
                SlaTarget.ack_amount,
                SlaTarget.ack_unit,
                SlaTarget.resolve_amount,
                SlaTarget.resolve_unit,
            )
        )
    }
    paused = frozenset(
        db.session.scalars(select(SlaClockState.state).where(SlaClockState.pauses_clock.is_(True)))
    )
    _cache[key] = (time_module.monotonic() + CACHE_SECONDS, targets, paused)
    return targets, paused


def forget() -> None:
    """Drop the cached targets and pause states (after editing them)."""
    _cache.clear()


def targets_for(category_id: int, priority: int | None) -> tuple[Target, Target] | None:
    """(ack, resolve) targets of a leaf category for a priority, or None."""
    targets, _ = _tables()
    return targets.get((category_id, priority)) or targets.get((category_id, None))


def pause_states() -> frozenset[str]:
    return _tables()[1]


def pauses_of(report: Report) -> list[tuple[datetime, datetime | None]]:
    """Closed pauses plus the open one, as aware datetimes."""
    pauses: list[tuple[datetime, datetime | None]] = [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in (report.sla_pauses or [])
    ]
    if report.paused_since is not None:
        pauses.append((report.paused_since, None))
    return pauses


def scheduled_deadline(report: Report) -> datetime | None:
    """The end (Paris midnight) of the programmed day `scheduled_for`, if any.

    (`scheduled_at` is when the scheduling was done, not the date of the work.)
    """
    if report.scheduled_for is None:
        return None
    end = datetime.combine(report.scheduled_for + timedelta(days=1), time(0), tzinfo=city.tz())
    return end.astimezone(UTC)


def compute(report: Report) -> dict:
    """Due dates and thresholds of a report from its current data (no writes)."""
    blank = {"ack_due_at": None, "due_at": None, "due_soon_at": None, "escalate_at": None}
    targets = targets_for(report.category_id, report.priority)
    if targets is None or report.created_at is None:
        return blank
    start, pauses = report.created_at, pauses_of(report)
    ack_target, resolve_target = targets
    due = calendar().due_at(start, resolve_target, pauses)
    scheduled = scheduled_deadline(report)
    if due is not None and scheduled is not None and scheduled > due:
        due = scheduled
    values = dict(blank, ack_due_at=calendar().due_at(start, ack_target, pauses), due_at=due)
    if due is not None:
        span = max(due - start, timedelta(0))
        values["due_soon_at"] = start + span * DUE_SOON_FRACTION
        values["escalate_at"] = due + max(span * ESCALATE_FRACTION, ESCALATE_MIN)
    return values


def level_at(values: dict, now: datetime) -> str:
    """The SLA status the thresholds give at `now`."""
    for status, key in (("escalated", "escalate_at"), ("overdue", "due_at"), ("due_soon", "due_soon_at")):
        if values[key] is not None and values[key] <= now:
            return status
    return "none"


def refresh(report: Report, now: datetime | None = None) -> None:
    """Recompute and store the due dates; lower the status if the deadline moved."""
    if report.state in CLOSED_STATES:
        return
    now = now or utcnow()
    values = compute(report)
    for key, value in values.items():
        setattr(report, key, value)
    current = report.sla_status or "none"
    reached = level_at(values, now)
    if RANK[reached] < RANK[current]:
        report.sla_status = reached
        if RANK[reached] < RANK["overdue"]:
            report.overdue_at = None
        if RANK[reached] < RANK["escalated"]:
            report.escalated_at = None
    if report.sla_ack_late and (values["ack_due_at"] is None or values["ack_due_at"] > now):
        report.sla_ack_late = False


def start_pause(report: Report, at: datetime) -> None:
    if report.paused_since is None:
        report.paused_since = at


def end_pause(report: Report, at: datetime) -> None:
    if report.paused_since is None:
        return
    begin = report.paused_since
    report.sla_pauses = [*(report.sla_pauses or []), [begin.isoformat(), at.isoformat()]]
    report.paused_seconds = (report.paused_seconds or 0) + int(max((at - begin).total_seconds(), 0))
    report.paused_since = None


def on_state_change(report: Report, from_state: str | None, to_state: str, at: datetime) -> None:
    """Apply the clock rules to one transition (called by the subscribers)."""
    paused = pause_states()
    if to_state in paused:
        start_pause(report, at)
    elif report.paused_since is not None:
        end_pause(report, at)
    if report.acknowledged_at is None and to_state not in RECEIVED_STATES:
        report.acknowledged_at = at
    if to_state in CLOSED_STATES:
        end_pause(report, at)
        if report.closed_at is None:
            report.closed_at = at
        return
    if report.closed_at is not None:  # reopened: the report is open again
        report.closed_at = None
    refresh(report, at)


def calendar() -> BusinessCalendar:
    """The city's business calendar (its profile's zone and holidays)."""
    return _calendar(city.current())


@functools.lru_cache(maxsize=4)
def _calendar(profile: city.CityProfile) -> BusinessCalendar:
    return BusinessCalendar(profile.time_zone, profile.holiday_country, profile.holiday_subdivision)


def local_day(moment: datetime) -> date:
    """The city's local date of an instant (the roll-ups' day)."""
    return moment.astimezone(city.tz()).date()
