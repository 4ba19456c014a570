"""notification log (one row per message and recipient)

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_log")),
        sa.UniqueConstraint("dedup_key", "recipient", name="uq_notification_log_key_recipient"),
    )
    op.create_index(op.f("ix_notification_log_report_id"), "notification_log",
                    ["report_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_notification_log_report_id"), table_name="notification_log")
    op.drop_table("notification_log")
