"""SLA jobs: the minute sweep and the mails it queues (logic in dansmarue.sla / .notifications)."""

from dansmarue.notifications.sla_mails import notify_escalation, notify_overdue
from dansmarue.sla.sweep import sweep

__all__ = ["notify_escalation", "notify_overdue", "sweep"]
