"""Validate coordinates and repair polygonal geometries.

Nothing here knows about Paris: the service area is whatever polygons the
caller loaded, and ``Bounds.around`` derives a bounding box from them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Any, NamedTuple

import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

# Mean metres per degree of latitude; good to 0.5 % anywhere, which is
# plenty for a margin around a service area.
METRES_PER_DEGREE = 111_320.0


class InvalidCoordinates(ValueError):
    """A lon/lat pair that is not finite or outside the WGS84 range."""


def validate_lonlat(lon: Any, lat: Any) -> tuple[float, float]:
    """Return ``(lon, lat)`` as floats, or raise InvalidCoordinates.

    Accepts real numbers only (not bools, not strings: a string "nan" or a
    swapped "lat,lon" text should fail loudly at the API edge instead).
    Range: -180 <= lon <= 180 and -90 <= lat <= 90, both finite.
    """
    for name, value in (("lon", lon), ("lat", lat)):
        if isinstance(value, bool) or not isinstance(value, Real | Decimal):
            raise InvalidCoordinates(f"{name} must be a number, got {type(value).__name__}")
    flon, flat = float(lon), float(lat)
    if not (math.isfinite(flon) and math.isfinite(flat)):
        raise InvalidCoordinates("coordinates must be finite")
    if not -180.0 <= flon <= 180.0:
        raise InvalidCoordinates(f"lon {flon} outside [-180, 180]")
    if not -90.0 <= flat <= 90.0:
        raise InvalidCoordinates(f"lat {flat} outside [-90, 90]")
    return flon, flat


def is_valid_lonlat(lon: Any, lat: Any) -> bool:
    """True when ``validate_lonlat`` would accept the pair."""
    try:
        validate_lonlat(lon, lat)
    except InvalidCoordinates:
        return False
    return True


class Bounds(NamedTuple):
    """An axis-aligned lon/lat box."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def around(cls, geoms: Iterable[BaseGeometry], margin_m: float = 0.0) -> Bounds:
        """Box covering ``geoms`` grown by about ``margin_m`` metres on each side."""
        geoms = list(geoms)
        if not geoms:
            raise ValueError("no geometries")
        if margin_m < 0:
            raise ValueError("margin_m must be >= 0")
        x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(geoms))
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
            raise ValueError("geometries are empty")
        dlat = margin_m / METRES_PER_DEGREE
        # Use the latitude farthest from the equator so the margin is never
        # smaller than asked in longitude.
        coslat = max(math.cos(math.radians(max(abs(y0), abs(y1)))), 1e-6)
        dlon = margin_m / (METRES_PER_DEGREE * coslat)
        return cls(
            max(x0 - dlon, -180.0),
            max(y0 - dlat, -90.0),
            min(x1 + dlon, 180.0),
            min(y1 + dlat, 90.0),
        )

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point is inside the box or on its edge (NaN is outside)."""
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


@dataclass(frozen=True)
class RepairReport:
    """What ``repair_polygonal`` found and did."""

    was_valid: bool
    reason: str | None  # GEOS validity reason before repair, None when valid
    dropped: tuple[str, ...] = ()  # geometry types of non-polygonal parts removed
    collapsed: bool = False  # nothing polygonal survived

    @property
    def changed(self) -> bool:
        return not self.was_valid or bool(self.dropped) or self.collapsed


def _polygonal_parts(geom: BaseGeometry) -> tuple[list[Polygon], list[str]]:
    """Split a geometry into its polygons and the types of everything else."""
    if isinstance(geom, Polygon):
        return ([geom] if not geom.is_empty else []), []
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty], []
    if isinstance(geom, GeometryCollection):
        polys: list[Polygon] = []
        dropped: list[str] = []
        for part in geom.geoms:
            p, d = _polygonal_parts(part)
            polys += p
            dropped += d
        return polys, dropped
    return [], ([] if geom.is_empty else [geom.geom_type])


def repair_polygonal(geom: BaseGeometry | None) -> tuple[MultiPolygon | None, RepairReport]:
    """Return a valid MultiPolygon made of the polygonal parts of ``geom``.

    Invalid input goes through ``shapely.make_valid`` with the "structure"
    method, which keeps the areas a ring encloses (a bow-tie becomes two
    triangles) and drops parts that collapse to lines or points. Returns
    ``(None, report)`` when no area is left.
    """
    if geom is None or geom.is_empty:
        return None, RepairReport(True, None, collapsed=True)
    was_valid = bool(shapely.is_valid(geom))
    reason = None if was_valid else shapely.is_valid_reason(geom)
    fixed = geom if was_valid else shapely.make_valid(geom, method="structure", keep_collapsed=False)
    polys, dropped = _polygonal_parts(fixed)
    if not polys:
        return None, RepairReport(was_valid, reason, tuple(dropped), collapsed=True)
    result = MultiPolygon(polys)
    if not result.is_valid:
        # Collection parts may touch or overlap, and GEOS "structure" can
        # emit two polygons sharing an edge for a ring that retraces itself
        # (found by the hypothesis test): dissolving makes either valid.
        result = _dissolve(polys)
    if not result.is_valid:
        polys, more = _polygonal_parts(shapely.make_valid(result))
        result, dropped = _dissolve(polys), dropped + more
    if result.is_empty:
        return None, RepairReport(was_valid, reason, tuple(dropped), collapsed=True)
    return result, RepairReport(was_valid, reason, tuple(dropped))


def _dissolve(polys: list[Polygon]) -> MultiPolygon:
    merged = shapely.union_all(polys) if polys else MultiPolygon()
    if isinstance(merged, MultiPolygon):
        return merged
    if isinstance(merged, Polygon):
        return MultiPolygon([merged]) if not merged.is_empty else MultiPolygon()
    return MultiPolygon(_polygonal_parts(merged)[0])
