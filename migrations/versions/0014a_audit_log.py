"""Audit trail of the administration API (issue #13): every change an
administrator makes (users, units, sectors, categories, SLA targets, agents'
catalogues, requalification rules) is recorded with who, when, what, and the
entity before and after.

Revision ID: 0014a
Revises: 0013s
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0014a"
down_revision = "0013s"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column(
            "actor_id",
            sa.Integer(),
            sa.ForeignKey("app_user.id", ondelete="SET NULL", name="fk_audit_entry_actor_id_app_user"),
            nullable=True,
        ),
        sa.Column("actor_email", sa.String(254), nullable=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("before", JSONB(), nullable=True),
        sa.Column("after", JSONB(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_entity", "audit_entry", ["entity", "entity_id"])


def downgrade():
    op.drop_table("audit_entry")
