#!/usr/bin/env bash
# Foreground supervisor: the web server (gunicorn), one RQ worker, the
# scheduler and, with OUTBOX_RELAY=process (the default), the outbox relay
# process (woken by PostgreSQL NOTIFY, #12.2). Ctrl-C / SIGTERM stops them cleanly. A child that dies is
# restarted (after 1, 2, 4... s) while the others keep serving, so a Redis
# outage that kills the worker never takes the web server down; more than
# RESTART_BUDGET restarts within RESTART_WINDOW seconds stops everything and
# exits non-zero (a child that cannot start is a configuration error).
# Expects services, migrations and reference data to be ready (`make run`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
export PORT="${PORT:-8000}"
WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
STOP_TIMEOUT="${STOP_TIMEOUT:-35}"   # seconds before SIGKILL (gunicorn graceful is 30)
RESTART_BUDGET="${RESTART_BUDGET:-5}"
RESTART_WINDOW="${RESTART_WINDOW:-60}"
# The RQ worker runs jobs in its own process (--simple): a work horse forked
# per job starts with cold caches (every SQL statement compiled again, mail
# templates parsed again, a new database connection, new metrics files) and
# spends about 0.4 s on that, so one worker did ~1.5 jobs/s, far too few to
# drain what piles up during a Redis outage (issue #20.6). WORKER_ARGS= (empty)
# brings the fork per job back.
WORKER_ARGS="${WORKER_ARGS---simple}"
# process: the relay process moves committed jobs to RQ (requests only commit);
# after_commit: each request relays its own jobs after its commit (#12.2).
export OUTBOX_RELAY="${OUTBOX_RELAY:-process}"

[ -x "$PY" ] || { echo "[run] $PY missing: run 'make venv' first" >&2; exit 1; }

# Each child gets its own process group (job control, `set -m` in start), so
# a terminal Ctrl-C reaches only this script, which then asks each child once,
# with SIGTERM, to stop gracefully (a second signal would make RQ do a cold
# shutdown).

declare -A NAMES=() COMMANDS=()
PIDS=()
RESTARTS=()   # SECONDS of each restart, for the budget

start() {  # start NAME CMD...
    local name="$1"; shift
    set -m
    "$@" &
    set +m
    NAMES[$!]="$name"
    COMMANDS[$name]="$*"
    PIDS+=("$!")
    echo "[run] started $name (pid $!): $*"
}

restart() {  # restart DEAD_PID STATUS
    local dead="$1" status="$2" name="${NAMES[$1]}" recent=() t delay
    for t in "${RESTARTS[@]}"; do
        [ $((SECONDS - t)) -lt "$RESTART_WINDOW" ] && recent+=("$t")
    done
    RESTARTS=("${recent[@]}" "$SECONDS")
    if [ "${#RESTARTS[@]}" -gt "$RESTART_BUDGET" ]; then
        echo "[run] $name (pid $dead) exited with status $status; more than $RESTART_BUDGET restarts in ${RESTART_WINDOW}s: stopping the others" >&2
        [ "$status" -eq 0 ] && status=1
        stop_all "$status"
    fi
    delay=$((1 << (${#RESTARTS[@]} - 1)))
    echo "[run] $name (pid $dead) exited with status $status: restarting it in ${delay}s" >&2
    local pid kept=()
    for pid in "${PIDS[@]}"; do [ "$pid" = "$dead" ] || kept+=("$pid"); done
    PIDS=("${kept[@]}")
    unset "NAMES[$dead]"
    sleep "$delay" &
    wait $! || true   # a trapped Ctrl-C interrupts the wait and stops all
    # shellcheck disable=SC2086 # the command line was recorded split on spaces
    start "$name" ${COMMANDS[$name]}
}

alive() { kill -0 "$1" 2>/dev/null; }

stopping=0
stop_all() {  # stop_all EXIT_CODE
    local code="$1" pid deadline
    [ "$stopping" -eq 1 ] && return
    stopping=1
    trap '' INT TERM HUP
    echo "[run] stopping..."
    for pid in "${PIDS[@]}"; do
        alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    for pid in "${PIDS[@]}"; do
        while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    done
    for pid in "${PIDS[@]}"; do
        if alive "$pid"; then
            echo "[run] ${NAMES[$pid]} (pid $pid) still running after ${STOP_TIMEOUT}s: SIGKILL" >&2
        fi
        # Whole group: also catches gunicorn workers / RQ work horses left behind.
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    echo "[run] stopped"
    exit "$code"
}

trap 'stop_all 130' INT
trap 'stop_all 143' TERM
trap 'stop_all 129' HUP

# Loopback unless told otherwise: a reverse proxy faces the network (#14.4);
# BIND=0.0.0.0 opens it. The app writes its own JSON access line per request,
# so gunicorn's access log stays off.
BIND="${BIND:-127.0.0.1}"

# Metrics of every process (gunicorn workers, RQ worker, scheduler) add up in
# one folder, emptied at each start (prometheus-client's multiprocess mode).
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/.run/metrics}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

# No SMTP_HOST: a local sink catches the e-mails, shown at /dev/mails (#14.5).
if [ -z "${SMTP_HOST:-}" ]; then
    export SMTP_HOST=127.0.0.1 SMTP_PORT="${MAIL_SINK_PORT:-1025}"
    export MAIL_SINK_DIR="${MAIL_SINK_DIR:-$PWD/.run/mails}"
    start mailsink "$PY" -m dansmarue.devtools.mailsink --port "$SMTP_PORT" --dir "$MAIL_SINK_DIR"
fi

start web "$VENV/bin/gunicorn" -w "$WEB_CONCURRENCY" -b "$BIND:$PORT" wsgi:app
# shellcheck disable=SC2086 # WORKER_ARGS is a list of options
start worker "$PY" -m workers.worker $WORKER_ARGS
start scheduler "$PY" -m workers.scheduler
if [ "$OUTBOX_RELAY" = "process" ]; then
    start relay "$PY" -m workers.relay
fi

BASE="http://127.0.0.1:$PORT"
echo "[run] API:        $BASE/api/v1/categories (OpenAPI: $BASE/api/openapi.json)"
echo "[run] API docs:   $BASE/api/docs"
echo "[run] Open311:    $BASE/open311/v2/discovery.json"
echo "[run] Dashboard:  $BASE/dashboard (managers)"
echo "[run] Agents:     $BASE/agent (field agents)"
echo "[run] Admin:      $BASE/admin (administrators)"
echo "[run] Health:     $BASE/health (probes: /health/live, /health/ready; metrics: /metrics)"
[ -n "${MAIL_SINK_DIR:-}" ] && echo "[run] E-mails:    $BASE/dev/mails (caught by the local sink, nothing leaves)"
FLASK_APP=wsgi "$VENV/bin/flask" users first-run-hint 2>/dev/null || true
echo "[run] Ctrl-C to stop"

# Watch the children twice a second and restart any that died; a trapped
# signal interrupts the `wait` on the sleep and runs stop_all instead.
while true; do
    for pid in "${PIDS[@]}"; do
        if ! alive "$pid"; then
            status=0
            wait "$pid" 2>/dev/null || status=$?
            restart "$pid" "$status"
            break
        fi
    done
    sleep 0.5 &
    wait $! || true
done
