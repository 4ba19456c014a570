#!/usr/bin/env bash
# Foreground supervisor: the web server (gunicorn), one RQ worker and the
# scheduler. Ctrl-C / SIGTERM stops all three cleanly; if any one of them
# dies, the others are stopped and this script exits non-zero.
# Expects services, migrations and reference data to be ready (`make run`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
export PORT="${PORT:-8000}"
WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
STOP_TIMEOUT="${STOP_TIMEOUT:-35}"   # seconds before SIGKILL (gunicorn graceful is 30)

[ -x "$PY" ] || { echo "[run] $PY missing: run 'make venv' first" >&2; exit 1; }

# Each child gets its own process group (job control), so a terminal Ctrl-C
# reaches only this script, which then asks each child once, with SIGTERM, to
# stop gracefully (a second signal would make RQ do a cold shutdown).
set -m

declare -A NAMES=()
PIDS=()

start() {  # start NAME CMD...
    local name="$1"; shift
    "$@" &
    NAMES[$!]="$name"
    PIDS+=("$!")
    echo "[run] started $name (pid $!): $*"
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

start web "$VENV/bin/gunicorn" -w "$WEB_CONCURRENCY" -b "0.0.0.0:$PORT" \
    --access-logfile - wsgi:app
start worker "$PY" -m workers.worker
start scheduler "$PY" -m workers.scheduler
set +m   # process groups are set; no job-control "Terminated" chatter from here on

echo "[run] API:    http://127.0.0.1:$PORT/api/v1"
echo "[run] Docs:   http://127.0.0.1:$PORT/api/docs"
echo "[run] Health: http://127.0.0.1:$PORT/health"
echo "[run] Ctrl-C to stop"

# Wait for the first child to exit; a trapped signal interrupts `wait`
# and runs stop_all instead.
dead=""
status=0
wait -n -p dead "${PIDS[@]}" || status=$?
if [ -n "$dead" ]; then
    echo "[run] ${NAMES[$dead]} (pid $dead) exited with status $status: stopping the others" >&2
    [ "$status" -eq 0 ] && status=1
    stop_all "$status"
fi
stop_all 1
