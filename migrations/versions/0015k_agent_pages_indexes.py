"""Indexes of the agents' pages at 1 M reports (bench/bench_agent_pages.py).

* `ix_report_geog`: the queue sorted by distance from the phone. A GiST index
  on the positions as geography, so `ORDER BY geography(geom) <-> here` is a
  nearest-first index scan (KNN, metres on the sphere) instead of computing and
  sorting the distance of every open report of the unit (400 ms before).
* `ix_report_open_geog`: the same on open reports only (the SLA clock keeps
  `closed_at` NULL exactly while a report is open): the queue sorted by distance
  among open states, and Doublon's nearby open reports, which otherwise read
  every report within 300 m (16 k in a dense street at 1 M reports) and a
  bitmap of the 200 k open ones.
* `ix_report_unit_scheduled`: the route sheet, a unit's reports scheduled for
  one day, without reading all the unit's reports (240 ms before); partial, as
  most reports are never scheduled.
* `ix_report_address_trgm`, `ix_report_description_trgm` (pg_trgm): the queue's
  free text (`ILIKE '%…%'` on address and description); without them a word
  found nowhere reads every open report of the scope (550 ms for 54 k reports,
  loaded machine); with them 0.5 ms. Common words still take the due-date
  index and stop at the first page's matches. The cost: a GIN entry per
  report at intake (fast-update GIN, batched).

Revision ID: 0015k
Revises: 0015r
"""

from alembic import op

revision = "0015k"
down_revision = "0015r"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE INDEX IF NOT EXISTS ix_report_geog ON report USING gist ((geography(geom)))")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_report_open_geog ON report USING gist ((geography(geom))) "
        "WHERE closed_at IS NULL"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_report_unit_scheduled ON report (unit_id, scheduled_for) "
        "WHERE scheduled_for IS NOT NULL"
    )
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in ("address", "description"):
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_report_{column}_trgm ON report USING gin ({column} gin_trgm_ops)"
        )


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_report_description_trgm")
    op.execute("DROP INDEX IF EXISTS ix_report_address_trgm")
    op.execute("DROP INDEX IF EXISTS ix_report_unit_scheduled")
    op.execute("DROP INDEX IF EXISTS ix_report_open_geog")
    op.execute("DROP INDEX IF EXISTS ix_report_geog")
