"""Dashboard: a roll-up of overdue reports per direction, district, category, unit.

Revision ID: 0007a
Revises: 0007

The roll-ups of 0005 count open reports but not late ones, and the map, the
top categories and the list's totals need late counts crossed by district,
category and unit. Same design as 0005: an AFTER trigger appends signed
facts (+1 when a row becomes late, -1 when it stops being late: closed,
requalified, deadline moved) to `late_stats_delta`, so writers never contend
on a counter row; `dansmarue.stats.overdue.fold_late()` moves them
into `late_stats` before each read. Bulk loads that disable triggers call
`rebuild_late()` afterwards.
"""
from alembic import op

revision = "0007a"
down_revision = "0007"
branch_labels = None
depends_on = None

LATE = "{r}.closed_at IS NULL AND {r}.sla_status IN ('overdue', 'escalated')"
DIMS = "direction_id, district_id, category_id, unit_id"

UPGRADE = f"""
CREATE TABLE late_stats (
  direction_id integer NOT NULL,
  district_id integer NOT NULL,
  category_id integer NOT NULL,
  unit_id integer NOT NULL,
  n integer NOT NULL DEFAULT 0,
  PRIMARY KEY ({DIMS})
);

CREATE TABLE late_stats_delta (
  id bigserial PRIMARY KEY,
  direction_id integer NOT NULL,
  district_id integer NOT NULL,
  category_id integer NOT NULL,
  unit_id integer NOT NULL,
  sign smallint NOT NULL
);

CREATE FUNCTION late_stats_capture() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {LATE.format(r="OLD")} THEN
    INSERT INTO late_stats_delta ({DIMS}, sign)
    VALUES (OLD.direction_id, OLD.district_id, OLD.category_id, OLD.unit_id, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND {LATE.format(r="NEW")} THEN
    INSERT INTO late_stats_delta ({DIMS}, sign)
    VALUES (NEW.direction_id, NEW.district_id, NEW.category_id, NEW.unit_id, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER late_stats_insert_delete AFTER INSERT OR DELETE ON report
  FOR EACH ROW EXECUTE FUNCTION late_stats_capture();
CREATE TRIGGER late_stats_update AFTER UPDATE ON report
  FOR EACH ROW WHEN (
    (OLD.sla_status, OLD.closed_at IS NULL, OLD.direction_id, OLD.district_id,
     OLD.category_id, OLD.unit_id)
    IS DISTINCT FROM
    (NEW.sla_status, NEW.closed_at IS NULL, NEW.direction_id, NEW.district_id,
     NEW.category_id, NEW.unit_id))
  EXECUTE FUNCTION late_stats_capture();

INSERT INTO late_stats ({DIMS}, n)
SELECT {DIMS}, count(*) FROM report r WHERE {LATE.format(r="r")} GROUP BY {DIMS};
"""


def upgrade():
    op.execute(UPGRADE)


def downgrade():
    op.execute("""
    DROP TRIGGER IF EXISTS late_stats_update ON report;
    DROP TRIGGER IF EXISTS late_stats_insert_delete ON report;
    DROP FUNCTION IF EXISTS late_stats_capture();
    DROP TABLE IF EXISTS late_stats_delta, late_stats;
    """)
