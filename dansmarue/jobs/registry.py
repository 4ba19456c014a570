"""Every background job, declared once: its function, queue, retries, timeout
and idempotency key. The outbox writers (Python and SQL), the relay, the
runner, the scheduler and `flask jobs` all read these declarations, so no job
is named by a string anywhere else and each runs on its declared queue.

A job's function is a dotted path (a thin wrapper in `workers.jobs`): a
string, not an import, so `dansmarue` never imports `workers`
(`tests/jobs/test_registry.py` checks that every path resolves).
"""

from dataclasses import dataclass

# Listening order = priority: routing first, photos last (slowest).
QUEUES = ("dispatch", "mail", "default", "photos", "maintenance")
DEFAULT_TIMEOUT = 300
# The RQ-level wrappers every job runs in (status, retries, dead letters).
RUN_OUTBOX_JOB = "workers.runner.run_outbox_job"
RUN_SCHEDULED = "workers.runner.run_scheduled"


@dataclass(frozen=True)
class Job:
    path: str  # dotted path of the function the runner calls
    queue: str
    dedup: str | None = None  # idempotency key template, formatted with named fields
    timeout: int = DEFAULT_TIMEOUT  # seconds before RQ kills a run
    max_attempts: int | None = None  # None: the JOBS_MAX_ATTEMPTS setting

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    def dedup_key(self, **fields: object) -> str | None:
        """The key that makes queuing this job twice a no-op (None: no key)."""
        return self.dedup.format(**fields) if self.dedup else None


# Outbox jobs (written in the transaction of the change that causes them).
DISPATCH_REPORT = Job(
    "workers.jobs.dispatch.dispatch_report", "dispatch", "report:{report_id}:dispatch:{cause}"
)
RETRY_SEND = Job("workers.jobs.dispatch.retry_send", "dispatch", "report:{report_id}:ws-retry:{hour}")
SEND_ACKNOWLEDGEMENT = Job("workers.jobs.notify.send_acknowledgement", "mail", "report:{report_id}:ack")
NOTIFY_UNIT_NEW_REPORT = Job(
    "workers.jobs.notify.notify_unit_new_report", "mail", "report:{report_id}:unit-new:{unit_id}"
)
NOTIFY_STATE_CHANGE = Job("workers.jobs.notify.notify_state_change", "mail", "event:{event_id}:notify")
SEND_FOLLOW_CONFIRMATION = Job(
    "workers.jobs.notify.send_follow_confirmation", "mail", "follower:{follower_id}:confirm"
)
SEND_PASSWORD_RESET = Job("workers.jobs.notify.send_password_reset", "mail", "password-reset:{reset_id}")
SEND_RESIDENT_SIGN_IN = Job("workers.jobs.notify.send_sign_in_link", "mail", "resident-sign-in:{sign_in_id}")
NOTIFY_CONTRACTOR = Job("workers.jobs.notify.notify_contractor", "dispatch", "event:{event_id}:contractor")
NOTIFY_SCHEDULED_DAY = Job(
    "workers.jobs.notify.notify_scheduled_day", "mail", "report:{report_id}:scheduled-day:{day}"
)
NOTIFY_OVERDUE = Job("workers.jobs.sla.notify_overdue", "mail")  # one per unit and sweep
NOTIFY_ESCALATION = Job("workers.jobs.sla.notify_escalation", "mail")  # one per direction
PROCESS_PHOTO = Job("workers.jobs.photos.process_photo", "photos", "photo:{photo_id}:process")

# Periodic jobs (see workers/schedule.py for when they run).
MAINTENANCE_TIMEOUT = 1800
RELAY_OUTBOX = Job("dansmarue.jobs.relay.relay_outbox", "maintenance")
SLA_SWEEP = Job("workers.jobs.sla.sweep", "maintenance", timeout=MAINTENANCE_TIMEOUT)
RETRY_FAILED_SENDS = Job(
    "workers.jobs.maintenance.retry_failed_sends", "maintenance", timeout=MAINTENANCE_TIMEOUT
)
SCHEDULED_DAY_NOTICES = Job(
    "workers.jobs.maintenance.scheduled_day_notices", "maintenance", timeout=MAINTENANCE_TIMEOUT
)
PURGE_SENSITIVE_PHOTOS = Job(
    "workers.jobs.maintenance.purge_sensitive_photos", "maintenance", timeout=MAINTENANCE_TIMEOUT
)
ARCHIVE_CLOSED = Job(
    "workers.jobs.maintenance.archive_closed_reports", "maintenance", timeout=MAINTENANCE_TIMEOUT
)
APPLY_RETENTION = Job("workers.jobs.maintenance.apply_retention", "maintenance", timeout=MAINTENANCE_TIMEOUT)
PRUNE_OUTBOX = Job("workers.jobs.maintenance.prune_outbox", "maintenance", timeout=MAINTENANCE_TIMEOUT)
PURGE_IDEMPOTENCY_KEYS = Job(
    "workers.jobs.maintenance.purge_idempotency_keys", "maintenance", timeout=MAINTENANCE_TIMEOUT
)

JOBS: dict[str, Job] = {
    job.path: job
    for job in (
        DISPATCH_REPORT,
        RETRY_SEND,
        SEND_ACKNOWLEDGEMENT,
        SEND_FOLLOW_CONFIRMATION,
        SEND_PASSWORD_RESET,
        NOTIFY_UNIT_NEW_REPORT,
        NOTIFY_STATE_CHANGE,
        NOTIFY_CONTRACTOR,
        NOTIFY_SCHEDULED_DAY,
        NOTIFY_OVERDUE,
        NOTIFY_ESCALATION,
        PROCESS_PHOTO,
        RELAY_OUTBOX,
        SLA_SWEEP,
        RETRY_FAILED_SENDS,
        SCHEDULED_DAY_NOTICES,
        PURGE_SENSITIVE_PHOTOS,
        ARCHIVE_CLOSED,
        PRUNE_OUTBOX,
        APPLY_RETENTION,
        PURGE_IDEMPOTENCY_KEYS,
    )
}


def by_path(path: str) -> Job:
    """The declaration of a stored job path; KeyError for anything undeclared."""
    return JOBS[path]
