import ast
import csv
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dansmarue.errors import OutsideServiceArea
from dansmarue.models import Category, Unit, db
from dansmarue.refdata import sources
from dansmarue.reports import references, routing


def leaf(session, label):
    return session.scalar(select(Category).where(Category.label == label))


def test_point_in_the_11th(session):
    graffiti = leaf(
        session, "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale"
    )
    place = routing.locate(2.3801912, 48.8539252, graffiti.unit_id)
    assert place.district_id == 11
    assert place.quartier_id is not None and place.conseil_id is not None
    unit = session.get(Unit, place.unit_id)
    assert unit.open_data_name == "graffitis"
    assert session.get(Unit, place.direction_id).code == "DPE"


def test_outside_paris_is_refused(session):
    graffiti = session.scalars(select(Category).where(Category.is_leaf)).first()
    with pytest.raises(OutsideServiceArea, match="pas situé dans Paris"):
        routing.locate(2.2500, 48.9000, graffiti.unit_id)  # Levallois


def test_wood_overrides_category_unit(session):
    bench = leaf(session, "Autres : Banc  détérioré")
    place = routing.locate(2.2450, 48.8650, bench.unit_id)  # Bois de Boulogne
    assert place.special_perimeter_id is not None
    assert session.get(Unit, place.unit_id).code.startswith("DEVE")


def test_operator_keeps_its_own_unit_in_a_wood(session):
    enedis = session.scalar(
        select(Category).join(Unit, Category.unit_id == Unit.id).where(Unit.code == "OP-ENEDIS")
    )
    place = routing.locate(2.2450, 48.8650, enedis.unit_id)
    assert session.get(Unit, place.unit_id).code == "OP-ENEDIS"


def test_border_point_has_one_deterministic_answer(session):
    # A vertex shared by two arrondissements answers the smaller id, always.
    vertex = session.execute(
        db.text("""
        SELECT ST_X(pt), ST_Y(pt) FROM (
          SELECT (ST_DumpPoints(a.geom)).geom AS pt FROM district a WHERE a.id = 11) v
        WHERE EXISTS (SELECT 1 FROM district b WHERE b.id = 12 AND ST_Intersects(b.geom, v.pt))
        LIMIT 1""")
    ).one()
    unit_id = session.scalars(select(Category.unit_id).where(Category.is_leaf)).first()
    answers = {routing.locate(vertex[0], vertex[1], unit_id).district_id for _ in range(3)}
    assert answers == {11}


def test_reference_format_and_monthly_counter(session):
    when = datetime(2024, 7, 25, 10, tzinfo=UTC)
    first = references.allocate_reference("G", when)
    second = references.allocate_reference("G", when)
    assert re.fullmatch(r"G2024G\d{6}", first)
    assert int(second[-6:]) == int(first[-6:]) + 1
    # Paris time decides the month: 23:30 UTC on 31 Dec is already January.
    assert references.allocate_reference("A", datetime(2024, 12, 31, 23, 30, tzinfo=UTC)).startswith("A2025A")


def test_references_unique_under_concurrency(app):
    when = datetime(2031, 3, 1, tzinfo=UTC)

    def allocate(_):
        with app.app_context():
            try:
                return references.allocate_reference("S", when)
            finally:
                db.session.commit()
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(allocate, range(200)))
    assert len(set(refs)) == 200


def _real_reports():
    with open(sources.path("dans_ma_rue_2023-08_2024-09_sample10k_a.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = ast.literal_eval(row["geo_point_2d"])
            yield row, point["lon"], point["lat"]


def test_real_reports_land_in_their_district_and_service(session):
    """The 10,000 real reports: district as the open data says (>= 99.5 %),
    and the real intervenant reproduced by category + routing (>= 99 %)."""
    leaves = {c.open_data_label: c for c in session.scalars(select(Category).where(Category.is_leaf))}
    names = dict(session.execute(select(Unit.id, Unit.open_data_name)).all())
    total = district_ok = service_ok = 0
    for row, lon, lat in _real_reports():
        category = leaves[f"{row['type']}:{row['soustype']}"]
        place = routing.locate(lon, lat, category.unit_id)
        total += 1
        district_ok += place.district_id == int(row["arrondissement"])
        service_ok += names[place.unit_id] == row["intervenant"]
    district_rate, service_rate = district_ok / total, service_ok / total
    print(
        f"\nreal reports: {total}, district match {district_rate:.2%}, " f"service match {service_rate:.2%}"
    )
    assert total == 10_000
    assert district_rate >= 0.995
    assert service_rate >= 0.99
