#!/usr/bin/env bash
# Make sure PostgreSQL 15 + PostGIS and Redis are installed, running and
# answering on 127.0.0.1, and that the databases exist with PostGIS enabled.
# Idempotent: when everything is already there, it only checks and says so.
# Debian 12; runs as root (or uses sudo when available).
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
DATABASES="${DATABASES:-dansmarue dansmarue_test}"
WAIT_SECONDS="${WAIT_SECONDS:-30}"

log() { echo "[services] $*"; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

installed() {  # installed PKG: true when dpkg says "install ok installed"
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

# --- 1. packages (apt only when something is missing) ----------------------
pg_server_was_missing=0
missing=()
installed "postgresql-${PG_VERSION}" || pg_server_was_missing=1
installed "postgresql-${PG_VERSION}-postgis-3" || missing+=("postgresql-${PG_VERSION}-postgis-3")
if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    installed postgresql-client || missing+=(postgresql-client)
fi
installed redis-server || missing+=(redis-server)
if ! command -v redis-cli >/dev/null 2>&1; then
    installed redis-tools || missing+=(redis-tools)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get (Debian 12 expected)"
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    log "packages: all present"
fi

# --- 2. PostgreSQL ----------------------------------------------------------
pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }

set_trust_auth() {
    local hba="/etc/postgresql/${PG_VERSION}/${PG_CLUSTER}/pg_hba.conf"
    [ -f "$hba" ] || die "$hba not found"
    if ! grep -q 'dansmarue: trust' "$hba"; then
        log "PostgreSQL: trust auth for local and 127.0.0.1/::1 in $hba (development machine)"
        as_root sed -i '1i # dansmarue: trust local connections (development only)\nlocal   all all              trust\nhost    all all 127.0.0.1/32 trust\nhost    all all ::1/128      trust\n' "$hba"
        if as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; then
            as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" reload
        fi
    fi
}

cluster_exists() {
    as_root pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION $PG_CLUSTER"
}

# apt has just installed the server and created the default cluster, with
# peer/scram auth (and may have started it): make it trust local connections.
if [ "$pg_server_was_missing" -eq 1 ] && cluster_exists; then
    set_trust_auth
fi

if pg_up; then
    log "PostgreSQL: already running on $PG_HOST:$PG_PORT"
else
    if ! cluster_exists; then
        log "PostgreSQL: creating cluster $PG_VERSION/$PG_CLUSTER"
        as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT"
        set_trust_auth
    fi
    if as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; then
        log "PostgreSQL: cluster is running but not answering yet, waiting"
    else
        log "PostgreSQL: starting cluster $PG_VERSION/$PG_CLUSTER"
        as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start
    fi
    for _ in $(seq "$WAIT_SECONDS"); do pg_up && break; sleep 1; done
    pg_up || die "PostgreSQL not answering on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s (see /var/log/postgresql/)"
    log "PostgreSQL: up on $PG_HOST:$PG_PORT"
fi

# --- 3. Redis ----------------------------------------------------------------
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

if redis_up; then
    log "Redis: already running on $REDIS_HOST:$REDIS_PORT"
else
    log "Redis: starting on $REDIS_HOST:$REDIS_PORT"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
        --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/redis.log
    for _ in $(seq "$WAIT_SECONDS"); do redis_up && break; sleep 1; done
    redis_up || die "Redis not answering on $REDIS_HOST:$REDIS_PORT after ${WAIT_SECONDS}s (see /var/log/redis/redis.log)"
    log "Redis: up on $REDIS_HOST:$REDIS_PORT"
fi

# --- 4. databases + PostGIS ---------------------------------------------------
# client_min_messages=warning hides "extension already exists, skipping".
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
psql_q() {  # psql_q DB SQL
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -tAc "$2"
}

psql_q postgres "SELECT 1" >/dev/null 2>&1 \
    || die "cannot connect as $PG_USER to $PG_HOST:$PG_PORT without a password (pg_hba.conf needs trust for 127.0.0.1)"

for db in $DATABASES; do
    if [ "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ]; then
        state="present"
    else
        psql_q postgres "CREATE DATABASE \"$db\"" >/dev/null
        state="created"
    fi
    psql_q "$db" "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    log "database $db: $state, postgis $(psql_q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")"
done

log "ready"
