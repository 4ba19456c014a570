"""The fingerprint of the last reference-data load, so a restart skips an
unchanged load (`flask data load`, issue #19.17).

Revision ID: 0010r
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010r"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "refdata_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_refdata_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refdata_state")),
    )


def downgrade():
    op.drop_table("refdata_state")
