"""The relay process's loop: woken by PostgreSQL, it moves outbox rows to RQ.

`OUTBOX_RELAY=process` (the default, issue #12.2) takes the relay off the
request path: a request only commits its outbox rows; the trigger of
migration 0015w sends `NOTIFY outbox` with that commit (transactional:
delivered after the commit, never for a rollback, and while Redis is down
too), and this loop, LISTENing on a connection of its own, relays at once.

- Each wake-up relays every due pending row (`relay_pending`, batches of
  `BATCH_SIZE` claimed with SKIP LOCKED: several relay processes, the
  scheduler's sweep and after-commit relays never take the same row, and a
  row is marked `enqueued` only after Redis took it). Notifications that
  piled up meanwhile are read first and answered by the same round.
- A catch-up round every `catch_up` seconds (`OUTBOX_RELAY_CATCHUP`) and one
  right after LISTEN (rows committed while no relay listened) relay what a
  lost wake-up left; the scheduler's sweep (every 3 s) stays behind both.
- Redis down: the round fails, the rows stay `pending`, wake-ups are ignored
  until the next catch-up (no connect timeout per commit), which delivers
  them once Redis is back. PostgreSQL lost: reconnect, LISTEN, catch up.
"""

import logging
import threading
import time
from collections.abc import Callable

import psycopg
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from dansmarue.jobs.relay import BATCH_SIZE, relay_pending
from dansmarue.models import db

log = logging.getLogger(__name__)

CHANNEL = "outbox"
APPLICATION_NAME = "dansmarue-relay"  # pg_stat_activity shows the listening connection
DEFAULT_CATCH_UP = 5.0  # seconds
STOP_CHECK = 1.0  # seconds: longest wait before the stop flag is read again
RECONNECT_AFTER = 1.0  # seconds after a lost PostgreSQL connection


def listen_dsn(database_url: str) -> str:
    """libpq's form of the SQLAlchemy URL (`postgresql+psycopg://` → `postgresql://`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def relay_all() -> int:
    """Relay every due pending row, batch after batch; Redis errors raise."""
    total = 0
    try:
        while True:
            count = relay_pending(swallow=False)
            total += count
            if count < BATCH_SIZE:
                return total
    except Exception:
        db.session.rollback()  # a failed statement must not poison the next round
        raise


class RelayLoop:
    """LISTEN on `CHANNEL` and relay on each notification and every `catch_up` s.

    `relay` runs in the caller's app context; `rounds` counts its calls by
    reason ("wake", "catch-up"), for the logs and the tests.
    """

    def __init__(
        self, dsn: str, *, catch_up: float = DEFAULT_CATCH_UP, relay: Callable[[], int] = relay_all
    ) -> None:
        self.dsn = dsn
        self.catch_up = catch_up
        self.relay = relay
        self.rounds: dict[str, int] = {"wake": 0, "catch-up": 0}
        self.relayed = 0

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set; a lost PostgreSQL connection is reopened."""
        while not stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, application_name=APPLICATION_NAME) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    log.info("relay listening on channel %s (catch-up every %.1f s)", CHANNEL, self.catch_up)
                    self._serve(conn, stop)
            except psycopg.OperationalError as exc:
                log.warning("relay: PostgreSQL connection lost (%s), reconnecting", exc)
                stop.wait(RECONNECT_AFTER)

    def _serve(self, conn: psycopg.Connection, stop: threading.Event) -> None:
        next_catch_up = time.monotonic()  # at once: what was committed while nobody listened
        while not stop.is_set():
            wait = next_catch_up - time.monotonic()
            woken = wait > 0 and self._wait(conn, min(wait, STOP_CHECK))
            if woken:
                self._drain(conn)  # one round answers every commit so far
                if not self._round("wake"):
                    next_catch_up = time.monotonic() + self.catch_up  # Redis down: wait for it
            elif time.monotonic() >= next_catch_up:
                first = not self.rounds["catch-up"]
                self._round("catch-up")
                next_catch_up = time.monotonic() + self.catch_up
                if first:
                    log.info("relay caught up, waiting for NOTIFY %s", CHANNEL)

    @staticmethod
    def _wait(conn: psycopg.Connection, timeout: float) -> bool:
        return any(True for _ in conn.notifies(timeout=timeout, stop_after=1))

    @staticmethod
    def _drain(conn: psycopg.Connection) -> None:
        for _ in conn.notifies(timeout=0):
            pass

    def _round(self, reason: str) -> bool:
        """One relay round; False if Redis refused it (the rows stay pending)."""
        self.rounds[reason] += 1
        try:
            count = self.relay()
        except RedisError as exc:
            log.warning("relay: Redis unavailable, rows stay pending until the next catch-up (%s)", exc)
            return False
        except Exception:
            log.exception("relay round failed; rows stay pending")
            return False
        self.relayed += count
        if count:
            log.debug("relay %s: %d job(s) to RQ", reason, count)
        return True
