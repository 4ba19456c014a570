"""Outbox rows remember the request that wrote them (logs follow a report from
intake to its last job, issue #14.2). The column's default reads the id that
the request set on its transaction (`set_config('dansmarue.request_id', …,
true)`), so every writer, ORM or raw SQL, fills it without knowing.

Revision ID: 0011o
Revises: 0010r
"""
from alembic import op
import sqlalchemy as sa

revision = "0011o"
down_revision = "0010r"
branch_labels = None
depends_on = None

DEFAULT = "NULLIF(current_setting('dansmarue.request_id', true), '')"


def upgrade():
    op.add_column("outbox_job", sa.Column("request_id", sa.String(64), nullable=True,
                                          server_default=sa.text(DEFAULT)))


def downgrade():
    op.drop_column("outbox_job", "request_id")
