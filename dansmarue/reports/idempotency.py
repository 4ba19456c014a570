"""Replay the first answer to a keyed request; refuse the key for another body.

The key row is inserted first, in the same transaction as the work, with
``INSERT ... ON CONFLICT DO NOTHING``. A concurrent request with the same key
blocks on that uncommitted row until the first transaction ends: then it
either sees the committed answer (replay) or, if the first one failed and
rolled back, inserts the key itself and does the work. So ten identical
requests arriving together create exactly one report.
"""

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import text

from dansmarue.errors import Conflict, ServiceUnavailable
from dansmarue.extensions import db
from dansmarue.models.base import rowcount, utcnow

CLAIM_SQL = text(
    "INSERT INTO idempotency_key (key, request_hash, status_code, response, created_at) "
    "VALUES (:key, :hash, 0, '{}'::jsonb, now()) ON CONFLICT (key) DO NOTHING RETURNING key"
)
READ_SQL = text("SELECT request_hash, status_code, response FROM idempotency_key WHERE key = :key")
STORE_SQL = text(
    "UPDATE idempotency_key SET status_code = :status, response = CAST(:body AS jsonb), "
    "report_id = :report_id WHERE key = :key"
)
CLAIM_ATTEMPTS = 3
KEEP = timedelta(hours=48)
PURGE_BATCH = 5000
log = logging.getLogger(__name__)
BUSY_MESSAGE = "Requête en cours de traitement : réessayez dans quelques secondes."
REUSED_MESSAGE = "Cette clé d'idempotence a déjà servi pour une autre requête : " "utilisez une nouvelle clé."


def fingerprint(*parts: object) -> str:
    """A stable hash of the request's meaningful content."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(
    key: str | None, request_hash: str, produce: Callable[[], tuple[int, dict, int | None]]
) -> tuple[int, dict, bool]:
    """Run `produce` at most once per key; answer (status, body, replayed).

    `produce` returns (status, body, report_id) and runs in the caller's
    transaction; the caller commits once afterwards. `request_hash` is only
    read with a key.
    """
    if key is None:
        status, body, _ = produce()
        return status, body, False
    for _ in range(CLAIM_ATTEMPTS):
        claimed = db.session.execute(CLAIM_SQL, {"key": key, "hash": request_hash}).first()
        if claimed is not None:
            break
        stored = db.session.execute(READ_SQL, {"key": key}).first()
        if stored is None:  # purged between the two statements: claim again
            continue
        stored_hash, status, body = stored
        if stored_hash != request_hash:
            raise Conflict(REUSED_MESSAGE)
        return status, body, True
    else:
        # Never run without holding the key: "at most once per key" is the promise.
        raise ServiceUnavailable(BUSY_MESSAGE)
    try:
        status, body, report_id = produce()
    except Exception:
        # Release the key at once: a refused request leaves no row behind.
        db.session.rollback()
        raise
    db.session.execute(
        STORE_SQL,
        {"key": key, "status": status, "report_id": report_id, "body": json.dumps(body, default=str)},
    )
    return status, body, False


def purge_expired_keys(now: datetime | None = None) -> int:
    """Intake idempotency keys older than 48 h go; running it again deletes nothing.

    Clients retry a request within minutes, so after 48 h a key only takes
    room. Batches of 5,000, each committed, keep locks short; SKIP LOCKED
    leaves alone a key an intake transaction is using. A key is only ever
    claimed with created_at = now(), so a live request's key is never old
    (and the intake path claims again if its key vanished). The daily run
    scans the small table (about two days of keyed requests): no index needed.
    """
    cutoff = (now or utcnow()) - KEEP
    purged = 0
    while True:
        deleted = rowcount(
            db.session.execute(
                text(
                    "DELETE FROM idempotency_key WHERE key IN (SELECT key FROM idempotency_key "
                    "WHERE created_at < :cutoff LIMIT :batch FOR UPDATE SKIP LOCKED)"
                ),
                {"cutoff": cutoff, "batch": PURGE_BATCH},
            )
        )
        db.session.commit()
        purged += deleted
        if deleted < PURGE_BATCH:
            break
    if purged:
        log.info("purged %d idempotency key(s)", purged)
    return purged
