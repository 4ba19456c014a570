"""SLA sweep (every minute): marks reports that crossed a threshold.

`sweep()` is incremental by construction: each open report carries
`sla_next_at`, the earliest threshold still ahead of it (acknowledgement
due, due soon, due, escalation; a column computed by PostgreSQL), indexed
where not NULL. A run claims only rows whose `sla_next_at` has passed
(`FOR UPDATE SKIP LOCKED`, so two schedulers share the work and never take
the same row), raises their status in one statement, and the generated
column moves to the next threshold, so a second run finds nothing: the
sweep is idempotent. This also catches a threshold set in the past after
the last run (e.g. a requalification to a shorter target), which a
time-window watermark would miss; the watermark row `sla_sweep_state` only
records runs. Each step up writes one internal history event; reports newly
overdue (or not acknowledged in time) are mailed to their unit in one job
per unit, escalations to the direction's managers.
"""

from datetime import datetime

from sqlalchemy import text

from dansmarue.jobs.outbox import WRITTEN_FLAG
from dansmarue.jobs.registry import NOTIFY_ESCALATION, NOTIFY_OVERDUE
from dansmarue.models import db, utcnow
from dansmarue.stats import rollups

BATCH = 5000

SWEEP_SQL = f"""
WITH claimed AS (
  SELECT id, sla_status AS old_status, sla_ack_late AS old_ack
  FROM report WHERE sla_next_at IS NOT NULL AND sla_next_at <= :now
  ORDER BY sla_next_at LIMIT :batch
  FOR UPDATE SKIP LOCKED
), moved AS (
  UPDATE report r SET
    sla_ack_late = r.sla_ack_late OR coalesce(r.acknowledged_at IS NULL AND r.ack_due_at <= :now,
                                             false),
    sla_status = CASE
      WHEN r.escalate_at <= :now THEN 'escalated'
      WHEN r.due_at <= :now AND r.sla_status <> 'escalated' THEN 'overdue'
      WHEN r.due_soon_at <= :now AND r.sla_status = 'none' THEN 'due_soon'
      ELSE r.sla_status END,
    overdue_at = CASE WHEN r.due_at <= :now THEN coalesce(r.overdue_at, :now) ELSE r.overdue_at END,
    escalated_at = CASE WHEN r.escalate_at <= :now THEN coalesce(r.escalated_at, :now)
                        ELSE r.escalated_at END
  FROM claimed c WHERE r.id = c.id
  RETURNING r.id, r.unit_id, r.direction_id, r.state, r.due_at, r.ack_due_at,
            c.old_status, r.sla_status AS new_status, c.old_ack, r.sla_ack_late AS new_ack
), changes AS (
  SELECT id, unit_id, direction_id, state, 'sla_' || new_status AS action,
         jsonb_build_object('from', old_status, 'to', new_status, 'due_at', due_at) AS data
  FROM moved WHERE new_status <> old_status
  UNION ALL
  SELECT id, unit_id, direction_id, state, 'sla_ack_late',
         jsonb_build_object('ack_due_at', ack_due_at)
  FROM moved WHERE new_ack AND NOT old_ack
), events AS (
  INSERT INTO report_event (report_id, action, from_state, to_state, actor_label,
                            is_public, data, created_at)
  SELECT id, action, state, state, 'Système (délais)', false, data, :now FROM changes
  RETURNING 1
), unit_jobs AS (
  INSERT INTO outbox_job (func, args, queue, status, attempts, available_at, created_at)
  SELECT '{NOTIFY_OVERDUE.path}', jsonb_build_array(jsonb_agg(DISTINCT id)),
         '{NOTIFY_OVERDUE.queue}', 'pending', 0, :now, :now
  FROM changes WHERE action IN ('sla_overdue', 'sla_ack_late')
  GROUP BY unit_id
  RETURNING 1
), escalation_jobs AS (
  INSERT INTO outbox_job (func, args, queue, status, attempts, available_at, created_at)
  SELECT '{NOTIFY_ESCALATION.path}', jsonb_build_array(jsonb_agg(id)),
         '{NOTIFY_ESCALATION.queue}', 'pending', 0, :now, :now
  FROM changes WHERE action = 'sla_escalated'
  GROUP BY direction_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM changes),
       (SELECT count(*) FROM unit_jobs) + (SELECT count(*) FROM escalation_jobs)
"""


def sweep(now: datetime | None = None, batch: int = BATCH) -> dict:
    """Mark reports that crossed a threshold since they were last looked at."""
    now = now or utcnow()
    claimed = changes = jobs = 0
    # No fsync wait at commit: a sweep lost in a crash is simply redone by the
    # next run (the thresholds are still crossed), so durability costs nothing here.
    db.session.execute(text("SET LOCAL synchronous_commit = off"))
    # An index probe first: most runs have nothing to claim. ORDER BY and the
    # explicit IS NOT NULL keep even a cached generic plan on the partial
    # index (otherwise a generic plan may pick "seq scan until one row").
    if db.session.execute(
        text(
            "SELECT 1 FROM report WHERE sla_next_at IS NOT NULL AND sla_next_at <= :now "
            "ORDER BY sla_next_at LIMIT 1"
        ),
        {"now": now},
    ).first():
        claimed, changes, jobs = db.session.execute(text(SWEEP_SQL), {"now": now, "batch": batch}).one()
    if jobs:  # written in SQL: tell the after-commit relay (dansmarue.jobs.autorelay)
        db.session.info[WRITTEN_FLAG] = True
    db.session.execute(
        text(
            "UPDATE sla_sweep_state SET last_run_at = :now, last_claimed = :n, runs = runs + 1 "
            "WHERE id = 1"
        ),
        {"now": now, "n": claimed},
    )
    folded = rollups.fold()
    db.session.commit()
    return {"claimed": claimed, "events": changes, "jobs": jobs, "folded": folded}
