"""The 10,000 real DansMaRue reports routed against the official layers."""

import ast
import csv
from pathlib import Path

import numpy as np
import pytest

from geo.geojson import load_features, load_polygons, parse_point
from geo.index import PolygonIndex
from geo.validate import is_valid_lonlat

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def reports():
    with open(DATA / "dans_ma_rue_2023-08_2024-09_sample10k_a.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    points = [ast.literal_eval(r["geo_point_2d"]) for r in rows]
    lons = np.array([p["lon"] for p in points])
    lats = np.array([p["lat"] for p in points])
    declared = np.array([int(r["arrondissement"]) for r in rows], dtype=object)
    return rows, lons, lats, declared


@pytest.fixture(scope="module")
def arr_index():
    return PolygonIndex.from_geojson(DATA / "paris_arrondissements.geojson", "c_ar")


def test_sample_shape(reports):
    rows, lons, lats, declared = reports
    assert len(rows) == 10_000
    assert set(declared) == set(range(1, 21))
    assert all(is_valid_lonlat(x, y) for x, y in zip(lons.tolist(), lats.tolist(), strict=False))
    # geo_shape and geo_point_2d encode the same point.
    assert all(parse_point(r["geo_shape"]) == (x, y) for r, x, y in zip(rows[:500], lons, lats, strict=False))


def test_reports_land_in_declared_arrondissement(reports, arr_index):
    _, lons, lats, declared = reports
    got = arr_index.lookup_many(lons, lats)
    rate = float(np.mean(got == declared))
    print(f"\narrondissement agreement: {rate:.2%} of {len(got)} real reports")
    assert rate >= 0.995
    assert not any(g is None for g in got)  # every report is inside Paris
    scalar = [arr_index.lookup(x, y) for x, y in zip(lons.tolist(), lats.tolist(), strict=False)]
    assert scalar == list(got)


def test_quartier_nests_in_arrondissement(reports, arr_index):
    _, lons, lats, _ = reports
    path = DATA / "paris_quartiers_administratifs.geojson"
    q_to_ar = {f.properties["c_quinsee"]: f.properties["c_ar"] for f in load_features(path)}
    q_idx = PolygonIndex(load_polygons(path, "c_quinsee"))
    q_got = q_idx.lookup_many(lons, lats)
    ar_got = arr_index.lookup_many(lons, lats)
    assert not any(q is None for q in q_got)
    assert all(q_to_ar[q] == a for q, a in zip(q_got, ar_got, strict=False))


def test_paris_centre_covers_arrondissements_1_to_4(reports, arr_index):
    _, lons, lats, _ = reports
    centre = PolygonIndex.from_geojson(
        DATA / "dmr_arrondissement_paris_centre_2020.geojson", "numero_arrondissement"
    )
    in_centre = centre.lookup_many(lons, lats) == "Paris Centre"
    in_1_to_4 = np.isin(arr_index.lookup_many(lons, lats), [1, 2, 3, 4])
    assert in_1_to_4.sum() > 100
    assert (in_centre == in_1_to_4).mean() >= 0.999
