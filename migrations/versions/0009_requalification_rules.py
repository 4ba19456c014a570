"""Automatic requalification rules (real signalement_workflow_rac_unit) and the
agents' work-queue index.

Revision ID: 0009
Revises: 0007m

A rule sends the new reports of a source unit (or of any unit below it),
for one category or for all, to a target unit, optionally straight into a
state. `ix_report_unit_due` serves the agents' queue: reports of a unit by
due date then id (the queue's order, so a page is one index range).
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0007m"
branch_labels = None
depends_on = None

TARGET_STATES = ("new", "to_process", "field_todo", "office_todo", "to_requalify",
                 "under_watch")


def upgrade():
    states = ", ".join(f"'{s}'" for s in TARGET_STATES)
    op.create_table(
        "requalification_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_unit_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("target_unit_id", sa.Integer(), nullable=False),
        sa.Column("target_state", sa.String(length=24), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["source_unit_id"], ["unit.id"], ondelete="CASCADE",
                                name=op.f("fk_requalification_rule_source_unit_id_unit")),
        sa.ForeignKeyConstraint(["target_unit_id"], ["unit.id"], ondelete="CASCADE",
                                name=op.f("fk_requalification_rule_target_unit_id_unit")),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], ondelete="CASCADE",
                                name=op.f("fk_requalification_rule_category_id_category")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requalification_rule")),
        sa.CheckConstraint("source_unit_id <> target_unit_id",
                           name=op.f("ck_requalification_rule_distinct_units")),
        sa.CheckConstraint(f"target_state IS NULL OR target_state IN ({states})",
                           name=op.f("ck_requalification_rule_target_state_known")),
    )
    # One rule per (source unit, category or "all"): NULL counts as one value.
    op.execute("CREATE UNIQUE INDEX uq_requalification_rule_source ON requalification_rule "
               "(source_unit_id, coalesce(category_id, 0))")
    op.execute("CREATE INDEX IF NOT EXISTS ix_report_unit_due ON report (unit_id, due_at, id)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_report_unit_due")
    op.drop_table("requalification_rule")
