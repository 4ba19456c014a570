"""Web sessions can be revoked on the server (issue #21.4): each account has a
session epoch, copied into the cookie at sign-in; signing out (or an
administrator's force-logout) moves it on, so every cookie issued before is
refused, even one copied from the browser before the logout.

Revision ID: 0013s
Revises: 0012f
"""
from alembic import op
import sqlalchemy as sa

revision = "0013s"
down_revision = "0012f"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("app_user", sa.Column("session_epoch", sa.Integer(), nullable=False,
                                        server_default="0"))


def downgrade():
    op.drop_column("app_user", "session_epoch")
