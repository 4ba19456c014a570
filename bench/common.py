"""What every benchmark shares: machine facts, core pinning, the results file."""

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ROOT = RESULTS.parent.parent
# The generated database that the statistics and dashboard benchmarks share.
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_bench_sla"
)


def pin_one_core() -> str:
    """Pin this process to one CPU, for per-core figures."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


def append_results(title: str, body: str) -> None:
    """Append a dated section to bench/RESULTS.md (created when missing)."""
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n", encoding="utf-8")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {stamp}: {title}\n\n{body.rstrip()}\n")


def ensure_data(url: str, reports: int) -> int:
    """Report count of the bench database, generating it first if too small."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM report")).scalar()
    except Exception:
        count = 0
    if count < reports * 0.95:
        print(f"[bench] generating {reports:,} reports with bench/generate.py …", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "generate.py"),
                "--reports",
                str(reports),
                "--open",
                str(reports // 5),
                "--database-url",
                url,
            ],
            check=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            cwd=ROOT,
        )
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM report")).scalar()
    engine.dispose()
    return count
