"""Pure geometry for dansmarue: GeoJSON loading, validation, point routing.

No Flask and no database imports here, so it can be used from the API, the
workers, scripts and benchmarks alike. Coordinates are WGS84 lon/lat.
"""

from geo.geojson import (
    Feature,
    load_features,
    load_polygons,
    parse_point,
    parse_point_or_none,
    to_multipolygon,
)
from geo.index import PolygonIndex
from geo.validate import (
    Bounds,
    InvalidCoordinates,
    RepairReport,
    is_valid_lonlat,
    repair_polygonal,
    validate_lonlat,
)

__all__ = [
    "Bounds",
    "Feature",
    "InvalidCoordinates",
    "PolygonIndex",
    "RepairReport",
    "is_valid_lonlat",
    "load_features",
    "load_polygons",
    "parse_point",
    "parse_point_or_none",
    "repair_polygonal",
    "to_multipolygon",
    "validate_lonlat",
]
