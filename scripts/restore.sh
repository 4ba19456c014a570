#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into TARGET_URL (a new or empty
# database; created when missing). Refuses a database that already has tables
# unless FORCE=1 (which drops and recreates it).
#   scripts/restore.sh backups/dansmarue-20261204T020000Z.dump postgresql://postgres@db/dansmarue
set -euo pipefail

dump="${1:?usage: restore.sh DUMP TARGET_URL}"
target="${2:?usage: restore.sh DUMP TARGET_URL}"
target="${target/+psycopg/}"
[ -s "$dump" ] || { echo "[restore] $dump: no such dump" >&2; exit 1; }
pg_restore --list "$dump" >/dev/null   # a truncated or foreign file stops here

name="${target##*/}"; name="${name%%\?*}"
server="${target%/*}/postgres"
exists="$(psql -Atq -d "$server" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")"
if [ "$exists" = 1 ]; then
    tables="$(psql -Atq -d "$target" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
    if [ "$tables" != 0 ]; then
        [ "${FORCE:-0}" = 1 ] || { echo "[restore] $name already has $tables tables; FORCE=1 replaces it" >&2; exit 1; }
        psql -q -d "$server" -c "DROP DATABASE \"$name\" WITH (FORCE)"
        exists=""
    fi
fi
[ "$exists" = 1 ] || psql -q -d "$server" -c "CREATE DATABASE \"$name\""
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$target" "$dump"
echo "[restore] $dump restored into $name"
