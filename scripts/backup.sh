#!/usr/bin/env bash
# Nightly backup: a custom-format pg_dump of DATABASE_URL (PostGIS included)
# and a tarball of MEDIA_ROOT (the photos), into BACKUP_DIR; keeps the
# BACKUP_KEEP newest of each. Prints the dump's path. Restore with
# scripts/restore.sh; prove the dumps restore with scripts/restore-check.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue}"
BACKUP_DIR="${1:-${BACKUP_DIR:-backups}}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
MEDIA_ROOT="${MEDIA_ROOT:-media}"
PG_URL="${DATABASE_URL/+psycopg/}"   # libpq does not know SQLAlchemy's driver suffix

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$BACKUP_DIR/dansmarue-$stamp.dump"
# Written under a temporary name: a half-written dump never looks like a backup.
pg_dump --format=custom --no-owner --dbname="$PG_URL" --file="$dump.partial"
mv "$dump.partial" "$dump"
if [ -d "$MEDIA_ROOT" ]; then
    tar -czf "$BACKUP_DIR/media-$stamp.tar.gz.partial" -C "$MEDIA_ROOT" .
    mv "$BACKUP_DIR/media-$stamp.tar.gz.partial" "$BACKUP_DIR/media-$stamp.tar.gz"
fi
for pattern in 'dansmarue-*.dump' 'media-*.tar.gz'; do
    find "$BACKUP_DIR" -maxdepth 1 -name "$pattern" -printf '%T@ %p\n' | sort -rn \
        | tail -n +"$((BACKUP_KEEP + 1))" | cut -d' ' -f2- | xargs -r rm -f
done
echo "$dump"
