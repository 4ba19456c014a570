"""Periodic jobs, declared as data (ids are deterministic, like redash's schedule).

Each entry runs once per slot: ``every`` seconds (slot = epoch // every) or
``daily_at`` a local time of the city (slot = the local date). A Redis lock
per job and slot makes sure two schedulers never run the same slot twice.
``inline`` entries run in the scheduler process (the relay: fast, and it is
what moves other jobs); the others are enqueued on their job's queue with
the RQ job id ``schedule-<id>-<slot>``. The jobs are declared in
`dansmarue.jobs.registry`.
"""

from dansmarue.jobs import registry

SCHEDULE: list[dict] = [
    {"id": "outbox-relay", "job": registry.RELAY_OUTBOX, "every": 3, "inline": True},
    {"id": "sla-sweep", "job": registry.SLA_SWEEP, "every": 60},
    # Real WebServicePartnerDaemon: state 20, last 30 days, at most 100 per run.
    {"id": "contractor-retry", "job": registry.RETRY_FAILED_SENDS, "every": 3600},
    # Real EnvoiMailServiceProgrammeDaemon (actions 93/94).
    {"id": "scheduled-day-notices", "job": registry.SCHEDULED_DAY_NOTICES, "daily_at": "07:00"},
    # Real SuppressionPhotosDaemon: illegal-parking photos 48 h after creation.
    {"id": "purge-sensitive-photos", "job": registry.PURGE_SENSITIVE_PHOTOS, "every": 900},
    # Real archival batch (actions 38/39): done/rejected for more than 365 days.
    {"id": "archive-closed", "job": registry.ARCHIVE_CLOSED, "daily_at": "03:30"},
    # Retention of closed reports' photos and personal data (settings RETENTION_*).
    {"id": "apply-retention", "job": registry.APPLY_RETENTION, "daily_at": "03:45"},
    {"id": "prune-outbox", "job": registry.PRUNE_OUTBOX, "daily_at": "04:00"},
    # Intake idempotency keys: retries come within minutes, keys kept 48 h.
    {"id": "purge-idempotency-keys", "job": registry.PURGE_IDEMPOTENCY_KEYS, "daily_at": "04:10"},
]
