"""Intake throughput: POST /api/v1/reports against a bare Flask + psycopg INSERT.

Run: ``python bench/bench_intake.py`` (``--no-record`` to skip RESULTS.md).

Both apps run under gunicorn, 2 workers each (gthread, same thread count),
on free ports, against the bench database (``dansmarue_bench``, created,
migrated and loaded here; report tables emptied first). Rate limiting is off
for the run; ``synchronous_commit`` stays ON. Three servers in the same run
(issue #12.2): the bare baseline; intake with ``OUTBOX_RELAY=after_commit``
(each request relays its jobs after its commit); intake with
``OUTBOX_RELAY=process``, the production default (requests only commit; the
relay process, ``python -m workers.relay``, running beside them on the same
cores, is woken by NOTIFY). Every report's jobs reach RQ, in a Redis database
of their own, BENCH_REDIS_URL, emptied between runs; ``--no-relay`` turns the
after-commit relay off and runs no relay process.
The same load generator (``wrk``, keep-alive, 2 threads) posts the same
real bodies (real points and resident categories from data/) to both.
Both servers stay up; after a warm-up of each, ``--runs`` rounds alternate
the three (the order flips each round) and the medians are reported,
with every run's figures and the load average.
Targets: >= 1,000 reports/s and >= 0.7 of the bare baseline.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench.common import append_results  # noqa: E402

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = os.environ.get("BENCH_DATABASE", "dansmarue_bench")
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WORKERS, THREADS = 2, int(os.environ.get("BENCH_THREADS", "4"))
TARGET_RATE, TARGET_RATIO = 1000, 0.7
BARE_TABLE = """CREATE TABLE IF NOT EXISTS bench_bare (
  id bigserial PRIMARY KEY, category_id int NOT NULL, description text,
  geom geometry(Point, 4326) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"""
REPORT_TABLES = (
    "photo",
    "report_event",
    "follower",
    "congratulation",
    "outbox_job",
    "idempotency_key",
    "report",
)


def ensure_database() -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return f"{PG}/{DB_NAME}"


def prepare(dsn: str) -> list[dict]:
    """Migrate, load reference data, empty the report tables; real bodies."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from dansmarue import create_app
    from dansmarue.models import Category, District, db
    from dansmarue.refdata import loader

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": dsn.replace("postgresql://", "postgresql+psycopg://"),
            "RATELIMIT_ENABLED": False,
            "OUTBOX_AUTO_RELAY": False,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        if db.session.scalar(select(District.id).limit(1)) is None:
            loader.load_all()
        existing = set(
            db.session.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        )
        tables = ", ".join(t for t in REPORT_TABLES if t in existing)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.execute(text(BARE_TABLE))
        db.session.execute(text("TRUNCATE bench_bare RESTART IDENTITY"))
        db.session.commit()
        leaves = {c.open_data_label: c for c in db.session.scalars(select(Category).where(Category.is_leaf))}
    bodies = []
    with open(ROOT / "data" / "dans_ma_rue_2023-08_2024-09_sample10k_a.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            category = leaves[f"{row['type']}:{row['soustype']}"]
            if category.agent_only:
                continue
            point = ast.literal_eval(row["geo_point_2d"])
            bodies.append(
                {
                    "category_id": category.id,
                    "latitude": point["lat"],
                    "longitude": point["lon"],
                    "address": row["adresse"],
                    "description": f"{row['soustype']}"[:200],
                }
            )
            if len(bodies) == 1000:
                break
    return bodies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(spec: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "-w",
            str(WORKERS),
            "-k",
            "gthread",
            "--threads",
            str(THREADS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
            spec,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=1)
        except urllib.error.HTTPError:
            return process, port  # answering (404 is fine)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn {spec} did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def lua_script(bodies: list[dict], path: str) -> str:
    items = ",\n".join(f"[==[{json.dumps(b, ensure_ascii=False)}]==]" for b in bodies)
    script = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {{ {items} }}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "{path}", nil, bodies[(n % #bodies) + 1])
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    return handle.name


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(port: int, script: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def count(dsn: str, table: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-relay", action="store_true", help="OUTBOX_AUTO_RELAY off")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install wrk")
    dsn = ensure_database()
    bodies = prepare(dsn)
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {
        "DATABASE_URL": dsn.replace("postgresql://", "postgresql+psycopg://"),
        "RATELIMIT_ENABLED": "0",
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": media,
        "BENCH_DSN": dsn,
        "PYTHONPATH": str(ROOT),
    }
    apps = {
        "bare": ("bench.bare_app:app", "/bare", {}),
        "intake": (
            "wsgi:app",
            "/api/v1/reports",
            {"OUTBOX_RELAY": "after_commit", "OUTBOX_AUTO_RELAY": "0" if args.no_relay else "1"},
        ),
        "process": ("wsgi:app", "/api/v1/reports", {"OUTBOX_RELAY": "process", "OUTBOX_AUTO_RELAY": "0"}),
    }
    servers: dict = {}
    scripts: dict = {}
    runs: dict = {name: [] for name in apps}
    relay = None
    try:
        if not args.no_relay:
            relay = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "python"), "-m", "workers.relay"],
                cwd=ROOT,
                env={**os.environ, **env, "OUTBOX_RELAY": "process", "LOG_LEVEL": "WARNING"},
                start_new_session=True,
            )
        for name, (spec, path, extra) in apps.items():
            servers[name] = start_gunicorn(spec, {**env, **extra})
            scripts[name] = lua_script(bodies, path)
            run_wrk(servers[name][1], scripts[name], 3, args.connections)  # warm-up
        for round_ in range(args.runs):
            order = list(apps) if round_ % 2 == 0 else list(reversed(apps))
            for name in order:
                queue.flushdb()  # no RQ worker drains it: keep Redis small
                result = run_wrk(servers[name][1], scripts[name], args.seconds, args.connections)
                result["load"] = os.getloadavg()[0]
                runs[name].append(result)
        time.sleep(2)  # the relay process's last wake-ups
        pending = count(dsn, "outbox_job WHERE status = 'pending'")
    finally:
        for process, _ in servers.values():
            stop(process)
        if relay is not None:
            stop(relay)
        for script in scripts.values():
            os.unlink(script)
    results = {
        name: {key: median([r[key] for r in rs]) for key in ("rate", "p50", "p99")}
        | {"errors": sum(r["errors"] for r in rs), "runs": rs}
        for name, rs in runs.items()
    }
    stored = {"bare": count(dsn, "bench_bare"), "intake": count(dsn, "report"), "process": None}
    queue.flushdb()
    ratio = results["process"]["rate"] / results["bare"]["rate"]
    print_and_record(results, stored, ratio, args, pending)


def print_and_record(results: dict, stored: dict, ratio: float, args, pending: int) -> None:
    load = os.getloadavg()[0]
    relay = (
        "off"
        if args.no_relay
        else "on: after each commit (OUTBOX_RELAY=after_commit) or by the relay process (process)"
    )
    lines = [
        f"## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: intake (bench/bench_intake.py)",
        "",
        f"gunicorn {WORKERS} workers x {THREADS} threads (gthread) per app; wrk 2 threads, "
        f"{args.connections} keep-alive connections; {args.runs} runs of {args.seconds} s per "
        f"app, alternating, after a 3 s warm-up of each; medians below. PostgreSQL "
        f"synchronous_commit on; outbox auto-relay {relay}; {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at the end {load:.2f}.",
        "Bodies: 1,000 real resident reports (real points and categories), no photo.",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | non-2xx | rows stored | runs (req/s @ load avg) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    labels = {
        "bare": "bare Flask + psycopg INSERT",
        "intake": "POST /api/v1/reports, relay after commit",
        "process": "POST /api/v1/reports, relay process",
    }
    for name, label in labels.items():
        r = results[name]
        per_run = ", ".join(f"{x['rate']:,.0f} @ {x['load']:.1f}" for x in r["runs"])
        rows = "(with the line above)" if stored[name] is None else f"{stored[name]:,}"
        lines.append(
            f"| {label} | {r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['errors']} | {rows} | {per_run} |"
        )
    rate = results["process"]["rate"]
    after_commit = results["intake"]["rate"] / results["bare"]["rate"]
    lines += [
        "",
        f"Outbox rows still pending 2 s after the last run: {pending:,}.",
        f"Ratio after-commit relay / bare: {after_commit:.2f}; "
        f"relay process / after-commit: {rate / results['intake']['rate']:.2f}.",
        f"Ratio relay process / bare: {ratio:.2f} (target >= {TARGET_RATIO}); "
        f"intake with the relay process {rate:,.0f} reports/s (target >= {TARGET_RATE:,}): "
        f"{'met' if rate >= TARGET_RATE and ratio >= TARGET_RATIO else 'NOT met'}.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_record:
        append_results("intake (bench/bench_intake.py)", "\n".join(lines[2:]))


if __name__ == "__main__":
    main()
