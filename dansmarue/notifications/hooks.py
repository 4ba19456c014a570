"""Subscriber: public state changes queue a notification to reporter and followers.

Listed in `dansmarue.subscribers.MODULES`; the job is written to the outbox
in the transaction of the change, once per event (dedup key).
"""

from dansmarue import signals
from dansmarue.jobs import outbox, registry
from dansmarue.models import Report, ReportEvent


@signals.state_changed.connect
def queue_state_notification(report: Report, event: ReportEvent | None = None, **_: object) -> None:
    if event is not None and event.is_public:
        outbox.add_job(registry.NOTIFY_STATE_CHANGE, event.id, event_id=event.id)
