"""agents' catalogues: rejection reasons and service-done messages

Revision ID: 0004
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from dansmarue.catalogue.agent_text_seeds import GENERIC_DONE_MESSAGES, REJECTION_REASONS

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    reasons = op.create_table(
        "rejection_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection_reason")),
        sa.UniqueConstraint("label", name=op.f("uq_rejection_reason_label")),
    )
    messages = op.create_table(
        "service_done_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], ondelete="CASCADE",
                                name=op.f("fk_service_done_message_category_id_category")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_done_message")),
        sa.UniqueConstraint("category_id", "title", name="uq_done_message_title"),
    )
    op.create_index(op.f("ix_service_done_message_category_id"), "service_done_message",
                    ["category_id"], unique=False)
    op.bulk_insert(reasons, [{"label": label, "sort_order": i}
                             for i, label in enumerate(REJECTION_REASONS)])
    op.bulk_insert(messages, [{"category_id": None, "title": title, "message": text,
                               "sort_order": i}
                              for i, (title, text) in enumerate(GENERIC_DONE_MESSAGES)])


def downgrade():
    op.drop_index(op.f("ix_service_done_message_category_id"),
                  table_name="service_done_message")
    op.drop_table("service_done_message")
    op.drop_table("rejection_reason")
