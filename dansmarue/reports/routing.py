"""Place a point: district, quartier, conseil, then the responsible unit.

One SQL statement does it all in PostGIS (see `ROUTE_SQL`). Points on a
shared border are covered by both polygons: the smallest id wins, so the
answer is deterministic.
"""

from dataclasses import dataclass

from sqlalchemy import text

from dansmarue import city
from dansmarue.errors import OutsideServiceArea, Unprocessable, field
from dansmarue.extensions import db

NO_SECTOR_MESSAGE = (
    "Aucun service n'est configuré pour cette catégorie à cet endroit "
    "(problème de configuration des secteurs)."
)

ROUTE_SQL = text("""
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
perimeter AS (
  SELECT sp.id, sp.unit_id FROM special_perimeter sp, p
  WHERE ST_Covers(sp.geom, p.g)
    AND (SELECT kind FROM unit WHERE id = :unit_id) <> 'operator'
  ORDER BY sp.id LIMIT 1
),
chosen AS (
  SELECT coalesce((SELECT unit_id FROM perimeter), :unit_id) AS unit_id
)
SELECT
  (SELECT d.id FROM district d, p WHERE ST_Covers(d.geom, p.g) ORDER BY d.id LIMIT 1),
  (SELECT q.id FROM quartier q, p WHERE ST_Covers(q.geom, p.g) ORDER BY q.id LIMIT 1),
  (SELECT c.id FROM conseil_quartier c, p
     WHERE c.active AND ST_Covers(c.geom, p.g) ORDER BY c.id LIMIT 1),
  (SELECT id FROM perimeter),
  chosen.unit_id,
  (SELECT s.id FROM sector s JOIN unit_sector us ON us.sector_id = s.id, p
     WHERE us.unit_id = chosen.unit_id AND ST_Covers(s.geom, p.g)
     ORDER BY s.id LIMIT 1),
  (SELECT coalesce(u3.id, u2.id, u1.id) FROM unit u1
     LEFT JOIN unit u2 ON u2.id = u1.parent_id
     LEFT JOIN unit u3 ON u3.id = u2.parent_id
     WHERE u1.id = chosen.unit_id)
FROM chosen
""")


@dataclass(frozen=True)
class Placement:
    district_id: int
    quartier_id: int | None
    conseil_id: int | None
    special_perimeter_id: int | None
    unit_id: int
    sector_id: int
    direction_id: int


def locate(lon: float, lat: float, category_unit_id: int) -> Placement:
    """Route a point for a category's unit; raise when it cannot be served."""
    row = db.session.execute(ROUTE_SQL, {"lon": lon, "lat": lat, "unit_id": category_unit_id}).one()
    return placement(tuple(row))


def placement(row: tuple) -> Placement:
    """The Placement of a ROUTE_SQL row (its 7 columns), or the refusal."""
    district, quartier, conseil, perimeter, unit, sector, direction = row
    if district is None:
        message = city.current().outside_message
        raise OutsideServiceArea(message, errors=[field("position", message)])
    if sector is None:
        # The real system has no fallback unit either: refuse, loudly.
        raise Unprocessable(NO_SECTOR_MESSAGE)
    return Placement(district, quartier, conseil, perimeter, unit, sector, direction)
