"""Property-based tests: no coordinates and no body ever make a 500."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dansmarue.models import Report

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIELDS = [
    "category_id",
    "latitude",
    "longitude",
    "priority",
    "description",
    "address",
    "address_precision",
    "email",
    "guid",
    "udid",
    "origin",
    "client_uuid",
    "photos",
    "\x00",
    "lat",
    "",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.text(alphabet=string.printable, max_size=5000)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)


@SETTINGS
@given(
    lat=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30),
    lon=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30),
)
def test_any_coordinates_answer_201_or_422(client, session, graffiti, lat, lon):
    import json

    # Python's json writes NaN/Infinity, which strict parsers refuse: both paths are fine.
    response = client.post(
        "/api/v1/reports",
        data=json.dumps({"category_id": graffiti.id, "latitude": lat, "longitude": lon}),
        content_type="application/json",
    )
    assert response.status_code in (201, 400, 422), response.json
    assert response.mimetype in ("application/json", "application/problem+json")


@SETTINGS
@given(lat=st.floats(48.80, 48.92), lon=st.floats(2.22, 2.47))
def test_points_around_paris_are_routed_or_refused_cleanly(client, session, graffiti, lat, lon):
    response = client.post(
        "/api/v1/reports", json={"category_id": graffiti.id, "latitude": lat, "longitude": lon}
    )
    assert response.status_code in (201, 422), response.json
    if response.status_code == 201:
        assert 1 <= response.json["district"]["id"] <= 20


@SETTINGS
@given(data=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=8))
def test_arbitrary_json_bodies_never_500(client, session, graffiti, data):
    before = session.scalar(select(func.count()).select_from(Report))
    response = client.post("/api/v1/reports", json=data)
    assert response.status_code in (201, 400, 409, 422), response.json
    if response.status_code != 201:
        assert session.scalar(select(func.count()).select_from(Report)) == before


@SETTINGS
@given(
    description=st.text(max_size=4100),
    address=st.text(max_size=400),
    email=st.emails() | st.text(max_size=30),
    guid=st.text(max_size=80),
)
def test_valid_shape_with_arbitrary_text(client, session, graffiti, description, address, email, guid):
    response = client.post(
        "/api/v1/reports",
        json={
            "category_id": graffiti.id,
            "latitude": 48.8539252,
            "longitude": 2.3801912,
            "description": description,
            "address": address,
            "email": email,
            "guid": guid,
        },
    )
    assert response.status_code in (201, 422), response.json
    if response.status_code == 201:
        stored = session.scalar(
            select(Report.description).where(Report.reference == response.json["reference"])
        )
        assert stored is None or (len(stored) <= 4000 and "\x00" not in stored)


@SETTINGS
@given(
    query=st.dictionaries(
        st.sampled_from(["near", "radius", "bbox", "category", "state", "since", "limit", "cursor"]),
        st.text(max_size=40),
        max_size=5,
    )
)
def test_arbitrary_search_queries_never_500(client, session, query):
    response = client.get("/api/v1/reports", query_string=query)
    assert response.status_code in (200, 422), response.json
