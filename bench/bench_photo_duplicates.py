"""Near-duplicate photo lookup at 1 M photos (#16.3), against a sequential scan.

Builds its own database `dansmarue_bench_photodup` (synthetic rows made in SQL
with generate_series: 1 M reports spread over Paris, one photo each, random
64-bit hashes, and 1 % of the photos near-copies of a neighbour's), then runs
`reports.photo_matches.MATCHES_SQL` — the statement the intake and the agents'
page run — at random points with a hash taken from a stored photo:

* indexed: GiST on the point, then `ix_photo_report_hashed` (the migration 0016p);
* baseline: the same statement with index and bitmap scans off (sequential).

Usage: .venv/bin/python bench/bench_photo_duplicates.py [photos] [lookups]
"""

import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

import psycopg

sys.path.insert(0, ".")
from dansmarue.reports.photo_matches import MATCHES_SQL, MAX_DISTANCE, RADIUS_M
from dansmarue.reports.search import PUBLIC_OPEN_STATES, box_degrees

DB = "dansmarue_bench_photodup"
DSN = f"postgresql://postgres@127.0.0.1:5432/{DB}"
SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS photo, report, category;
CREATE TABLE category (id int PRIMARY KEY, label text);
INSERT INTO category VALUES (1, 'Graffitis');
CREATE TABLE report (id bigint PRIMARY KEY, reference text, state text, category_id int,
                     address text, geom geometry(Point, 4326));
CREATE TABLE photo (id bigint PRIMARY KEY, report_id bigint, phash_bits bigint);
"""
FILL = """
INSERT INTO report
SELECT g, 'S2026-' || g, 'new', 1, g || ' rue du Banc',
       ST_SetSRID(ST_MakePoint(2.25 + random() * 0.17, 48.815 + random() * 0.087), 4326)
FROM generate_series(1, {n}) g;
INSERT INTO photo
SELECT g, g, (random() * 9.2e18 * (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END))::bigint
FROM generate_series(1, {n}) g;
-- 1 % near-copies 15 m from the report they copy: the hash with 3 bits flipped
UPDATE photo p SET phash_bits = q.phash_bits # 7 FROM photo q WHERE q.id = p.id - 1 AND p.id % 100 = 0;
UPDATE report r SET geom = ST_Translate(q.geom, 0.0002, 0) FROM report q
WHERE q.id = r.id - 1 AND r.id % 100 = 0;
CREATE INDEX idx_report_geom ON report USING gist (geom);
CREATE INDEX ix_photo_report_hashed ON photo (report_id) INCLUDE (phash_bits) WHERE phash_bits IS NOT NULL;
VACUUM ANALYZE report; VACUUM ANALYZE photo;
"""


def psycopg_sql(sql: str) -> str:
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)


def timed(conn: psycopg.Connection, sql: str, cases: list[dict]) -> tuple[list[float], list[int]]:
    times, found = [], []
    for params in cases:
        start = time.perf_counter()
        rows = conn.execute(sql, params, prepare=False).fetchall()  # plan per run
        times.append((time.perf_counter() - start) * 1000)
        found.append(len(rows))
    return times, found


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    lookups = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    with psycopg.connect(DSN, autocommit=True) as conn:
        start = time.perf_counter()
        for statement in (SCHEMA + FILL.format(n=n)).split(";"):
            if statement.strip():
                conn.execute(statement.encode())
        built = time.perf_counter() - start
        rng = random.Random(16)
        cases = []
        for _ in range(lookups):
            # one lookup in four from a near-copy (it should find the report it copies)
            photo_id = rng.randrange(1, n // 100) * 100 if len(cases) % 4 == 0 else rng.randrange(1, n + 1)
            lon, lat, bits = conn.execute(
                "SELECT ST_X(r.geom), ST_Y(r.geom), p.phash_bits FROM photo p JOIN report r "
                "ON r.id = p.report_id WHERE p.id = %s",
                (photo_id,),
            ).fetchone()
            cases.append(
                {
                    "lon": lon,
                    "lat": lat,
                    "degrees": box_degrees(RADIUS_M, lat),
                    "hashes": [bits],
                    "exclude": photo_id,
                    "states": list(PUBLIC_OPEN_STATES),
                    "max_distance": MAX_DISTANCE,
                }
            )
        sql = psycopg_sql(MATCHES_SQL)
        timed(conn, sql, cases[:20])  # warm the cache
        fast, found = timed(conn, sql, cases)
        near = conn.execute(
            f"SELECT count(*) FROM report o WHERE ST_DWithin(geography(o.geom), "
            f"geography(ST_SetSRID(ST_MakePoint(%s, %s), 4326)), {RADIUS_M})",
            (cases[0]["lon"], cases[0]["lat"]),
        ).fetchone()[0]
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, cases[0]).fetchall()
        conn.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        slow, found_slow = timed(conn, sql, cases[: max(10, lookups // 20)])
    assert found[: len(found_slow)] == found_slow, "the baseline must give the same answers"
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[0]
    print(f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: near-duplicate photos at {n:,} photos (#16.3)\n")
    print(f"{n:,} reports, one photo each, built in {built:.0f} s; ~{near} reports within {RADIUS_M} m")
    print(f"of a point; threshold {MAX_DISTANCE}/64 bits; load average {load}.\n")
    print("| lookup | runs | p50 ms | p95 ms | max ms | x baseline |")
    print("|---|---:|---:|---:|---:|---:|")
    base = statistics.median(slow)
    for label, values in (("sequential scan (baseline)", slow), ("GiST 100 m + hash index", fast)):
        values = sorted(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"| {label} | {len(values)} | {statistics.median(values):.2f} | {p95:.2f} | "
            f"{values[-1]:.2f} | {base / statistics.median(values):.1f} |"
        )
    print(f"\nlookups finding a near-duplicate: {sum(1 for f in found if f)}/{len(found)}\n")
    print("```\n" + "\n".join(row[0] for row in plan) + "\n```")


if __name__ == "__main__":
    main()
