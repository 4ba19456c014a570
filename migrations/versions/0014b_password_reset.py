"""One-time password reset links sent by an administrator (issue #13): only
the sha256 of the token is stored, with an expiry and the time it was used.

Revision ID: 0014b
Revises: 0014a
"""
from alembic import op
import sqlalchemy as sa

revision = "0014b"
down_revision = "0014a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE",
                                name="fk_password_reset_user_id_app_user"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["app_user.id"], ondelete="SET NULL",
                                name="fk_password_reset_requested_by_id_app_user"),
        sa.PrimaryKeyConstraint("id", name="pk_password_reset"),
        sa.UniqueConstraint("token_hash", name="uq_password_reset_token_hash"),
    )
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"])


def downgrade():
    op.drop_table("password_reset")
