"""Wake the relay process when an outbox row becomes pending (issue #12.2).

A trigger on `outbox_job` runs `pg_notify('outbox', '')` for every row
inserted or set back to `pending` (retries, re-relays of rows Redis lost,
`flask jobs replay`). NOTIFY is transactional: PostgreSQL delivers it to the
listening relay (`python -m workers.relay`) only after the commit, never for
a rolled-back transaction, and coalesces the identical notifications of one
transaction into one. One place: no writer (ORM, raw SQL of the intake and
the SLA sweep) can forget it. Rows marked `enqueued`, `done`, `failed` or
`dead` do not fire it, so the relay's own commit does not wake it again.

Revision ID: 0015w
Revises: 0016p
"""

from alembic import op

revision = "0015w"
down_revision = "0016p"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE OR REPLACE FUNCTION outbox_job_notify() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('outbox', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute("DROP TRIGGER IF EXISTS outbox_job_notify ON outbox_job")
    op.execute(
        "CREATE TRIGGER outbox_job_notify AFTER INSERT OR UPDATE OF status ON outbox_job "
        "FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION outbox_job_notify()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS outbox_job_notify ON outbox_job")
    op.execute("DROP FUNCTION IF EXISTS outbox_job_notify()")
