"""Dashboard: partial covering indexes for the late and open reports it counts.

Revision ID: 0007
Revises: 0005 (needs its SLA columns)

The roll-ups (0005) are keyed by direction × one dimension and hold no
overdue counts, so the dashboard counts overdue reports per (district,
category, unit) and, under a unit or category filter, open reports per
district. These partial indexes hold only late (resp. open) rows and cover
the grouped columns, so those counts are index-only scans and the sorted,
paginated overdue list reads one index range per category or unit. The
last one serves the weekly delays under both a unit and a category filter.
"""
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

LATE = "sla_status IN ('overdue', 'escalated') AND closed_at IS NULL"
OPEN = "closed_at IS NULL"
CLOSED = "closed_at IS NOT NULL"
INDEXES = {
    "ix_report_late_dims": ("direction_id, district_id, category_id, unit_id", LATE),
    "ix_report_late_category_due": ("category_id, due_at, id", LATE),
    "ix_report_late_unit_due": ("unit_id, due_at, id", LATE),
    "ix_report_open_unit_dims": ("unit_id, category_id, district_id, direction_id, created_at", OPEN),
    "ix_report_open_category_dims": ("category_id, district_id, direction_id, created_at", OPEN),
    # Weekly delays under a unit AND a category filter (no roll-up has both).
    "ix_report_closed_unit_category": (
        "unit_id, category_id, closed_at) INCLUDE (created_at, due_at, direction_id", CLOSED),
}


def upgrade():
    for name, (columns, where) in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON report ({columns}) WHERE {where}")


def downgrade():
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
