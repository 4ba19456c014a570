"""Point-to-district routing throughput, per core.

Run: ``python bench/bench_routing.py``. Uses the 10,000 real report points of
data/ and the 20 arrondissements. Compares:

  (a) naive loop of ``polygon.contains(Point)`` (baseline),
  (b) ``geo.index.PolygonIndex.lookup`` (scalar),
  (c) ``PolygonIndex.lookup_many`` (vectorised),
  (d) PostGIS, single-row and batched via ``unnest``, when DATABASE_URL
      reaches a database with a ``district`` table that has a ``geom`` column.

Appends a dated section to bench/RESULTS.md (not with ``--no-record``). Target: >= 20,000 lookups/s/core.
"""

from __future__ import annotations

import ast
import csv
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the repo importable

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from bench.common import append_results, cpu_model, pin_one_core  # noqa: E402
from geo.geojson import load_polygons  # noqa: E402
from geo.index import PolygonIndex  # noqa: E402

DATA = ROOT / "data"
TARGET = 20_000
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/dansmarue"


def load_points() -> tuple[np.ndarray, np.ndarray]:
    with open(DATA / "dans_ma_rue_2023-08_2024-09_sample10k_a.csv", encoding="utf-8", newline="") as fh:
        pts = [ast.literal_eval(row["geo_point_2d"]) for row in csv.DictReader(fh)]
    return np.array([p["lon"] for p in pts]), np.array([p["lat"] for p in pts])


def timed(fn, repeats: int) -> tuple[float, object]:
    """Best wall time over ``repeats`` runs (the least disturbed by other
    processes on a shared machine), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def bench_python(xs: np.ndarray, ys: np.ndarray) -> list[tuple[str, int, float, object]]:
    rows = []
    # Separate objects for the baseline: PolygonIndex prepares its own copies,
    # and unprepared polygons are what a naive implementation would use.
    naive_items = load_polygons(DATA / "paris_arrondissements.geojson", "c_ar")
    lons, lats = xs.tolist(), ys.tolist()

    def naive():
        out = []
        for x, y in zip(lons, lats, strict=False):
            p = Point(x, y)
            out.append(next((k for k, g in naive_items if g.contains(p)), None))
        return out

    t, res = timed(naive, 3)
    rows.append(("(a) naive polygon.contains loop", len(xs), t, res))

    idx = PolygonIndex.from_geojson(DATA / "paris_arrondissements.geojson", "c_ar")
    t, res = timed(lambda: [idx.lookup(x, y) for x, y in zip(lons, lats, strict=False)], 3)
    rows.append(("(b) geo.index lookup (scalar)", len(xs), t, res))
    t, res = timed(lambda: idx.lookup_many(xs, ys), 5)
    rows.append(("(c) geo.index lookup_many", len(xs), t, list(res)))

    # Informational: the same on 121 conseils, where "auto" uses the STRtree path.
    conseils = PolygonIndex.from_geojson(DATA / "dmr_conseils_quartier_2017.geojson", "id_consqrt")
    t, _ = timed(lambda: [conseils.lookup(x, y) for x, y in zip(lons, lats, strict=False)], 3)
    rows.append(("(info) lookup, 121 conseils", len(xs), t, None))
    t, _ = timed(lambda: conseils.lookup_many(xs, ys), 5)
    rows.append(("(info) lookup_many, 121 conseils", len(xs), t, None))
    return rows


def _district_sql(conn) -> tuple[str, str] | str:
    """Return (single, batch) SQL for the district table, or a skip reason."""
    cols = dict(
        conn.execute(
            "SELECT column_name, udt_name FROM information_schema.columns"
            " WHERE table_name = 'district' AND table_schema = ANY(current_schemas(false))"
        ).fetchall()
    )
    if not cols:
        return "table district does not exist"
    if "geom" not in cols:
        return "table district has no geom column"
    key = "id" if "id" in cols else next(c for c in cols if c != "geom")
    point = "ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)"
    if cols["geom"] == "geography":
        point += "::geography"
    else:
        srid = conn.execute("SELECT ST_SRID(geom) FROM district LIMIT 1").fetchone()
        if srid and srid[0] not in (0, 4326):
            point = f"ST_Transform({point}, {int(srid[0])})"
    # Same semantics as geo.index: covers, smallest key wins.
    pick = f"SELECT d.{key} FROM district d WHERE ST_Covers(d.geom, {point}) ORDER BY d.{key} LIMIT 1"
    single = f"SELECT ({pick}) FROM (SELECT %s::float8 AS lon, %s::float8 AS lat) p"
    batch = (
        f"SELECT p.i, ({pick}) FROM unnest(%s::float8[], %s::float8[])"
        " WITH ORDINALITY AS p(lon, lat, i) ORDER BY p.i"
    )
    return single, batch


def bench_postgis(xs: np.ndarray, ys: np.ndarray) -> tuple[list, str]:
    # The app's SQLAlchemy URL names its driver; psycopg wants a plain libpq URL.
    url = os.environ.get("DATABASE_URL", DEFAULT_URL).replace("postgresql+psycopg://", "postgresql://")
    try:
        import psycopg
    except ImportError:
        return [], "skipped: psycopg is not installed"
    try:
        conn = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except Exception as exc:  # any connection failure means "no database here"
        return [], f"skipped: cannot connect to DATABASE_URL ({type(exc).__name__})"
    with conn:
        try:
            sql = _district_sql(conn)
        except Exception as exc:
            return [], f"skipped: {type(exc).__name__}: {exc}".splitlines()[0]
        if isinstance(sql, str):
            return [], f"skipped: {sql}"
        single, batch = sql
        n_single = min(2000, len(xs))  # round trips are slow; a subset is enough
        pts = list(zip(xs[:n_single].tolist(), ys[:n_single].tolist(), strict=False))

        def one_by_one():
            with conn.cursor() as cur:
                return [cur.execute(single, p, prepare=True).fetchone()[0] for p in pts]

        rows = []
        t, res = timed(one_by_one, 3)
        rows.append(("(d) PostGIS single-row", n_single, t, res))
        t, res = timed(lambda: conn.execute(batch, (xs.tolist(), ys.tolist())).fetchall(), 3)
        rows.append(("(d) PostGIS batch (unnest)", len(xs), t, [r[1] for r in res]))
    note = "client process pinned; the PostgreSQL backend runs on its own core"
    return rows, note


def main(argv: list[str]) -> int:
    record = "--no-record" not in argv  # for trying the script without touching RESULTS.md
    pinning = pin_one_core()
    xs, ys = load_points()
    rows = bench_python(xs, ys)
    pg_rows, pg_note = bench_postgis(xs, ys)
    rows += pg_rows

    base_rate = rows[0][1] / rows[0][2]
    reference = rows[2][3]  # lookup_many answers
    lines = [
        "| method | points | seconds | lookups/s | x baseline | same answers as (c) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, n, secs, res in rows:
        rate = n / secs
        agree = (
            "-"
            if res is None
            else f"{np.mean(np.array(res, dtype=object) == np.array(reference[:len(res)], dtype=object)):.2%}"
        )
        lines.append(f"| {name} | {n:,} | {secs:.4f} | {rate:,.0f} | {rate / base_rate:.1f} | {agree} |")
    scalar_rate = rows[1][1] / rows[1][2]
    verdict = "meets" if scalar_rate >= TARGET else "MISSES"
    env = (
        f"Python {platform.python_version()}, shapely {shapely.__version__}, "
        f"GEOS {'.'.join(map(str, shapely.geos_version))}, {cpu_model()}; {pinning}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    summary = f"Scalar lookup {scalar_rate:,.0f}/s per core {verdict} the {TARGET:,}/s target."
    pg_line = f"PostGIS: {pg_note}."

    print("\n".join([env, "", *lines, "", summary, pg_line]))

    if not record:
        return 0
    append_results(
        "routing (bench/bench_routing.py)",
        "\n".join(
            [f"10,000 real report points, 20 arrondissements. {env}.", "", *lines, "", summary, pg_line]
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
