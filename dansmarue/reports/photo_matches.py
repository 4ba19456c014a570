"""Near-duplicate photos (#16.3): reports within 100 m whose photos look alike.

Two photos are near-duplicates when the Hamming distance of their 64-bit
pHashes is at most `MAX_DISTANCE` (measured on built pairs in
tests/residents/test_photo_matches.py, figures in bench/RESULTS.md). The
statement filters by position first (GiST, 100 m), then compares the hashes
of those reports' photos in PostgreSQL (`bit_count((a # b)::bit(64))`).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from dansmarue.extensions import db
from dansmarue.reports.search import PUBLIC_OPEN_STATES, box_degrees
from dansmarue.workflow.states import public_label

RADIUS_M = 100
MAX_DISTANCE = 14  # of 64 bits: a 10 % crop reaches 14, different scenes 20+ (bench/RESULTS.md)
LIMIT = 5

MATCHES_SQL = f"""
SELECT o.reference, o.state, c.label AS category_label, o.address,
       ST_Distance(geography(o.geom), geography(p.g)) AS distance, m.hamming
FROM (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) p
JOIN report o ON o.geom && ST_Expand(p.g, :degrees)
             AND ST_DWithin(geography(o.geom), geography(p.g), {RADIUS_M})
CROSS JOIN LATERAL (
  SELECT min(bit_count((ph.phash_bits # h)::bit(64))) AS hamming
  FROM photo ph, unnest(CAST(:hashes AS bigint[])) h
  WHERE ph.report_id = o.id AND ph.phash_bits IS NOT NULL) m
JOIN category c ON c.id = o.category_id
WHERE o.id <> :exclude AND o.state = ANY(CAST(:states AS text[])) AND m.hamming <= :max_distance
ORDER BY m.hamming, distance, o.id
LIMIT {LIMIT}
"""


def near(
    lon: float,
    lat: float,
    hashes: Sequence[int],
    *,
    exclude_id: int = 0,
    states: Sequence[str] = PUBLIC_OPEN_STATES,
) -> list[dict[str, Any]]:
    """Reports (in `states`) within 100 m with a photo near one of `hashes`,
    closest pictures first: reference, state, category, distance, hamming."""
    if not hashes:
        return []
    rows = db.session.execute(
        text(MATCHES_SQL),
        {
            "lon": lon,
            "lat": lat,
            "degrees": box_degrees(RADIUS_M, lat),
            "hashes": list(hashes),
            "exclude": exclude_id,
            "states": list(states),
            "max_distance": MAX_DISTANCE,
        },
    ).all()
    return [
        {
            "reference": row.reference,
            "state": public_label(row.state),
            "category": row.category_label,
            "address": row.address,
            "distance_m": round(row.distance, 1),
            "hamming": row.hamming,
        }
        for row in rows
    ]
