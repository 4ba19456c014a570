"""Public view, tracking view, duplicates, map search, follow, congratulate, me."""

import json
from datetime import timedelta

from sqlalchemy import select, update

from dansmarue.models import Category, Report, ReportEvent, utcnow
from dansmarue.workflow import history
from tests.residents.conftest import ROQUETTE, body, category_where
from tests.workers.conftest import smtp  # noqa: F401

# ~ metres per degree of latitude; a few metres north of the Roquette point.
NORTH = 1 / 111_320


def post(client, category, **overrides):
    response = client.post("/api/v1/reports", json=body(category, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def north(metres: float) -> dict:
    return {"latitude": ROQUETTE["latitude"] + metres * NORTH, "longitude": ROQUETTE["longitude"]}


def test_public_view_hides_reporter_and_private_history(client, session, graffiti):
    data = post(client, graffiti, email="secret@example.org", guid="guid-secret", udid="device-secret")
    report = session.scalar(select(Report).where(Report.reference == data["reference"]))
    history.record(report, "note", comment="interne, ne pas publier")
    session.flush()
    response = client.get(f"/api/v1/reports/{data['reference']}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for secret in ("secret@example.org", "guid-secret", "device-secret", "interne", data["token"]):
        assert secret not in text
    view = response.json
    assert view["state"] == "Reçu" and view["district"]["id"] == 11
    assert abs(view["latitude"] - ROQUETTE["latitude"]) < 1e-9
    assert [h["action"] for h in view["history"]] == ["creation"]
    assert view["category"]["parent"]["label"]


def test_tracking_view_by_token(client, session, graffiti):
    data = post(client, graffiti, email="me@example.org")
    view = client.get(f"/api/v1/track/{data['token']}").json
    assert view["reference"] == data["reference"]
    assert view["reporter"]["email"] == "me@example.org"
    assert view["history"][0]["state"] == "Reçu"
    assert client.get("/api/v1/track/" + "0" * 32).status_code == 404
    assert client.get("/api/v1/reports/S2099A000001").status_code == 404


def test_possible_duplicates_same_category_within_50m_newest_first(client, session, graffiti):
    other = category_where(
        session,
        Category.is_leaf,
        Category.agent_only.is_(False),
        Category.out_of_scope.is_(False),
        Category.id != graffiti.id,
    )
    first = post(client, graffiti, **north(10))
    second = post(client, graffiti, **north(-20))
    post(client, graffiti, **north(80))  # too far
    post(client, other, **north(5))  # another category
    closed = post(client, graffiti, **north(3))
    session.execute(update(Report).where(Report.reference == closed["reference"]).values(state="done"))
    answer = post(client, graffiti)
    refs = [d["reference"] for d in answer["possible_duplicates"]]
    assert refs == [second["reference"], first["reference"]]
    assert all(d["distance_m"] <= 50 for d in answer["possible_duplicates"])
    assert "reporter_email" not in json.dumps(answer["possible_duplicates"])


def test_duplicates_before_filing(client, session, graffiti):
    first = post(client, graffiti, **north(20))
    lat, lon = ROQUETTE["latitude"], ROQUETTE["longitude"]
    found = client.get(f"/api/v1/reports/duplicates?category={graffiti.id}&near={lat},{lon}")
    assert found.status_code == 200
    assert [d["reference"] for d in found.json["items"]] == [first["reference"]]
    assert 15 < found.json["items"][0]["distance_m"] < 25
    assert client.get("/api/v1/reports/duplicates?near=1,2").status_code == 422


def test_at_most_five_duplicates(client, session, graffiti):
    for i in range(7):
        post(client, graffiti, **north(i))
    assert len(post(client, graffiti)["possible_duplicates"]) == 5


def test_near_search_sorted_by_distance_with_radius(client, session, graffiti):
    far = post(client, graffiti, **north(90))
    near = post(client, graffiti, **north(30))
    outside = post(client, graffiti, **north(150))
    lat, lon = ROQUETTE["latitude"], ROQUETTE["longitude"]
    items = client.get(f"/api/v1/reports?near={lat},{lon}").json["items"]
    refs = [i["reference"] for i in items]
    assert refs.index(near["reference"]) < refs.index(far["reference"])
    assert outside["reference"] not in refs
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    wider = client.get(f"/api/v1/reports?near={lat},{lon}&radius=200").json["items"]
    assert outside["reference"] in [i["reference"] for i in wider]
    assert client.get(f"/api/v1/reports?near={lat},{lon}&radius=1001").status_code == 422


def test_search_filters_public_states_age_and_category(client, session, graffiti):
    other = category_where(
        session,
        Category.is_leaf,
        Category.agent_only.is_(False),
        Category.out_of_scope.is_(False),
        Category.public_max_age_days == 30,
    )
    hidden = post(client, graffiti, **north(1))
    session.execute(update(Report).where(Report.reference == hidden["reference"]).values(state="under_watch"))
    old_graffiti = post(client, graffiti, **north(2))  # 90-day cut-off
    old_other = post(client, other, **north(3))  # 30-day cut-off
    for ref in (old_graffiti["reference"], old_other["reference"]):
        session.execute(
            update(Report).where(Report.reference == ref).values(created_at=utcnow() - timedelta(days=40))
        )
    lat, lon = ROQUETTE["latitude"], ROQUETTE["longitude"]
    refs = {i["reference"] for i in client.get(f"/api/v1/reports?near={lat},{lon}&radius=50").json["items"]}
    assert old_graffiti["reference"] in refs
    assert old_other["reference"] not in refs
    assert hidden["reference"] not in refs
    only = client.get(f"/api/v1/reports?near={lat},{lon}&category={other.id}").json["items"]
    assert all(i["category"]["id"] == other.id for i in only)
    by_state = client.get(f"/api/v1/reports?near={lat},{lon}&state=Ouvert").json["items"]
    assert by_state == []
    assert client.get(f"/api/v1/reports?near={lat},{lon}&state=Sous surveillance").status_code == 422
    since = (utcnow() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    recent = {
        i["reference"] for i in client.get(f"/api/v1/reports?near={lat},{lon}&since={since}").json["items"]
    }
    assert old_graffiti["reference"] not in recent


def test_bbox_search_and_geojson(client, session, graffiti):
    data = post(client, graffiti)
    lat, lon = ROQUETTE["latitude"], ROQUETTE["longitude"]
    box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    response = client.get(f"/api/v1/reports?bbox={box}", headers={"Accept": "application/geo+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.json
    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["id"] == data["reference"])
    assert feature["geometry"]["coordinates"] == [lon, lat]
    assert client.get("/api/v1/reports?bbox=1,2,3").status_code == 422
    assert client.get("/api/v1/reports?bbox=3,2,1,4").status_code == 422
    assert client.get("/api/v1/reports").status_code == 422


def test_cursor_pagination_walks_every_report_once(client, session, graffiti):
    made = {post(client, graffiti, **north(i * 3))["reference"] for i in range(7)}
    lat, lon = ROQUETTE["latitude"], ROQUETTE["longitude"]
    for mode in (f"near={lat},{lon}&radius=40", f"bbox={lon-0.01},{lat-0.01},{lon+0.01},{lat+0.01}"):
        seen, cursor = [], None
        while True:
            url = f"/api/v1/reports?{mode}&limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = client.get(url).json
            seen += [i["reference"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert made <= set(seen) and len(seen) == len(set(seen))
    assert client.get(f"/api/v1/reports?near={lat},{lon}&cursor=garbage").status_code == 422


def test_follow_unfollow_keeps_count(client, session, graffiti):
    ref = post(client, graffiti)["reference"]
    url = f"/api/v1/reports/{ref}/followers"
    first = client.post(url, json={"guid": "g-1"})
    assert first.status_code == 201 and first.json["followers"] == 1
    again = client.post(url, json={"guid": "g-1"})
    assert again.status_code == 200 and again.json["followers"] == 1
    assert client.post(url, json={"email": "Bob@Example.org"}).json["followers"] == 2
    assert client.post(url, json={"email": "bob@example.org"}).json["followers"] == 2
    assert client.post(url, json={}).status_code == 422
    assert client.post(url, json={"guid": "x", "extra": 1}).status_code == 422
    assert client.delete(f"{url}?guid=g-1").json["followers"] == 1
    assert client.delete(f"{url}?guid=g-1").json["followers"] == 1
    report = session.scalar(select(Report).where(Report.reference == ref))
    session.refresh(report)
    assert report.followers_count == 1


def test_an_address_alone_unfollows_nobody(client, session, graffiti, smtp):
    """Anyone may know Bob's address: only Bob signed in (or his mail link) stops his follow."""
    from tests.residents.test_resident_sign_in import sign_in

    ref = post(client, graffiti)["reference"]
    url = f"/api/v1/reports/{ref}/followers"
    assert client.post(url, json={"email": "bob@example.org"}).json["followers"] == 1
    refused = client.delete(f"{url}?email=bob@example.org")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert "Connectez-vous" in refused.json["detail"]
    assert client.post(url, json={"email": "bob@example.org"}).json["followers"] == 1
    alice = sign_in(client, session, smtp, "alice@example.org")
    other = client.delete(f"{url}?email=bob@example.org", headers={"Authorization": f"Bearer {alice}"})
    assert other.status_code == 403
    bob = sign_in(client, session, smtp, "bob@example.org")
    done = client.delete(f"{url}?email=bob@example.org", headers={"Authorization": f"Bearer {bob}"})
    assert done.status_code == 200 and done.json["followers"] == 0


def test_closed_report_cannot_be_followed(client, session, graffiti):
    ref = post(client, graffiti)["reference"]
    session.execute(update(Report).where(Report.reference == ref).values(state="done"))
    response = client.post(f"/api/v1/reports/{ref}/followers", json={"guid": "g"})
    assert response.status_code == 409


def test_congratulate_once_per_person(client, session, graffiti):
    ref = post(client, graffiti)["reference"]
    url = f"/api/v1/reports/{ref}/congratulations"
    assert client.post(url, json={"guid": "a"}).status_code == 201
    assert client.post(url, json={"guid": "a"}).json["congratulations"] == 1
    assert client.post(url, json={"email": "A@x.org"}).json["congratulations"] == 2
    assert client.post(url, json={"email": "a@x.org"}).status_code == 200
    assert client.post(url, json={"udid": "phone"}).json["congratulations"] == 3
    assert client.get(f"/api/v1/reports/{ref}").json["congratulations"] == 3


def test_my_reports_and_my_follows(client, session, graffiti):
    mine = post(client, graffiti, guid="me-guid", email="me@example.org")["reference"]
    other = post(client, graffiti, **north(20))["reference"]
    client.post(f"/api/v1/reports/{other}/followers", json={"guid": "me-guid"})
    reports = client.get("/api/v1/me/reports?guid=me-guid").json["items"]
    assert [r["reference"] for r in reports] == [mine]
    # A bare address proves nothing (#19.2, tests/residents/test_resident_sign_in.py).
    assert client.get("/api/v1/me/reports?email=ME@example.org").status_code == 401
    # The reporter's account follows its own report, as in the real system.
    follows = client.get("/api/v1/me/follows?guid=me-guid").json["items"]
    assert [r["reference"] for r in follows] == [other, mine]
    assert client.get(f"/api/v1/reports/{mine}").json["followers"] == 1
    again = client.post(f"/api/v1/reports/{mine}/followers", json={"guid": "me-guid"})
    assert again.status_code == 200 and again.json["followers"] == 1
    assert client.get("/api/v1/me/reports").status_code == 401


def test_categories_tree_version_and_etag(client, session):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    tree = response.json
    etag = response.headers["ETag"]
    assert str(tree["version"]) in etag

    def walk(nodes):
        for node in nodes:
            yield node
            yield from walk(node.get("children", []))

    nodes = list(walk(tree["categories"]))
    agent_ids = set(session.scalars(select(Category.id).where(Category.agent_only)))
    assert nodes and not agent_ids & {n["id"] for n in nodes}
    assert any(n["reportable"] for n in nodes)
    assert client.get("/api/v1/categories", headers={"If-None-Match": etag}).status_code == 304
    category = session.scalar(select(Category).where(Category.is_leaf))
    category.label = category.label + " (modifié)"
    session.flush()
    changed = client.get("/api/v1/categories", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_history_shows_public_messages_only(client, session, graffiti):
    ref = post(client, graffiti)["reference"]
    report = session.scalar(select(Report).where(Report.reference == ref))
    history.change_state(
        report,
        "to_process",
        "qualify",
        actor_label="Agent",
        comment="note interne",
        public_message="Votre demande est prise en charge.",
    )
    session.flush()
    entries = client.get(f"/api/v1/reports/{ref}").json["history"]
    assert entries[-1] == {**entries[-1], "state": "Ouvert", "message": "Votre demande est prise en charge."}
    assert "note interne" not in json.dumps(entries)
    assert (
        session.scalar(
            select(ReportEvent.comment).where(
                ReportEvent.report_id == report.id, ReportEvent.action == "qualify"
            )
        )
        == "note interne"
    )


def test_openapi_documents_both_intake_bodies(client, session):
    spec = client.get("/api/openapi.json").json
    body = spec["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    multipart = spec["components"]["schemas"]["ReportMultipart"]["properties"]
    assert {"close", "far", "extra", "category_id"} <= set(multipart)
    for path in (
        "/api/v1/reports/{reference}",
        "/api/v1/track/{token}",
        "/api/v1/categories",
        "/api/v1/me/reports",
        "/api/v1/me/follows",
        "/api/v1/reports/duplicates",
    ):
        assert path in spec["paths"]
