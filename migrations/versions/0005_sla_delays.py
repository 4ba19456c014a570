"""SLA engine: targets as data, report clock columns, sweep watermark, roll-ups.

Revision ID: 0005
Revises: 0001

Design of the roll-ups (see dansmarue/services/rollups.py for the full note):
an AFTER trigger on `report` appends signed facts (created / acknowledged /
resolved / open) to `report_stats_delta`; nothing else is locked, so intake
never contends on a hot counter row. `report_stats_fold()` (Python-built SQL)
moves deltas into `report_stats` (per direction × one dimension × day and
month) and `open_backlog_day` / `open_backlog_total`.
"""
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None

BUCKETS = 48  # fixed log-scale histogram buckets (see sla_bucket below)
CLOSED = "('done', 'rejected', 'archived')"

FUNCTIONS = f"""
-- The Paris local date of an instant: days of the roll-ups are local days.
CREATE FUNCTION sla_day(ts timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (ts AT TIME ZONE 'Europe/Paris')::date $$;

-- Histogram bucket of a duration: 0 = under a minute, then ×1.35 per bucket
-- (bucket i >= 1 covers [60·1.35^(i-1), 60·1.35^i) s); the last is open-ended (~2 years).
CREATE FUNCTION sla_bucket(seconds double precision) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN seconds IS NULL THEN NULL
                    WHEN seconds < 60 THEN 0
                    ELSE least({BUCKETS - 1}, 1 + floor(ln(seconds / 60.0) / ln(1.35)))::smallint END $$;

-- Signed facts of one report row. open/resolved partition on closed_at.
CREATE FUNCTION report_stats_emit(r report, s integer) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_stats_delta (kind, sign, day, direction_id, unit_id, district_id,
                                  category_id, priority, seconds, on_time)
  SELECT f.kind, s, f.day, r.direction_id, r.unit_id, r.district_id, r.category_id,
         r.priority, f.seconds, f.on_time
  FROM (VALUES
    (1, sla_day(r.created_at), NULL::bigint, NULL::boolean, true),
    (2, sla_day(r.acknowledged_at),
        greatest(0, extract(epoch FROM r.acknowledged_at - r.created_at))::bigint,
        r.ack_due_at IS NULL OR r.acknowledged_at <= r.ack_due_at,
        r.acknowledged_at IS NOT NULL),
    (3, sla_day(r.closed_at),
        greatest(0, extract(epoch FROM r.closed_at - r.created_at))::bigint,
        r.due_at IS NULL OR r.closed_at <= r.due_at,
        r.closed_at IS NOT NULL),
    (4, sla_day(r.created_at), NULL::bigint, NULL::boolean, r.closed_at IS NULL)
  ) AS f(kind, day, seconds, on_time, applies)
  WHERE f.applies;
END $$;

CREATE FUNCTION report_stats_capture() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_stats_emit(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM report_stats_emit(NEW, 1); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER report_stats_insert_delete AFTER INSERT OR DELETE ON report
  FOR EACH ROW EXECUTE FUNCTION report_stats_capture();
-- Due dates only matter once the fact they judge exists (moving the due date
-- of an open report, as the clock does, emits nothing).
CREATE TRIGGER report_stats_update AFTER UPDATE ON report
  FOR EACH ROW WHEN (
    (OLD.created_at, OLD.acknowledged_at, OLD.closed_at,
     OLD.direction_id, OLD.unit_id, OLD.district_id, OLD.category_id, OLD.priority)
    IS DISTINCT FROM
    (NEW.created_at, NEW.acknowledged_at, NEW.closed_at,
     NEW.direction_id, NEW.unit_id, NEW.district_id, NEW.category_id, NEW.priority)
    OR (NEW.acknowledged_at IS NOT NULL AND OLD.ack_due_at IS DISTINCT FROM NEW.ack_due_at)
    OR (NEW.closed_at IS NOT NULL AND OLD.due_at IS DISTINCT FROM NEW.due_at))
  EXECUTE FUNCTION report_stats_capture();
"""

# The next instant at which the sweep has something to do for this report.
# A generated column: one definition, used by the sweep's partial index.
NEXT_AT = f"""
CASE WHEN closed_at IS NOT NULL OR state IN {CLOSED} THEN NULL ELSE LEAST(
  CASE WHEN acknowledged_at IS NULL AND NOT sla_ack_late THEN ack_due_at END,
  CASE WHEN sla_status = 'none' THEN due_soon_at END,
  CASE WHEN sla_status IN ('none', 'due_soon') THEN due_at END,
  CASE WHEN sla_status <> 'escalated' THEN escalate_at END) END
"""


def _hist(prefix: str) -> str:
    return ",\n".join(f"  {prefix}{i:02d} integer NOT NULL DEFAULT 0" for i in range(BUCKETS))


TABLES = f"""
CREATE TABLE sla_target (
  id serial PRIMARY KEY,
  category_id integer NOT NULL REFERENCES category(id) ON DELETE CASCADE,
  priority smallint CHECK (priority BETWEEN 1 AND 3),
  ack_amount numeric(8, 2) NOT NULL CHECK (ack_amount > 0),
  ack_unit varchar(16) NOT NULL CHECK (ack_unit IN ('hours', 'business_days')),
  resolve_amount numeric(8, 2) NOT NULL CHECK (resolve_amount > 0),
  resolve_unit varchar(16) NOT NULL CHECK (resolve_unit IN ('hours', 'business_days')),
  rationale text,
  source varchar(200)
);
CREATE UNIQUE INDEX uq_sla_target_category_priority ON sla_target (category_id, coalesce(priority, 0));

CREATE TABLE sla_clock_state (
  state varchar(24) PRIMARY KEY,
  pauses_clock boolean NOT NULL DEFAULT true,
  reason text
);

CREATE TABLE sla_sweep_state (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_run_at timestamptz,
  last_claimed integer NOT NULL DEFAULT 0,
  runs bigint NOT NULL DEFAULT 0
);
INSERT INTO sla_sweep_state (id) VALUES (1);

ALTER TABLE report
  ADD COLUMN sla_status varchar(12) NOT NULL DEFAULT 'none'
    CONSTRAINT ck_report_sla_status_known
    CHECK (sla_status IN ('none', 'due_soon', 'overdue', 'escalated')),
  ADD COLUMN sla_ack_late boolean NOT NULL DEFAULT false,
  ADD COLUMN due_soon_at timestamptz,
  ADD COLUMN escalate_at timestamptz,
  ADD COLUMN overdue_at timestamptz,
  ADD COLUMN escalated_at timestamptz,
  ADD COLUMN paused_since timestamptz,
  ADD COLUMN paused_seconds integer NOT NULL DEFAULT 0,
  ADD COLUMN sla_pauses jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE report ADD COLUMN sla_next_at timestamptz GENERATED ALWAYS AS ({NEXT_AT}) STORED;
CREATE INDEX ix_report_sla_next ON report (sla_next_at) WHERE sla_next_at IS NOT NULL;
CREATE INDEX ix_report_sla_late ON report (due_at, id)
  WHERE sla_status IN ('overdue', 'escalated') AND closed_at IS NULL;
CREATE INDEX ix_report_open_created ON report (created_at) WHERE closed_at IS NULL;

CREATE TABLE report_stats_delta (
  id bigserial PRIMARY KEY,
  kind smallint NOT NULL,  -- 1 created, 2 acknowledged, 3 resolved, 4 open
  sign smallint NOT NULL,
  day date NOT NULL,
  direction_id integer NOT NULL,
  unit_id integer NOT NULL,
  district_id integer NOT NULL,
  category_id integer NOT NULL,
  priority smallint NOT NULL,
  seconds bigint,
  on_time boolean
);

CREATE TABLE report_stats (
  dim smallint NOT NULL,     -- 0 direction, 1 unit, 2 district, 3 category, 4 priority
  grain char(1) NOT NULL,    -- 'd' local day, 'm' month (period = first day)
  period date NOT NULL,
  direction_id integer NOT NULL,
  key integer NOT NULL,
  created integer NOT NULL DEFAULT 0,
  acknowledged integer NOT NULL DEFAULT 0,
  ack_on_time integer NOT NULL DEFAULT 0,
  ack_seconds bigint NOT NULL DEFAULT 0,
  resolved integer NOT NULL DEFAULT 0,
  resolved_on_time integer NOT NULL DEFAULT 0,
  resolve_seconds bigint NOT NULL DEFAULT 0,
{_hist("ah")},
{_hist("rh")},
  PRIMARY KEY (dim, grain, period, direction_id, key)
);

CREATE TABLE open_backlog_day (
  dim smallint NOT NULL,
  day date NOT NULL,
  direction_id integer NOT NULL,
  key integer NOT NULL,
  n integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, day, direction_id, key)
);

CREATE TABLE open_backlog_total (
  dim smallint NOT NULL,
  direction_id integer NOT NULL,
  key integer NOT NULL,
  n integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, direction_id, key)
);
"""


def upgrade():
    op.execute(TABLES)
    op.execute(FUNCTIONS)


def downgrade():
    op.execute("""
    DROP TRIGGER IF EXISTS report_stats_update ON report;
    DROP TRIGGER IF EXISTS report_stats_insert_delete ON report;
    DROP FUNCTION IF EXISTS report_stats_capture();
    DROP FUNCTION IF EXISTS report_stats_emit(report, integer);
    DROP FUNCTION IF EXISTS sla_bucket(double precision);
    DROP FUNCTION IF EXISTS sla_day(timestamptz);
    DROP TABLE IF EXISTS open_backlog_total, open_backlog_day, report_stats,
      report_stats_delta, sla_sweep_state, sla_clock_state, sla_target;
    DROP INDEX IF EXISTS ix_report_open_created;
    DROP INDEX IF EXISTS ix_report_sla_late;
    DROP INDEX IF EXISTS ix_report_sla_next;
    ALTER TABLE report DROP COLUMN IF EXISTS sla_next_at,
      DROP COLUMN IF EXISTS sla_status, DROP COLUMN IF EXISTS sla_ack_late,
      DROP COLUMN IF EXISTS due_soon_at, DROP COLUMN IF EXISTS escalate_at,
      DROP COLUMN IF EXISTS overdue_at, DROP COLUMN IF EXISTS escalated_at,
      DROP COLUMN IF EXISTS paused_since, DROP COLUMN IF EXISTS paused_seconds,
      DROP COLUMN IF EXISTS sla_pauses;
    """)
