"""Sectors (issue #13): upload or edit a polygon (GeoJSON), link units.

Routing reads `sector` and `unit_sector` on every report (no cache), so a
polygon replaced here routes the next report at once. Polygons are repaired
as the reference data loader does (`geo.validate.repair_polygonal`) and must
lie in WGS84's range. Audited; callers commit.
"""

import math
from collections.abc import Iterable
from typing import Any

from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape
from shapely.geometry import shape
from sqlalchemy import select

from dansmarue import audit
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.models import Sector, Unit, User, db
from dansmarue.models.base import SRID
from dansmarue.platform.savepoint import save_fields
from geo.validate import repair_polygonal

DUPLICATE = "Un secteur porte déjà ce numéro."
BAD_GEOMETRY = "Géométrie GeoJSON invalide : un Polygon ou MultiPolygon en WGS84 (lon, lat) est attendu."


def get(sector_id: int) -> Sector:
    sector = db.session.get(Sector, sector_id)
    if sector is None:
        raise NotFound("Secteur introuvable.")
    return sector


def list_all(*, unit_id: int | None = None) -> list[Sector]:
    query = select(Sector).order_by(Sector.id)
    if unit_id is not None:
        query = query.where(Sector.units.any(Unit.id == unit_id))
    return list(db.session.scalars(query))


def _bad(name: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[field(name, message, location="json")])


def _geometry(geojson: dict[str, Any]) -> WKBElement:
    try:
        geom = shape(geojson)
    except Exception:  # shapely raises many kinds on a malformed mapping
        raise _bad("geometry", BAD_GEOMETRY) from None
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise _bad("geometry", BAD_GEOMETRY)
    west, south, east, north = geom.bounds
    if not all(math.isfinite(v) for v in geom.bounds) or not (
        -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    ):
        raise _bad("geometry", BAD_GEOMETRY)
    repaired, _ = repair_polygonal(geom)
    if repaired is None or repaired.is_empty:
        raise _bad("geometry", BAD_GEOMETRY)
    return from_shape(repaired, srid=SRID)


def _units(unit_ids: Iterable[int]) -> list[Unit]:
    ids = list(dict.fromkeys(unit_ids))
    found = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise _bad("unit_ids", "Unité inconnue.")
    return found


def _snapshot(sector: Sector) -> dict:
    return audit.snapshot(sector, unit_ids=sorted(u.id for u in sector.units))


def save(values: dict, sector_id: int | None = None, actor: User | None = None) -> Sector:
    """Create (sector_id None) or change a sector: name, number, `geometry`, `unit_ids`."""
    sector = Sector() if sector_id is None else get(sector_id)
    before = None if sector_id is None else _snapshot(sector)
    values = dict(values)
    if "geometry" in values:
        values["geom"] = _geometry(values.pop("geometry"))
    if "unit_ids" in values:
        values["units"] = _units(values.pop("unit_ids"))
    save_fields(sector, values, DUPLICATE)
    db.session.refresh(sector, ["geom"])
    audit.record(
        actor, "sector", sector.id, "create" if before is None else "update", before, _snapshot(sector)
    )
    return sector
