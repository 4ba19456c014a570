"""The real reports of the open-data sample, posted through the API.

Every row of the 10,000-row file is posted (not only a head sample: the
file's first rows over-represent a few border streets and parks, and a
2,000-row sample moves the rates by +-0.2 %). Agent-only categories must be
refused to residents; every other row must be accepted, land in the open
data's arrondissement (>= 99.5 %) and reach its real "intervenant" (>= 99 %).
"""

import ast
import csv
import os

from sqlalchemy import select

from dansmarue.models import Category, Report, Unit

DATA = os.path.join(
    os.path.dirname(__file__), "..", "..", "data", "dans_ma_rue_2023-08_2024-09_sample10k_a.csv"
)
ORIGINS = {"Android": "G", "iOS": "A"}


def test_real_reports_through_the_api(client, session):
    leaves = {c.open_data_label: c for c in session.scalars(select(Category).where(Category.is_leaf))}
    names = dict(session.execute(select(Unit.id, Unit.open_data_name)).all())
    posted = district_ok = service_ok = refused_agent = 0
    with open(DATA, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category = leaves[f"{row['type']}:{row['soustype']}"]
            point = ast.literal_eval(row["geo_point_2d"])
            payload = {
                "category_id": category.id,
                "latitude": point["lat"],
                "longitude": point["lon"],
                "address": row["adresse"],
                "origin": ORIGINS.get(row["prefixe"], "S"),
            }
            response = client.post("/api/v1/reports", json=payload)
            if category.agent_only:
                assert response.status_code == 422, response.json
                refused_agent += 1
                continue
            assert response.status_code == 201, (row["id_dmr"], response.json)
            posted += 1
            district_ok += response.json["district"]["id"] == int(row["arrondissement"])
            unit_id = session.scalar(
                select(Report.unit_id).where(Report.reference == response.json["reference"])
            )
            service_ok += names[unit_id] == row["intervenant"]
    district_rate, service_rate = district_ok / posted, service_ok / posted
    print(
        f"\nreal reports posted: {posted} accepted, {refused_agent} agent-only refused; "
        f"district match {district_rate:.2%}, service match {service_rate:.2%}"
    )
    assert posted >= 2000
    assert district_rate >= 0.995
    assert service_rate >= 0.99
