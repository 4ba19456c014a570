"""Followers get capabilities of their own (issue #21.1): a random token for
their own link (read the public view, unsubscribe) and, for follows by e-mail,
a confirmation date: no mail goes to an address before its owner confirmed.
Follows by account (guid) mail the account's own address and count as
confirmed; e-mail follows made before this revision are left unconfirmed
(their owners never proved the address).

The token's default is two gen_random_uuid() (PostgreSQL's strong random,
built in since 13) as 64 hex characters, so the raw SQL writers get one too.

Revision ID: 0012f
Revises: 0011o
"""
from alembic import op
import sqlalchemy as sa

revision = "0012f"
down_revision = "0011o"
branch_labels = None
depends_on = None

TOKEN = "replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')"


def upgrade():
    op.add_column("follower", sa.Column("token", sa.String(64), nullable=False,
                                        server_default=sa.text(TOKEN)))
    op.create_index("uq_follower_token", "follower", ["token"], unique=True)
    op.add_column("follower", sa.Column("confirmed_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE follower SET confirmed_at = created_at WHERE account_guid IS NOT NULL")


def downgrade():
    op.drop_column("follower", "confirmed_at")
    op.drop_index("uq_follower_token", table_name="follower")
    op.drop_column("follower", "token")
