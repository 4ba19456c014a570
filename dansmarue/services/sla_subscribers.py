"""SLA clock hooks: due dates set at creation, moved by transitions and requalification.

They run inside the caller's transaction (see dansmarue.signals), so the due
dates commit or roll back with the change that caused them. Intake sends
`report_created` just before writing the row, so the due dates go into the
INSERT itself.
"""
from dansmarue import signals
from dansmarue.models import utcnow
from dansmarue.services import sla


@signals.report_created.connect
def on_report_created(report, **_):
    sla.on_state_change(report, None, report.state, report.created_at or utcnow())


@signals.state_changed.connect
def on_state_changed(report, event=None, **_):
    at = (event.created_at if event is not None and event.created_at else None) or utcnow()
    sla.on_state_change(report, event.from_state if event else None, report.state, at)


@signals.report_requalified.connect
def on_report_requalified(report, event=None, previous=None, **_):
    sla.refresh(report, utcnow())
