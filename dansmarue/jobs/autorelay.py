"""Best-effort relay right after a commit that wrote outbox rows.

Listed in `dansmarue.subscribers.MODULES`. When OUTBOX_AUTO_RELAY is on, a
commit that inserted outbox rows (seen through the ORM, or flagged by the raw
SQL writers: the intake and the SLA sweep), relays pending rows at once (own session, own
connection), so jobs start within milliseconds instead of at the next
scheduler tick. Failures are logged and swallowed: the scheduler catches up.
After a Redis failure, auto-relay pauses a few seconds, so that requests
are not slowed down by connect timeouts while Redis is away.

The relay's own commit does not relay again (it used to, recursively, one
pooled connection per level: with a backlog of pending rows that exhausted
the pool and hung the workers). Relays are coalesced per process: a commit
made while another thread of the process is relaying does not start a
second relay, it asks the running one to go round once more, so under load
one relay carries many requests' jobs and a request waits for at most one.
Nothing is lost either way: rows stay `pending` until a relay (here or the
scheduler's, every few seconds) takes them.
"""

import logging
import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from dansmarue.jobs.outbox import WRITTEN_FLAG as _FLAG
from dansmarue.models import OutboxJob, db

log = logging.getLogger(__name__)

PAUSE_AFTER_FAILURE = 5.0  # seconds
_paused_until = 0.0
_RELAY_SESSION = "dansmarue.relay_session"  # session.info key: the relay's own session
MAX_ROUNDS = 4  # rounds one relaying thread does for the others before leaving
_running = threading.Lock()
_wanted = threading.Event()


@event.listens_for(Session, "do_orm_execute")
def _note_outbox_insert(state: ORMExecuteState) -> None:
    if state.is_insert and state.bind_mapper is not None and state.bind_mapper.class_ is OutboxJob:
        state.session.info[_FLAG] = True


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # a savepoint's rollback keeps earlier rows
        session.info.pop(_FLAG, None)


@event.listens_for(Session, "after_commit")
def _relay_after_commit(session: Session) -> None:
    if session.info.get(_RELAY_SESSION):
        return  # the relay's own commit
    if not session.info.pop(_FLAG, False):
        return
    if not has_app_context() or not current_app.config.get("OUTBOX_AUTO_RELAY"):
        return
    relay_coalesced()


def relay_coalesced() -> None:
    """Relay now, unless another thread of this process is relaying: then
    that thread relays once more after its current round (which may have
    claimed its rows before this commit made ours visible)."""
    _wanted.set()
    rounds = 0
    while rounds < MAX_ROUNDS and _wanted.is_set() and _running.acquire(blocking=False):
        try:
            while rounds < MAX_ROUNDS and _wanted.is_set():
                _wanted.clear()
                rounds += 1
                relay_now()
        finally:
            _running.release()
        # A commit that came in just before the release found the lock taken:
        # its wish is still in _wanted, so this loop takes it.


def relay_now() -> int:
    """Relay pending rows in a separate session; never raises."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return 0
    from redis.exceptions import RedisError

    from dansmarue.jobs.relay import relay_pending

    try:
        with Session(bind=db.engine, info={_RELAY_SESSION: True}) as session:
            return relay_pending(limit=100, session=session, swallow=False)
    except RedisError:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
    except Exception:  # the request already succeeded; the scheduler will relay
        log.warning("auto-relay failed; the scheduler will relay", exc_info=True)
    return 0
