"""#19.5: unknown query parameters refused (400 naming each), and the work
queue sorted by due date, newest or distance from `near=lat,lon`."""

import uuid
from datetime import timedelta
from typing import Any

from dansmarue.models import Report, db, utcnow
from tests.agents.conftest import bearer, make_report

HERE = (48.8566, 2.3522)  # lat, lon: Hôtel de Ville
# (lon, lat) at about 0, 150 and 470 m from HERE, in the same 4e sector
POINTS = {"near": (2.3522, 48.8566), "mid": (2.3540, 48.8574), "far": (2.3585, 48.8580)}


def _reports(mark: str) -> dict[str, Report]:
    now = utcnow()
    made = {}
    # created far, near, mid (oldest first); due mid, far, near
    for age, (name, due) in enumerate((("far", 2), ("near", 3), ("mid", 1))):
        report = make_report(point=POINTS[name], description=mark, due_at=now + timedelta(days=due))
        report.created_at = now - timedelta(hours=10 - age)
        made[name] = report
    db.session.flush()
    return made


def _walk(client: Any, people: Any, query: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        url = f"/api/v1/agent/reports?limit=1&{query}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url, headers=bearer(people, "admin"))
        assert response.status_code == 200, response.json
        items += response.json["items"]
        cursor = response.json["next_cursor"]
        if not cursor:
            return items


def test_unknown_query_parameters_are_refused_by_name(client: Any, people: Any, session: Any) -> None:
    response = client.get("/api/v1/agent/reports?prés=1&limit=5&tri=due", headers=bearer(people, "admin"))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == [
        {"field": "prés", "message": "Paramètre inconnu de cette adresse.", "location": "query"},
        {"field": "tri", "message": "Paramètre inconnu de cette adresse.", "location": "query"},
    ]
    assert "prés, tri" in response.json["detail"] and "near" in response.json["detail"]
    # An operation that reads no query parameter refuses any.
    for url in ("/api/v1/agent/rejection-reasons?x=1", "/api/v1/categories?jurisdiction_id=paris.fr"):
        refused = client.get(url, headers=bearer(people, "admin"))
        assert refused.status_code == 400, url
        assert refused.json["errors"][0]["location"] == "query"
    # Declared parameters still pass, on every kind of operation.
    assert client.get("/api/v1/agent/reports?limit=5", headers=bearer(people, "admin")).status_code == 200
    assert client.get("/api/v1/categories").status_code == 200


def test_open311_keeps_the_standards_tolerance(client: Any) -> None:
    url = "/open311/v2/services.json?jurisdiction_id=paris.fr&api_key=k&callback=cb&locale=fr"
    assert client.get(url).status_code == 200


def test_queue_sorted_by_distance_from_near(client: Any, people: Any, session: Any) -> None:
    mark = f"marqueur-{uuid.uuid4().hex[:8]}"
    made = _reports(mark)
    near = f"{HERE[0]},{HERE[1]}"
    items = _walk(client, people, f"q={mark}&near={near}")  # near alone sorts by distance
    assert [i["reference"] for i in items] == [made[n].reference for n in ("near", "mid", "far")]
    metres = [i["distance_m"] for i in items]
    assert metres[0] < 5 and 100 < metres[1] < 250 and 350 < metres[2] < 600, metres
    same = _walk(client, people, f"q={mark}&near={near}&sort=distance")
    assert [i["reference"] for i in same] == [i["reference"] for i in items]
    # With near and another sort, the distances are still given.
    by_due = _walk(client, people, f"q={mark}&near={near}&sort=due")
    assert [i["reference"] for i in by_due] == [made[n].reference for n in ("mid", "far", "near")]
    assert all("distance_m" in i for i in by_due)


def test_queue_sorted_by_due_date_or_newest(client: Any, people: Any, session: Any) -> None:
    mark = f"marqueur-{uuid.uuid4().hex[:8]}"
    made = _reports(mark)
    due = _walk(client, people, f"q={mark}")
    assert [i["reference"] for i in due] == [made[n].reference for n in ("mid", "far", "near")]
    assert "distance_m" not in due[0]
    assert due == _walk(client, people, f"q={mark}&sort=due")
    newest = _walk(client, people, f"q={mark}&sort=newest")
    assert [i["reference"] for i in newest] == [made[n].reference for n in ("mid", "near", "far")]


def test_distance_needs_a_position_and_a_valid_one(client: Any, people: Any, session: Any) -> None:
    headers = bearer(people, "admin")
    cases = {
        "sort=distance": "near",
        "near=48.85": "near",
        "near=abc,2.35": "near",
        "near=95,2.35": "near",
        "sort=plus-proche": "sort",
    }
    for query, field in cases.items():
        response = client.get(f"/api/v1/agent/reports?{query}", headers=headers)
        assert response.status_code == 422, query
        errors = response.json["errors"]
        assert [e["field"] for e in errors] == [field], (query, errors)
        assert all(e["location"] == "query" for e in errors)
    message = client.get("/api/v1/agent/reports?sort=distance", headers=headers).json["errors"][0]["message"]
    assert message == "Le tri par distance demande votre position : near=lat,lon."
    # A cursor of one order is refused by another.
    mark = f"marqueur-{uuid.uuid4().hex[:8]}"
    _reports(mark)
    first = client.get(f"/api/v1/agent/reports?limit=1&q={mark}", headers=headers).json
    mixed = client.get(
        f"/api/v1/agent/reports?limit=1&q={mark}&sort=newest&cursor={first['next_cursor']}", headers=headers
    )
    assert mixed.status_code == 422


def test_the_documents_and_pages_own_parameters_still_work(client: Any) -> None:
    """Only REST operations are checked: static files' cache-busting `?v=`, the
    OpenAPI document, and the login pages' `next=` are untouched."""
    assert client.get("/static/dashboard.css?v=123").status_code == 200
    assert client.get("/api/openapi.json?v=2").status_code == 200
    assert client.get("/dashboard/login?next=/dashboard%3Fperiod%3D4").status_code == 200
    assert client.get("/agent/login?next=/agent/").status_code == 200
    spec = client.get("/api/openapi.json").json
    bad_request = spec["components"]["responses"]["BAD_REQUEST"]["description"]
    assert "paramètre de requête" in bad_request
    queue = spec["paths"]["/api/v1/agent/reports"]["get"]["parameters"]
    described = {p["name"]: p for p in queue}
    assert described["sort"]["schema"]["enum"] == ["due", "newest", "distance"]
    assert "lat,lon" in described["near"]["description"]


def test_head_and_preflight_requests_follow_their_operation(client: Any, people: Any) -> None:
    headers = bearer(people, "admin")
    assert client.head("/api/v1/agent/reports?limit=5", headers=headers).status_code == 200
    assert client.head("/api/v1/agent/reports?tri=1", headers=headers).status_code == 400
    # A preflight is answered as without the parameter (the refusal is the operation's).
    plain = client.options("/api/v1/agent/reports").status_code
    assert client.options("/api/v1/agent/reports?limit=5&tri=1").status_code == plain != 400
