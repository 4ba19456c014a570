#!/usr/bin/env bash
# Proves that today's backup restores: dumps DATABASE_URL with backup.sh,
# restores it into a scratch database, and compares every table's row count,
# the migration revision and a PostGIS routing probe with the source. Exit 0
# and "restore-check: ok" when they all match. Run it from cron after backups.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue}"
source_url="${DATABASE_URL/+psycopg/}"
scratch_name="${SCRATCH_DB:-$(basename "${source_url%%\?*}")_restore_check}"
scratch_url="${source_url%/*}/$scratch_name"
work="$(mktemp -d)"
cleanup() {
    rm -rf "$work"
    psql -q -d "${source_url%/*}/postgres" -c "DROP DATABASE IF EXISTS \"$scratch_name\" WITH (FORCE)" || true
}
trap cleanup EXIT

dump="$(DATABASE_URL="$DATABASE_URL" MEDIA_ROOT=/nonexistent scripts/backup.sh "$work")"
FORCE=1 scripts/restore.sh "$dump" "$scratch_url" >/dev/null

# Row counts of every table, the alembic revision(s), and which district holds
# a probe point (the district polygons and their spatial index came back).
fingerprint() {
    psql -Atq -d "$1" <<'SQL'
SELECT string_agg(format('%s=%s', t, (xpath('/row/c/text()',
       query_to_xml(format('SELECT count(*) AS c FROM public.%I', t), false, true, '')))[1]), ' ' ORDER BY t)
  FROM (SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public') tables;
SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version;
SELECT coalesce((SELECT insee_code FROM district
                  WHERE ST_Contains(geom, ST_SetSRID(ST_Centroid((SELECT ST_Collect(geom) FROM district)), 4326))
                  LIMIT 1), 'none');
SQL
}
want="$(fingerprint "$source_url")"
got="$(fingerprint "$scratch_url")"
if [ "$want" != "$got" ]; then
    echo "restore-check: FAILED, the restored database differs" >&2
    diff <(tr ' ' '\n' <<<"$want") <(tr ' ' '\n' <<<"$got") >&2 || true
    exit 1
fi
tables="$(head -1 <<<"$want" | wc -w)"
echo "restore-check: ok ($tables tables, revision $(sed -n 2p <<<"$want"), probe district $(sed -n 3p <<<"$want"), dump $(du -h "$dump" | cut -f1))"
