"""Domain signals, sent inside the caller's transaction.

Subscribers (SLA due dates, notifications, dispatch) add rows to the same
session, typically outbox jobs, so their effects commit or roll back with
the change itself. Services send; they never call subscribers directly.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Report (flushed, with id and reference)
report_created = _signals.signal("report-created")
# sender: the Report; kwargs: event=ReportEvent (from_state/to_state set)
state_changed = _signals.signal("state-changed")
# sender: the Report; kwargs: event=ReportEvent, previous=dict of old values
report_requalified = _signals.signal("report-requalified")
