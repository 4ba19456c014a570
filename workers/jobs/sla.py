"""SLA sweep (every minute) and the mails it sends.

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
import hashlib
import logging
from datetime import datetime

from sqlalchemy import select, text

from dansmarue.models import Report, Unit, User, db, utcnow
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel, mailbox_unit
from dansmarue.reports.intake_sql import OUTBOX_WRITTEN_FLAG
from dansmarue.sla.clock import PARIS
from dansmarue.stats import rollups

log = logging.getLogger(__name__)
BATCH = 5000

SWEEP_SQL = """
WITH claimed AS (
  SELECT id, sla_status AS old_status, sla_ack_late AS old_ack
  FROM report WHERE sla_next_at IS NOT NULL AND sla_next_at <= :now
  ORDER BY sla_next_at LIMIT :batch
  FOR UPDATE SKIP LOCKED
), moved AS (
  UPDATE report r SET
    sla_ack_late = r.sla_ack_late OR (r.acknowledged_at IS NULL AND r.ack_due_at <= :now),
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
  SELECT 'workers.jobs.sla.notify_overdue', jsonb_build_array(jsonb_agg(DISTINCT id)),
         'mail', 'pending', 0, :now, :now
  FROM changes WHERE action IN ('sla_overdue', 'sla_ack_late')
  GROUP BY unit_id
  RETURNING 1
), escalation_jobs AS (
  INSERT INTO outbox_job (func, args, queue, status, attempts, available_at, created_at)
  SELECT 'workers.jobs.sla.notify_escalation', jsonb_build_array(jsonb_agg(id)),
         'mail', 'pending', 0, :now, :now
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
    if db.session.execute(text(
            "SELECT 1 FROM report WHERE sla_next_at IS NOT NULL AND sla_next_at <= :now "
            "ORDER BY sla_next_at LIMIT 1"), {"now": now}).first():
        claimed, changes, jobs = db.session.execute(
            text(SWEEP_SQL), {"now": now, "batch": batch}).one()
    if jobs:  # written in SQL: tell the after-commit relay (dansmarue.jobs.autorelay)
        db.session.info[OUTBOX_WRITTEN_FLAG] = True
    db.session.execute(text(
        "UPDATE sla_sweep_state SET last_run_at = :now, last_claimed = :n, runs = runs + 1 "
        "WHERE id = 1"), {"now": now, "n": claimed})
    folded = rollups.fold()
    db.session.commit()
    return {"claimed": claimed, "events": changes, "jobs": jobs, "folded": folded}


STATUS_FR = {"overdue": "en retard", "escalated": "en retard (escaladé)",
             "due_soon": "bientôt échu", "none": "dans les délais"}


def _lines(reports: list[Report]) -> str:
    lines = []
    for r in reports:
        due = r.due_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if r.due_at else "—"
        late = " ; prise en charge non faite dans le délai" if r.sla_ack_late else ""
        lines.append(f"- {r.reference} ({r.address or 'adresse inconnue'}) : "
                     f"{STATUS_FR.get(r.sla_status, r.sla_status)}, échéance {due}{late}")
    return "\n".join(lines)


def _send(recipients: list[str], subject: str, body: str, kind: str,
          reports: list[Report]) -> int:
    """One mail per recipient, once: the Workers' delivery log dedups retries."""
    ids = ",".join(str(r.id) for r in sorted(reports, key=lambda r: r.id))
    dedup_key = f"sla:{kind}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
    channel = email_channel()
    return sum(deliver(channel, Message(address, subject, body), dedup_key, reports[0].id)
               for address in recipients)


def _open_late(report_ids: list[int]) -> list[Report]:
    """Reports still open and still late (a report closed meanwhile is not mailed)."""
    return db.session.scalars(
        select(Report).where(Report.id.in_(report_ids), Report.closed_at.is_(None))
        .order_by(Report.due_at)).all()


def notify_overdue(report_ids: list[int]) -> str:
    """Mail the unit's mailbox the list of its reports that became late."""
    reports = [r for r in _open_late(report_ids) if r.sla_status != "none" or r.sla_ack_late]
    if not reports:
        return "nothing to send"
    unit = mailbox_unit(db.session.get(Unit, reports[0].unit_id))
    if unit is None:
        return "no mailbox"
    address = unit.email
    sent = _send([address], f"[DansMaRue] {len(reports)} signalement(s) en retard",
                 "Bonjour,\n\nLes signalements suivants ont dépassé leur délai :\n\n"
                 f"{_lines(reports)}\n\nMerci de les traiter en priorité.\n",
                 "overdue", reports)
    return f"sent {sent} to {address}"


def notify_escalation(report_ids: list[int]) -> str:
    """Mail the direction's managers (and its mailbox) the escalated reports."""
    reports = [r for r in _open_late(report_ids) if r.sla_status == "escalated"]
    if not reports:
        return "nothing to send"
    direction = db.session.get(Unit, reports[0].direction_id)
    recipients = list(db.session.scalars(select(User.email).where(
        User.role == "manager", User.active.is_(True),
        User.direction_id == reports[0].direction_id)))
    if direction is not None and direction.email:
        recipients.append(direction.email)
    if not recipients:
        return "no recipient"
    sent = _send(sorted(set(recipients)),
                 f"[DansMaRue] Escalade : {len(reports)} signalement(s) très en retard",
                 "Bonjour,\n\nCes signalements ont largement dépassé leur délai de traitement :\n\n"
                 f"{_lines(reports)}\n", "escalated", reports)
    return f"sent {sent} of {len(set(recipients))}"
