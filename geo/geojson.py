"""Read GeoJSON FeatureCollections and the point encodings found in DMR CSVs.

Everything is WGS84 lon/lat (GeoJSON order). No reprojection happens here.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from geo.index import PolygonKey

# CRS names meaning "WGS84 lon/lat"; anything else would need reprojection,
# which this package deliberately does not do.
_WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}

# ast.literal_eval on attacker-sized input can exhaust memory or recursion;
# real cells are < 200 characters.
_MAX_POINT_TEXT = 1000


class Feature(NamedTuple):
    """One GeoJSON feature: its properties and its shapely geometry."""

    properties: dict[str, Any]
    geometry: BaseGeometry


def to_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Return ``geom`` as a MultiPolygon; Polygon is wrapped, others rejected."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else MultiPolygon()
    raise TypeError(f"expected Polygon or MultiPolygon, got {geom.geom_type}")


def _check_crs(doc: dict[str, Any], path: Path) -> None:
    crs = doc.get("crs")
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if name not in _WGS84_CRS_NAMES:
        raise ValueError(f"{path}: unsupported crs {name!r}; expected WGS84 lon/lat")


def load_features(path: str | Path) -> list[Feature]:
    """Load a FeatureCollection file; Polygon geometries become MultiPolygon.

    Raises ValueError for a non-FeatureCollection, a foreign ``crs`` member or
    a feature without geometry (silently dropping an area would leave a hole
    in routing).
    """
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: not a GeoJSON FeatureCollection")
    _check_crs(doc, path)
    features = []
    for i, feat in enumerate(doc.get("features") or []):
        raw = feat.get("geometry") if isinstance(feat, dict) else None
        if not raw:
            raise ValueError(f"{path}: feature #{i} has no geometry")
        geom = shape(raw)
        if isinstance(geom, Polygon):
            geom = to_multipolygon(geom)
        features.append(Feature(dict(feat.get("properties") or {}), geom))
    return features


def load_polygons(
    path: str | Path, key: str | Callable[[dict[str, Any]], PolygonKey]
) -> list[tuple[PolygonKey, MultiPolygon]]:
    """Load ``(key, MultiPolygon)`` items, ``key`` being a property name or a callable."""
    get = key if callable(key) else (lambda props: props[key])
    items = []
    for feat in load_features(path):
        items.append((get(feat.properties), to_multipolygon(feat.geometry)))
    return items


def _pair(lon: Any, lat: Any) -> tuple[float, float]:
    try:
        return float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"non-numeric coordinates: {lon!r}, {lat!r}") from exc


def _point_from_mapping(obj: dict[str, Any]) -> tuple[float, float]:
    if "lon" in obj and "lat" in obj:
        return _pair(obj["lon"], obj["lat"])
    if obj.get("type") == "Feature":
        return _point_from_mapping(obj.get("geometry") or {})
    if obj.get("type") == "Point":
        coords = obj.get("coordinates")
        if isinstance(coords, list | tuple) and len(coords) >= 2:
            return _pair(coords[0], coords[1])
    raise ValueError("mapping is not a point")


def parse_point(value: Any) -> tuple[float, float]:
    """Return ``(lon, lat)`` from one of the point encodings of the DMR exports.

    Accepted: a dict ``{'lon', 'lat'}``, a GeoJSON Point or Point Feature
    (as a dict, JSON text or Python repr with single quotes), or the old
    ``"lat,lon"`` text (latitude first, as both known exports write it).
    The result is not range-checked: see ``geo.validate.validate_lonlat``.
    """
    if isinstance(value, dict):
        return _point_from_mapping(value)
    if not isinstance(value, str):
        raise ValueError(f"unsupported point value of type {type(value).__name__}")
    text = value.strip()
    if not text or len(text) > _MAX_POINT_TEXT:
        raise ValueError("empty or oversized point text")
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            try:
                obj = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
                raise ValueError(f"unparsable point text: {text[:60]!r}") from exc
        if not isinstance(obj, dict):
            raise ValueError("point text is not a mapping")
        return _point_from_mapping(obj)
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"unparsable point text: {text[:60]!r}")
    lat, lon = _pair(parts[0].strip(), parts[1].strip())
    return lon, lat


def parse_point_or_none(value: Any) -> tuple[float, float] | None:
    """Like ``parse_point`` but returns None for unparsable or non-finite input."""
    try:
        lon, lat = parse_point(value)
    except ValueError:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    return lon, lat
