"""Coordinate validation, bounding boxes and geometry repair."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from geo.validate import Bounds, InvalidCoordinates, is_valid_lonlat, repair_polygonal, validate_lonlat


@pytest.mark.parametrize(
    "lon,lat",
    [
        (float("nan"), 48.8),
        (2.3, float("nan")),
        (float("inf"), 48.8),
        (2.3, float("-inf")),
        (180.0001, 0.0),
        (-180.5, 0.0),
        (0.0, 90.000001),
        (0.0, -91.0),
        (True, 48.8),
        (2.3, False),
        ("2.3", 48.8),
        (None, 48.8),
        (2.3, [48.8]),
    ],
)
def test_invalid_coordinates_are_rejected(lon, lat):
    with pytest.raises(InvalidCoordinates):
        validate_lonlat(lon, lat)
    assert not is_valid_lonlat(lon, lat)


@pytest.mark.parametrize(
    "lon,lat",
    [
        (180.0, 90.0),
        (-180.0, -90.0),
        (0, 0),
        (2.35, 48.85),
        (np.float64(2.35), np.float32(48.5)),
        (Decimal("2.5"), Fraction(1, 3)),
    ],
)
def test_valid_coordinates_come_back_as_floats(lon, lat):
    got = validate_lonlat(lon, lat)
    assert got == (float(lon), float(lat))
    assert all(type(v) is float for v in got)


def test_invalid_coordinates_is_a_value_error():
    # The API layer can catch ValueError generically.
    assert issubclass(InvalidCoordinates, ValueError)


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_validate_lonlat_property(lon, lat):
    ok = math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90
    assert is_valid_lonlat(lon, lat) is ok
    if ok:
        assert validate_lonlat(lon, lat) == (lon, lat)


def test_bounds_around_with_margin():
    sq = Polygon([(2.0, 48.0), (3.0, 48.0), (3.0, 49.0), (2.0, 49.0)])
    exact = Bounds.around([sq])
    assert exact == (2.0, 48.0, 3.0, 49.0)
    grown = Bounds.around([sq, Point(2.5, 48.5)], margin_m=1000)
    assert grown.min_lat == pytest.approx(48.0 - 1000 / 111_320)
    # Longitude margin is at least the asked metres at the box's worst latitude.
    assert (grown.max_lon - 3.0) * 111_320 * math.cos(math.radians(49.0)) == pytest.approx(1000)
    assert grown.contains(3.005, 48.999) and not exact.contains(3.005, 48.999)
    assert not grown.contains(float("nan"), 48.5)
    assert Bounds.around([Point(179.99, 89.99)], margin_m=10_000).max_lon == 180.0
    with pytest.raises(ValueError):
        Bounds.around([])
    with pytest.raises(ValueError):
        Bounds.around([sq], margin_m=-1)


def test_bow_tie_is_repaired_into_two_triangles():
    bow = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    assert not bow.is_valid
    fixed, report = repair_polygonal(bow)
    assert isinstance(fixed, MultiPolygon) and fixed.is_valid
    assert len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(2.0)
    assert not report.was_valid and report.changed
    assert "Self-intersection" in report.reason
    assert not report.collapsed


def test_valid_polygon_is_kept_as_is():
    sq = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    fixed, report = repair_polygonal(sq)
    assert fixed.equals(sq) and isinstance(fixed, MultiPolygon)
    assert report.was_valid and report.reason is None and not report.changed


def test_collection_keeps_only_polygonal_parts():
    a = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
    b = Polygon([(1, 1), (3, 1), (3, 3), (1, 3)])  # overlaps a: must be merged
    coll = GeometryCollection([a, LineString([(5, 5), (6, 6)]), Point(9, 9), b])
    fixed, report = repair_polygonal(coll)
    assert fixed.is_valid and fixed.area == pytest.approx(7.0)
    assert set(report.dropped) == {"LineString", "Point"} and report.changed


def test_collapsed_or_empty_gives_none():
    flat = Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])
    fixed, report = repair_polygonal(flat)
    assert fixed is None and report.collapsed and not report.was_valid
    assert repair_polygonal(None)[0] is None
    assert repair_polygonal(Polygon())[1].collapsed
    assert repair_polygonal(LineString([(0, 0), (1, 1)]))[1].dropped == ("LineString",)


coord = st.integers(min_value=-5, max_value=5)


@settings(max_examples=200)
@given(st.lists(st.tuples(coord, coord), min_size=3, max_size=7))
def test_repair_always_returns_valid_multipolygon_or_none(ring):
    fixed, report = repair_polygonal(Polygon(ring))
    if fixed is None:
        assert report.collapsed
    else:
        assert isinstance(fixed, MultiPolygon) and shapely.is_valid(fixed) and fixed.area > 0
        assert all(not p.is_empty for p in fixed.geoms)


def test_retraced_ring_is_dissolved():
    # shapely.make_valid(method="structure") alone returns an *invalid*
    # MultiPolygon here (two triangles sharing an edge) with GEOS 3.14.
    ring = [(0, 1), (1, 0), (0, 0), (0, 1), (1, 0), (0, 2)]
    fixed, report = repair_polygonal(Polygon(ring))
    assert fixed is not None and fixed.is_valid and not report.was_valid
    assert fixed.area == pytest.approx(1.0)
