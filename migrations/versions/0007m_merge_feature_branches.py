"""Merge the feature branches of the schema into one head.

Workers (0003), agents (0004), delays (0005), interoperability (0006) and the
dashboard (0007, 0007a, after 0005) each branched from the initial schema.

Revision ID: 0007m
Revises: 0003, 0004, 0006, 0007a
"""

revision = "0007m"
down_revision = ("0003", "0004", "0006", "0007a")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
