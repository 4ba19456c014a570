"""Domain signals, sent inside the caller's transaction.

Subscribers (SLA due dates, notifications, dispatch) add rows to the same
session, typically outbox jobs, so their effects commit or roll back with
the change itself. Services send; they never call subscribers directly.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Report, with its id, reference and every intake value, sent just
# before its row is written (under no_autoflush) so that what subscribers set
# (e.g. SLA due dates) goes into the one INSERT; the row exists once the
# intake statement has run, in the same transaction.
report_created = _signals.signal("report-created")
# sender: the Report; kwargs: event=ReportEvent (from_state/to_state set)
state_changed = _signals.signal("state-changed")
# sender: the Report; kwargs: event=ReportEvent, previous=dict of old values
report_requalified = _signals.signal("report-requalified")
