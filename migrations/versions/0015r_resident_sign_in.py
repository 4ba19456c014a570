"""One-time sign-in links for residents (issue #19.2): only the sha256 of the
token is stored, with the address it was sent to, an expiry and the time it
was used. Resident accounts are app_user rows of role 'resident'; their
API tokens are api_token rows (hashed, expiring, revocable).

Revision ID: 0015r
Revises: 0015m
"""
from alembic import op
import sqlalchemy as sa

revision = "0015r"
down_revision = "0015m"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "resident_sign_in",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_resident_sign_in"),
        sa.UniqueConstraint("token_hash", name="uq_resident_sign_in_token_hash"),
    )
    op.create_index("ix_resident_sign_in_email", "resident_sign_in", ["email"])


def downgrade():
    op.drop_table("resident_sign_in")
