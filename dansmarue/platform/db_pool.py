"""Connection pool checks: ping only connections that sat idle.

`pool_pre_ping` costs one round trip on every checkout: on the intake path
that is a quarter of a request's time waiting on PostgreSQL. A connection
that was in use a moment ago is alive, so we ping only connections idle for
more than IDLE_PING_AFTER seconds (a server restart or a dropped link happens
while connections sit in the pool); a dead one is replaced before use, as
with `pool_pre_ping`. A connection already known closed is never handed out.
`pool_recycle` (settings) retires old connections as well.
"""

import time

from sqlalchemy import event, exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, Pool, PoolProxiedConnection

IDLE_PING_AFTER = 5.0  # seconds
_CHECKED_IN = "dansmarue.checked_in_at"


@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection: DBAPIConnection | None, connection_record: ConnectionPoolEntry) -> None:
    connection_record.info[_CHECKED_IN] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _check_on_checkout(
    dbapi_connection: DBAPIConnection,
    connection_record: ConnectionPoolEntry,
    connection_proxy: PoolProxiedConnection,
) -> None:
    if getattr(dbapi_connection, "closed", False):
        raise exc.DisconnectionError("connection already closed")
    since = connection_record.info.get(_CHECKED_IN)
    if since is None or time.monotonic() - since < IDLE_PING_AFTER:
        return  # new, or in use a moment ago
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # the pool retries with a fresh connection
        raise exc.DisconnectionError(f"idle connection lost: {error}") from error
