"""The statements of the intake hot path, kept to a few round trips.

1. `allocate`: the category row, the routing of the point (routing.ROUTE_SQL
   run inside the same statement), and a report id and monthly number when
   both are acceptable (so refused requests burn no reference number).
2. `insert`: one statement writes the report, its "creation" history entry
   and its outbox jobs, and reads back the district and direction names and
   the possible duplicates (the new row is invisible to its own statement,
   so it is never its own duplicate).

The Report object built by the caller is then attached to the session as a
persistent instance, without a SELECT, so later ORM changes are UPDATEs.
Both statements run on the session's own connection (same transaction)
through the psycopg cursor: the ORM execution path costs more CPU than the
statements themselves on this, the hottest endpoint.
"""

from functools import lru_cache
from typing import Any

import psycopg
from psycopg.errors import UniqueViolation
from psycopg.types.json import Jsonb
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import make_transient_to_detached

from dansmarue.catalogue.categories import CATEGORY_COLUMNS, REPORTABLE_SQL
from dansmarue.errors import Conflict
from dansmarue.extensions import db
from dansmarue.jobs.outbox import WRITTEN_FLAG as OUTBOX_WRITTEN_FLAG
from dansmarue.jobs.outbox import dedup_key_sql as _key
from dansmarue.jobs.registry import DISPATCH_REPORT, NOTIFY_UNIT_NEW_REPORT, SEND_ACKNOWLEDGEMENT
from dansmarue.models import Report
from dansmarue.reports import routing
from dansmarue.reports.search import DUPLICATE_RADIUS_M, DUPLICATES_JSON_SQL, box_degrees

_REPORTABLE = REPORTABLE_SQL.replace(":as_agent", "%(as_agent)s")
ROUTE_COLUMNS = ("r_district", "r_quartier", "r_conseil", "r_perimeter", "r_unit", "r_sector", "r_direction")
# routing.ROUTE_SQL itself, fed with the category's unit by a sub-select.
_ROUTE = (
    routing.ROUTE_SQL.text.replace(":unit_id", "(SELECT unit_id FROM category WHERE id = %(category_id)s)")
    .replace(":lon", "%(lon)s")
    .replace(":lat", "%(lat)s")
)
_ALLOWED = f"{_REPORTABLE} AND r_district IS NOT NULL AND r_sector IS NOT NULL"
ALLOCATE_SQL = f"""
SELECT {CATEGORY_COLUMNS}, {", ".join(ROUTE_COLUMNS)},
  CASE WHEN {_ALLOWED} THEN nextval(pg_get_serial_sequence('report', 'id')) END AS report_id,
  CASE WHEN {_ALLOWED} THEN next_report_number(%(year)s, %(month)s) END AS number
FROM category, ({_ROUTE}) AS route({", ".join(ROUTE_COLUMNS)})
WHERE id = %(category_id)s"""

CLIENT_UUID_CONSTRAINT = "uq_report_client_uuid"
UUID_TAKEN = "Ce client_uuid a déjà servi pour un autre signalement."
# Columns written from Python; geom is built from lon/lat in SQL.
_SKIP = {"geom", "latitude", "longitude"}
_TAIL = f"""
e AS (
  INSERT INTO report_event (report_id, action, to_state, actor_user_id, actor_label,
                            public_message, is_public, created_at)
  SELECT r.id, 'creation', 'initial', %(actor_user_id)s, %(actor_label)s, %(message)s, true,
         %(created_at)s FROM r),
f AS (
  -- Like the real processWorkflow: the reporter's account follows the report.
  INSERT INTO follower (report_id, account_guid, created_at)
  SELECT r.id, CAST(%(reporter_guid)s AS text), %(created_at)s FROM r
  WHERE CAST(%(reporter_guid)s AS text) IS NOT NULL),
j AS (
  INSERT INTO outbox_job (func, args, queue, dedup_key, status, attempts, available_at,
                          created_at)
  SELECT v.func, jsonb_build_array(r.id), v.queue, v.dedup_key,
         'pending', 0, %(created_at)s, %(created_at)s
  FROM r, LATERAL (VALUES
    ('{DISPATCH_REPORT.path}', '{DISPATCH_REPORT.queue}',
     {_key(DISPATCH_REPORT, report_id="r.id", cause="'created'")}, true),
    ('{SEND_ACKNOWLEDGEMENT.path}', '{SEND_ACKNOWLEDGEMENT.queue}',
     {_key(SEND_ACKNOWLEDGEMENT, report_id="r.id")}, CAST(%(with_ack)s AS boolean)),
    ('{NOTIFY_UNIT_NEW_REPORT.path}', '{NOTIFY_UNIT_NEW_REPORT.queue}',
     {_key(NOTIFY_UNIT_NEW_REPORT, report_id="r.id",
                                       unit_id="coalesce(r.unit_id::text, '')")}, true)
          ) AS v(func, queue, dedup_key, wanted)
  WHERE v.wanted
  ON CONFLICT (dedup_key) DO NOTHING)
SELECT d.name, d.group_name, u.code, u.label, {DUPLICATES_JSON_SQL} AS duplicates
FROM district d JOIN unit u ON u.id = %(direction_id)s
WHERE d.id = %(district_id)s"""


def _cursor() -> "psycopg.Cursor[Any]":
    """A cursor on the session's connection, inside the session's transaction."""
    from psycopg.rows import namedtuple_row

    driver = db.session.connection().connection.driver_connection
    assert driver is not None  # the live psycopg connection of the session's transaction
    return driver.cursor(row_factory=namedtuple_row)


# The rows below are psycopg named tuples whose fields are the statements' columns: Any.
def allocate(
    category_id: int, *, as_agent: bool, year: int, month: int, longitude: float, latitude: float
) -> Any:
    """The category row with routing columns (r_*), report_id and number."""
    with _cursor() as cursor:
        cursor.execute(
            ALLOCATE_SQL,
            {
                "category_id": category_id,
                "as_agent": as_agent,
                "year": year,
                "month": month,
                "lon": longitude,
                "lat": latitude,
            },
        )
        return cursor.fetchone()


def placement(row: Any) -> "routing.Placement":
    return routing.placement(tuple(getattr(row, c) for c in ROUTE_COLUMNS))


@lru_cache(maxsize=32)
def _insert_sql(columns: tuple[str, ...]) -> tuple[str, frozenset]:
    """One statement per set of columns (a handful), so psycopg prepares it."""
    table = Report.__table__
    names = ", ".join(table.c[c].name for c in columns)
    values = ", ".join(f"%({c})s" for c in columns)
    statement = (
        "WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g),\n"
        f"r AS (INSERT INTO report ({names}, geom) VALUES ({values}, "
        "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)) RETURNING id, unit_id)," + _TAIL
    )
    json_columns = frozenset(c for c in columns if isinstance(table.c[c].type, JSONB))
    return statement, json_columns


def insert(
    report: Report,
    *,
    longitude: float,
    latitude: float,
    actor_label: str,
    actor_user_id: int | None,
    message: str,
    with_ack: bool,
) -> Any:
    """Write the report (with every attribute set on it), its event and jobs."""
    state = report.__dict__
    columns = tuple(sorted(k for k in Report.__mapper__.columns.keys() if k in state and k not in _SKIP))  # noqa: SIM118 (a ColumnCollection iterates over columns)
    statement, json_columns = _insert_sql(columns)
    params = {c: Jsonb(state[c]) if c in json_columns else state[c] for c in columns}
    params.update(
        lon=longitude,
        lat=latitude,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        message=message,
        with_ack=with_ack,
        degrees=box_degrees(DUPLICATE_RADIUS_M, latitude),
    )
    with _cursor() as cursor:
        try:
            cursor.execute(statement, params)
        except UniqueViolation as error:
            if error.diag.constraint_name == CLIENT_UUID_CONSTRAINT:
                raise Conflict(
                    UUID_TAKEN, errors=[{"field": "client_uuid", "message": UUID_TAKEN, "location": "json"}]
                ) from None
            raise
        row = cursor.fetchone()
    db.session.info[OUTBOX_WRITTEN_FLAG] = True  # raw SQL: autorelay cannot see it
    _attach(report)
    return row


def _attach(report: Report) -> None:
    """Make the written object persistent: what we set is what the row holds.

    make_transient_to_detached() takes the set values as loaded ones (no
    history, so no UPDATE) and expires the others (server defaults).
    """
    make_transient_to_detached(report)
    db.session.add(report)
