"""PolygonIndex: borders, holes, snapping and agreement with brute force."""

import itertools
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

import geo.index as geo_index
from geo.geojson import load_polygons
from geo.index import PolygonIndex
from geo.validate import METRES_PER_DEGREE

DATA = Path(__file__).resolve().parents[2] / "data"
ARR = DATA / "paris_arrondissements.geojson"


@pytest.fixture(scope="module")
def arr_items():
    return load_polygons(ARR, "c_ar")


@pytest.fixture(scope="module")
def arr_index(arr_items):
    return PolygonIndex(arr_items)


def brute_force(items, lon, lat):
    """Smallest key whose polygon covers the point, with plain shapely."""
    hits = [k for k, g in items if g.covers(shapely.Point(lon, lat))]
    return min(hits) if hits else None


def brute_force_many(items, xs, ys):
    """Vectorised brute_force: object array of keys (None for misses)."""
    points = shapely.points(xs, ys)
    expected = np.full(len(points), None, dtype=object)
    for key, geom in sorted(items, key=lambda kv: kv[0], reverse=True):
        expected[shapely.covers(geom, points)] = key  # smallest key written last
    return expected


def shared_vertices(items):
    """{vertex: sorted keys} for vertices present in two or more polygons."""
    owners = {}
    for key, geom in items:
        for xy in map(tuple, shapely.get_coordinates(geom).tolist()):
            owners.setdefault(xy, set()).add(key)
    return {xy: sorted(ks) for xy, ks in owners.items() if len(ks) > 1}


def test_basic_lookups(arr_index):
    assert len(arr_index) == 20 and arr_index.keys == tuple(range(1, 21))
    assert arr_index.lookup(2.3376, 48.8606) == 1  # Louvre
    assert arr_index.lookup(2.2945, 48.8584) == 7  # Eiffel tower
    assert arr_index.lookup(2.4330, 48.8350) == 12  # Bois de Vincennes
    assert arr_index.lookup(2.2500, 48.8620) == 16  # Bois de Boulogne
    assert arr_index.lookup(2.4800, 48.8500) is None  # outside Paris
    assert arr_index.lookup(float("nan"), 48.85) is None
    assert arr_index.lookup(2.35, float("inf")) is None


def test_border_points_take_smallest_key(arr_items, arr_index):
    shared = shared_vertices(arr_items)
    assert len(shared) > 1000
    between_7_15 = [xy for xy, ks in shared.items() if ks == [7, 15]]
    assert len(between_7_15) > 50
    reverse = PolygonIndex(list(reversed(arr_items)))
    xs = np.array([xy[0] for xy in shared])
    ys = np.array([xy[1] for xy in shared])
    expected = np.array([ks[0] for ks in shared.values()], dtype=object)
    for idx in (arr_index, reverse):
        assert [idx.lookup(x, y) for x, y in shared] == list(expected)
        assert (idx.lookup_many(xs, ys) == expected).all()
        for strategy in ("scan", "tree"):
            pos = idx.positions_many(xs, ys, strategy=strategy)
            assert [idx.keys[p] for p in pos] == list(expected)
    # The vertex where 1er, 4e, 5e and 6e meet.
    quad = [xy for xy, ks in shared.items() if ks == [1, 4, 5, 6]]
    assert quad and arr_index.candidates(*quad[0]) == [1, 4, 5, 6]
    assert arr_index.lookup(*quad[0]) == 1


def test_sliver_hole_between_7_and_15(arr_items, arr_index):
    union = shapely.union_all([g for _, g in arr_items])
    holes = [Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    assert len(holes) == 1  # SOURCES.md: one sliver of about 1.7 m²
    hole = holes[0]
    area_m2 = hole.area * METRES_PER_DEGREE**2 * np.cos(np.radians(48.85))
    assert 1.0 < area_m2 < 2.5
    inside = hole.representative_point()
    assert not any(g.covers(inside) for _, g in arr_items)
    assert arr_index.lookup(inside.x, inside.y) is None
    assert arr_index.lookup_many([inside.x], [inside.y])[0] is None
    # Snapping a few centimetres resolves it to one of the two neighbours.
    assert arr_index.lookup(inside.x, inside.y, snap_m=0.5) in (7, 15)
    assert arr_index.lookup_many([inside.x], [inside.y], snap_m=0.5)[0] in (7, 15)


def test_snap_distance_is_in_metres(arr_index):
    geom12 = arr_index.geometry(12)
    coords = shapely.get_coordinates(geom12)
    east = coords[coords[:, 0].argmax()]
    assert arr_index.lookup(*east) == 12
    # 50 m east of the easternmost vertex of Paris (Bois de Vincennes).
    dlon = 50 / (METRES_PER_DEGREE * np.cos(np.radians(east[1])))
    lon, lat = east[0] + dlon, east[1]
    assert arr_index.lookup(lon, lat) is None
    assert arr_index.lookup(lon, lat, snap_m=40) is None
    assert arr_index.lookup(lon, lat, snap_m=60) == 12
    assert arr_index.lookup(float("nan"), lat, snap_m=60) is None


def test_index_agrees_with_brute_force_on_random_points(arr_items, arr_index):
    rng = np.random.default_rng(20240912)
    x0, y0, x1, y1 = shapely.total_bounds([g for _, g in arr_items])
    xs = rng.uniform(x0 - 0.01, x1 + 0.01, 3000)
    ys = rng.uniform(y0 - 0.01, y1 + 0.01, 3000)
    expected = brute_force_many(arr_items, xs, ys)
    assert (arr_index.lookup_many(xs, ys) == expected).all()
    assert [arr_index.lookup(x, y) for x, y in zip(xs[:500], ys[:500], strict=False)] == list(expected[:500])
    assert sum(e is None for e in expected) > 100  # the sample does reach outside Paris
    scan = arr_index.positions_many(xs, ys, strategy="scan")
    tree = arr_index.positions_many(xs, ys, strategy="tree")
    assert (scan == tree).all()


@settings(max_examples=150, deadline=None)
@given(st.floats(2.22, 2.47), st.floats(48.81, 48.91))
def test_lookup_matches_brute_force_property(arr_items, arr_index, lon, lat):
    expected = brute_force(arr_items, lon, lat)
    assert arr_index.lookup(lon, lat) == expected
    assert arr_index.lookup_many([lon], [lat])[0] == expected


@pytest.mark.parametrize("scan_max", [0, 10_000])
def test_both_strategies_agree_on_conseils(monkeypatch, scan_max):
    monkeypatch.setattr(geo_index, "SCAN_MAX_POLYGONS", scan_max)  # 0 forces the STRtree path
    items = load_polygons(DATA / "dmr_conseils_quartier_2017.geojson", "id_consqrt")
    idx = PolygonIndex(items)
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(2.22, 2.47, 2000), rng.uniform(48.81, 48.91, 2000)
    auto = idx.positions_many(xs, ys)
    assert (auto == idx.positions_many(xs, ys, strategy="scan")).all()
    assert (auto == idx.positions_many(xs, ys, strategy="tree")).all()
    expected = [brute_force(items, x, y) for x, y in zip(xs[:300], ys[:300], strict=False)]
    assert [idx.lookup(x, y) for x, y in zip(xs[:300], ys[:300], strict=False)] == expected
    assert list(idx.lookup_many(xs[:300], ys[:300])) == expected
    # Shared vertices, through the scalar path in use. The 2017 conseils
    # overlap slightly, so a vertex two of them share can lie inside a third
    # one with a smaller key: brute force, not the owners, is the reference.
    shared = shared_vertices(items)
    sx, sy = np.array(list(shared)).T
    expected = brute_force_many(items, sx, sy)
    assert [idx.lookup(*xy) for xy in shared] == list(expected)
    assert list(idx.lookup_many(sx, sy)) == list(expected)
    assert sum(e != ks[0] for e, ks in zip(expected, shared.values(), strict=False)) < 0.01 * len(shared)


def test_build_errors_and_no_side_effects(arr_items):
    sq = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    bow = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    with pytest.raises(ValueError):
        PolygonIndex([])
    with pytest.raises(ValueError):
        PolygonIndex([(1, sq), (1, sq)])
    with pytest.raises(ValueError):
        PolygonIndex([(1, bow)])
    with pytest.raises(TypeError):
        PolygonIndex([(1, sq), ("a", sq)])
    with pytest.raises(TypeError):
        PolygonIndex([(1, shapely.Point(0, 0))])
    with pytest.raises(ValueError):
        PolygonIndex([(1, sq)]).lookup_many([1, 2], [1])
    with pytest.raises(ValueError):
        PolygonIndex([(1, sq)]).positions_many([1], [1], strategy="magic")
    PolygonIndex(arr_items)
    assert not any(shapely.is_prepared(g) for _, g in arr_items)


def test_string_keys_and_overlaps():
    a = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
    b = Polygon([(1, 1), (3, 1), (3, 3), (1, 3)])
    for items in itertools.permutations([("b", b), ("a", a)]):
        idx = PolygonIndex(items)
        assert idx.lookup(1.5, 1.5) == "a"  # overlap: smallest key
        assert idx.lookup(2.5, 2.5) == "b"
        assert idx.candidates(1.5, 1.5) == ["a", "b"]
        assert list(idx.lookup_many([1.5, 2.5, 9.0], [1.5, 2.5, 9.0])) == ["a", "b", None]


def test_snap_tie_takes_smallest_key():
    west = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    east = Polygon([(2, 0), (3, 0), (3, 1), (2, 1)])
    for items in ([("w", west), ("e", east)], [("e", east), ("w", west)]):
        idx = PolygonIndex(items)
        assert idx.lookup(1.5, 0.5) is None
        assert idx.lookup(1.5, 0.5, snap_m=60_000) == "e"  # equidistant: "e" < "w"
        assert idx.lookup(1.2, 0.5, snap_m=60_000) == "w"
        assert idx.lookup(1.5, 0.5, snap_m=50_000) is None  # ~55.7 km away
