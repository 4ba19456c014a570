"""Every change to a report leaves a ReportEvent (who, what, from, to)."""

from typing import TypedDict, Unpack

from dansmarue import signals
from dansmarue.models import SYSTEM_LABEL, Report, ReportEvent, db


class EventFields(TypedDict, total=False):
    """What a caller may say of an event besides its action and states (`record`'s keywords)."""

    actor_label: str
    actor_user_id: int | None
    comment: str | None
    public_message: str | None
    is_public: bool
    data: dict | None


def record(
    report: Report,
    action: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    actor_label: str = SYSTEM_LABEL,
    actor_user_id: int | None = None,
    comment: str | None = None,
    public_message: str | None = None,
    is_public: bool = False,
    data: dict | None = None,
) -> ReportEvent:
    event = ReportEvent(
        report=report,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        comment=comment,
        public_message=public_message,
        is_public=is_public or bool(public_message),
        data=data,
    )
    db.session.add(event)
    return event


def change_state(
    report: Report, to_state: str, action: str, **event_fields: Unpack[EventFields]
) -> ReportEvent:
    """Move a report to a state and write the history entry in one go."""
    from_state = report.state
    report.state = to_state
    event = record(report, action, from_state=from_state, to_state=to_state, **event_fields)
    db.session.flush()
    signals.state_changed.send(report, event=event)
    return event
