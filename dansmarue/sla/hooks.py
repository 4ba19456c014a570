"""SLA clock hooks: due dates set at creation, moved by transitions and requalification.

They run inside the caller's transaction (see dansmarue.signals), so the due
dates commit or roll back with the change that caused them. Intake sends
`report_created` just before writing the row, so the due dates go into the
INSERT itself.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from dansmarue import signals
from dansmarue.models import Report, ReportEvent, utcnow
from dansmarue.sla import clock as sla

# "Reschedule" and "unschedule" keep the state, so no signal: a new programmed
# day is caught when the report is flushed. (Category and priority change
# through requalification, which signals.)
CLOCK_INPUTS = ("scheduled_for",)


@event.listens_for(Session, "before_flush")
def _inputs_changed(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    for report in session.dirty:
        if isinstance(report, Report) and report.state is not None:
            state = inspect(report)
            if any(state.attrs[name].history.has_changes() for name in CLOCK_INPUTS):
                sla.refresh(report, utcnow())


@signals.report_created.connect
def on_report_created(report: Report, **_: object) -> None:
    sla.on_state_change(report, None, report.state, report.created_at or utcnow())


@signals.state_changed.connect
def on_state_changed(report: Report, event: ReportEvent | None = None, **_: object) -> None:
    at = (event.created_at if event is not None and event.created_at else None) or utcnow()
    sla.on_state_change(report, event.from_state if event else None, report.state, at)


@signals.report_requalified.connect
def on_report_requalified(
    report: Report, event: ReportEvent | None = None, previous: object = None, **_: object
) -> None:
    sla.refresh(report, utcnow())
