"""Periodic jobs, declared as data (ids are deterministic, like redash's schedule).

Each entry runs once per slot: ``every`` seconds (slot = epoch // every) or
``daily_at`` a Paris time (slot = the local date). A Redis lock per job and
slot makes sure two schedulers never run the same slot twice. ``inline``
entries run in the scheduler process (the relay: fast, and it is what moves
other jobs); the others are enqueued on the ``maintenance`` queue with the
RQ job id ``schedule-<id>-<slot>``.
"""

SCHEDULE: list[dict] = [
    {"id": "outbox-relay", "func": "dansmarue.jobs.relay.relay_outbox", "every": 3, "inline": True},
    # Written by the Delays engineer; skipped (with a log line) while missing.
    {"id": "sla-sweep", "func": "workers.jobs.sla.sweep", "every": 60},
    # Real WebServicePartnerDaemon: state 20, last 30 days, at most 100 per run.
    {"id": "contractor-retry", "func": "workers.jobs.maintenance.retry_failed_sends",
     "every": 3600},
    # Real EnvoiMailServiceProgrammeDaemon (actions 93/94).
    {"id": "scheduled-day-notices", "func": "workers.jobs.maintenance.scheduled_day_notices",
     "daily_at": "07:00"},
    # Real SuppressionPhotosDaemon: illegal-parking photos 48 h after creation.
    {"id": "purge-sensitive-photos", "func": "workers.jobs.maintenance.purge_sensitive_photos",
     "every": 900},
    # Real archival batch (actions 38/39): done/rejected for more than 365 days.
    {"id": "archive-closed", "func": "workers.jobs.maintenance.archive_closed_reports",
     "daily_at": "03:30"},
    {"id": "prune-outbox", "func": "workers.jobs.maintenance.prune_outbox", "daily_at": "04:00"},
    # Intake idempotency keys: retries come within minutes, keys kept 48 h.
    {"id": "purge-idempotency-keys", "func": "workers.jobs.maintenance.purge_idempotency_keys",
     "daily_at": "04:10"},
]
