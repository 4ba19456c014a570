"""Loading the real GeoJSON layers and parsing the CSV point encodings."""

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.geojson import load_features, load_polygons, parse_point, parse_point_or_none, to_multipolygon

DATA = Path(__file__).resolve().parents[2] / "data"


def test_arrondissements_are_20_multipolygons():
    feats = load_features(DATA / "paris_arrondissements.geojson")
    assert len(feats) == 20
    assert sorted(f.properties["c_ar"] for f in feats) == list(range(1, 21))
    assert all(isinstance(f.geometry, MultiPolygon) and f.geometry.is_valid for f in feats)
    # geom_x_y is [lat, lon] in this export: the centroid must match it reversed.
    for f in feats:
        lat, lon = f.properties["geom_x_y"]
        c = f.geometry.centroid
        assert abs(c.x - lon) < 1e-3 and abs(c.y - lat) < 1e-3, f.properties["c_ar"]


def test_quartiers_are_80_four_per_arrondissement():
    items = load_polygons(DATA / "paris_quartiers_administratifs.geojson", "c_quinsee")
    assert len(items) == 80
    assert len({k for k, _ in items}) == 80
    feats = load_features(DATA / "paris_quartiers_administratifs.geojson")
    per_ar = {}
    for f in feats:
        per_ar[f.properties["c_ar"]] = per_ar.get(f.properties["c_ar"], 0) + 1
    assert per_ar == {ar: 4 for ar in range(1, 21)}


def test_dmr_layers_load_with_callable_key():
    conseils = load_polygons(DATA / "dmr_conseils_quartier_2017.geojson", lambda p: p["id_consqrt"])
    centre = load_polygons(DATA / "dmr_conseils_quartier_paris_centre_2020.geojson", "id_consqrt")
    arr = load_features(DATA / "dmr_arrondissement_paris_centre_2020.geojson")
    assert len(conseils) == 121 and len(centre) == 7 and len(arr) == 1
    assert arr[0].properties["numero_arrondissement"] == "Paris Centre"
    assert sorted(k for k, _ in centre) == list(range(125, 132))


def test_polygon_is_coerced_and_other_types_rejected(tmp_path):
    sq = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    assert isinstance(to_multipolygon(sq), MultiPolygon)
    assert to_multipolygon(sq).area == 1.0
    with pytest.raises(TypeError):
        to_multipolygon(Point(0, 0))
    path = tmp_path / "pts.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"k": 1},
                        "geometry": {"type": "Point", "coordinates": [2, 48]},
                    }
                ],
            }
        )
    )
    assert load_features(path)[0].geometry.geom_type == "Point"
    with pytest.raises(TypeError):
        load_polygons(path, "k")


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "Feature", "geometry": None, "properties": {}},
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {}}]},
        {
            "type": "FeatureCollection",
            "features": [],
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        },
    ],
)
def test_bad_collections_are_rejected(tmp_path, doc):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError):
        load_features(path)


def test_parse_point_all_known_encodings():
    lon, lat = 2.334404229526263, 48.88124847353733
    assert parse_point("{'lon': 2.334404229526263, 'lat': 48.88124847353733}") == (lon, lat)
    assert parse_point(
        "{'type': 'Feature', 'geometry': {'coordinates': [2.334404229526263, 48.88124847353733],"
        " 'type': 'Point'}, 'properties': {}}"
    ) == (lon, lat)
    assert parse_point('{"type": "Point", "coordinates": [2.334404229526263, 48.88124847353733]}') == (
        lon,
        lat,
    )
    # Old 2017 schema and adresse_paris write "lat,lon".
    assert parse_point("48.88124847353733, 2.334404229526263") == (lon, lat)
    assert parse_point({"lon": "2.5", "lat": "48.5"}) == (2.5, 48.5)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "1,2,3",
        "abc",
        "{'lon': 1}",
        "{'lon': 'x', 'lat': 2}",
        "{" * 5000,
        "[1, 2]",
        "{'type': 'Point', 'coordinates': [1]}",
        None,
        3.0,
    ],
)
def test_parse_point_rejects_garbage(bad):
    with pytest.raises(ValueError):
        parse_point(bad)
    assert parse_point_or_none(bad) is None


def test_parse_point_or_none_rejects_non_finite():
    assert parse_point_or_none("{'lon': nan, 'lat': 1}") is None  # not a literal either
    assert parse_point_or_none({"lon": float("nan"), "lat": 48.0}) is None
    assert parse_point_or_none("inf, 2") is None


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_parse_point_round_trips_reprs(lon, lat):
    assert parse_point(repr({"lon": lon, "lat": lat})) == (lon, lat)
    assert parse_point(f"{lat!r},{lon!r}") == (lon, lat)
    got = parse_point(json.dumps({"type": "Point", "coordinates": [lon, lat]}))
    assert got == (lon, lat) and all(math.isfinite(v) for v in got)
