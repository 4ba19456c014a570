"""The agents' notes after a route sheet's round (issue #18: the apps'
saveInfosApresTournee), one per (agent, day).

Revision ID: 0015m
Revises: 0014b
"""
from alembic import op
import sqlalchemy as sa

revision = "0015m"
down_revision = "0014b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "route_sheet_note",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("after_round", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE",
                                name="fk_route_sheet_note_user_id_app_user"),
        sa.PrimaryKeyConstraint("user_id", "day", name="pk_route_sheet_note"),
    )


def downgrade():
    op.drop_table("route_sheet_note")
