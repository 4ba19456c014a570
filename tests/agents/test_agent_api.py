"""The agents' API: work queue, report view with ETag, actions with If-Match."""

import uuid
from datetime import timedelta

from dansmarue.models import Follower, ReportEvent, utcnow
from dansmarue.sla.sweep import sweep
from tests.agents.conftest import GRID, bearer, make_report


def _act(client, people, report, action, body=None, who="agent", version=None):
    headers = bearer(people, who)
    headers["If-Match"] = f'"{report.version if version is None else version}"'
    return client.post(
        f"/api/v1/agent/reports/{report.reference}/actions/{action}", json=body or {}, headers=headers
    )


def test_queue_is_scoped_sorted_by_due_date_and_paginated(client, people, session):
    # A marker in the text keeps the test to its own reports, whatever else the database holds.
    mark = f"marqueur-{uuid.uuid4().hex[:8]}"
    now = utcnow()
    mine = [make_report(due_at=now + timedelta(days=d), description=mark) for d in (3, 1, 2)]
    undated = make_report(description=mark)
    other = make_report(category_id=GRID, description=mark)
    seen, cursor = [], None
    while True:
        url = f"/api/v1/agent/reports?limit=2&q={mark}" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=bearer(people, "agent")).json
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    expected = [r.reference for r in sorted(mine, key=lambda r: r.due_at)] + [undated.reference]
    assert seen == expected
    assert other.reference not in seen
    voirie = client.get(f"/api/v1/agent/reports?q={mark}", headers=bearer(people, "other_agent")).json
    assert [i["reference"] for i in voirie["items"]] == [other.reference]
    admin = client.get(f"/api/v1/agent/reports?limit=200&q={mark}", headers=bearer(people, "admin")).json
    assert {i["reference"] for i in admin["items"]} == {r.reference for r in [*mine, undated, other]}


def test_queue_filters(client, people, session):
    mark = f"marqueur-{uuid.uuid4().hex[:8]}"
    now = utcnow()
    late = make_report(due_at=now - timedelta(hours=2), description=f"Tas de feuilles {mark}")
    soon = make_report(state="to_process", due_at=now + timedelta(days=1), description=mark)
    later = make_report(state="scheduled", due_at=now + timedelta(days=10), description=mark)
    headers = bearer(people, "agent")

    def refs(query):
        response = client.get(f"/api/v1/agent/reports?{query}&q={mark}", headers=headers)
        assert response.status_code == 200, response.json
        return [i["reference"] for i in response.json["items"]]

    sweep()  # "overdue" is the sweep's mark, the same on every screen
    assert refs("overdue=true") == [late.reference]
    assert late.reference not in refs("overdue=false")
    assert refs("state=to_process&state=scheduled") == [soon.reference, later.reference]
    before = (now + timedelta(days=2)).isoformat().replace("+00:00", "Z")
    assert refs(f"due_before={before}") == [late.reference, soon.reference]
    assert refs("district=4&category_id=17") == [late.reference, soon.reference, later.reference]
    assert refs("district=12") == []
    by_text = client.get("/api/v1/agent/reports?q=feuilles", headers=headers).json
    assert late.reference in [i["reference"] for i in by_text["items"]]
    by_ref = client.get(f"/api/v1/agent/reports?q={later.reference.lower()}", headers=headers).json
    assert [i["reference"] for i in by_ref["items"]] == [later.reference]
    bad = client.get("/api/v1/agent/reports?state=bogus&cursor=zzz", headers=headers)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} >= {"state.0"}


def test_geojson_for_the_map(client, people, session):
    report = make_report()
    response = client.get(
        "/api/v1/agent/reports", headers={**bearer(people, "agent"), "Accept": "application/geo+json"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = next(f for f in response.json["features"] if f["id"] == report.reference)
    assert feature["geometry"]["coordinates"] == [2.3522, 48.8566]


def test_report_view_has_etag_and_full_history(client, people, session):
    report = make_report(reporter_email="habitant@example.org")
    response = client.get(f"/api/v1/agent/reports/{report.reference}", headers=bearer(people, "agent"))
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{report.version}"'
    body = response.json
    assert body["reporter"]["email"] == "habitant@example.org"
    assert "take_charge" in body["allowed_actions"] and "archive" not in body["allowed_actions"]


def test_report_view_dates_are_iso_8601_like_every_other_date(client, people, session):
    from datetime import datetime

    report = make_report()
    perform_done = client.post(
        f"/api/v1/agent/reports/{report.reference}/actions/take_charge",
        json={},
        headers={**bearer(people, "agent"), "If-Match": f'"{report.version}"'},
    )
    assert perform_done.status_code == 200, perform_done.json
    body = client.get(f"/api/v1/agent/reports/{report.reference}", headers=bearer(people, "agent")).json
    assert body["events"], body
    for event in body["events"]:
        assert datetime.fromisoformat(event["created_at"]).tzinfo is not None, event


def test_action_flow_with_if_match(client, people, session):
    report = make_report()
    missing = client.post(
        f"/api/v1/agent/reports/{report.reference}/actions/take_charge",
        json={},
        headers=bearer(people, "agent"),
    )
    assert missing.status_code == 428
    taken = _act(client, people, report, "take_charge", {"comment": "vu sur place"})
    assert taken.status_code == 200, taken.json
    assert taken.json["state"] == "to_process"
    assert taken.headers["ETag"] == f'"{taken.json["version"]}"'
    stale = _act(client, people, report, "to_field", version=taken.json["version"] - 1)
    assert stale.status_code == 412
    wrong = _act(client, people, report, "reschedule", {"date": "2099-01-01"}, version=taken.json["version"])
    assert wrong.status_code == 409
    assert "schedule" in wrong.json["allowed"] and wrong.json["state"] == "to_process"
    past = _act(client, people, report, "schedule", {"date": "2020-01-01"}, version=taken.json["version"])
    assert past.status_code == 422 and past.json["errors"][0]["field"] == "date"
    extra = _act(
        client,
        people,
        report,
        "schedule",
        {"date": "2099-01-01", "reason": "x"},
        version=taken.json["version"],
    )
    assert extra.status_code == 422 and extra.json["errors"][0]["field"] == "reason"
    done = _act(client, people, report, "schedule", {"date": "2099-01-01"}, version=taken.json["version"])
    assert done.status_code == 200 and done.json["scheduled_for"] == "2099-01-01"
    events = session.query(ReportEvent).filter_by(report_id=report.id).order_by(ReportEvent.id)
    assert [(e.action, e.actor_label, e.is_public) for e in events] == [
        ("take_charge", "Agent Propreté", True),
        ("schedule", "Agent Propreté", True),
    ]
    public = done.json["history"]
    assert public[-1]["message"] == "Une intervention est programmée le 01/01/2099."


def test_unknown_action_is_404_and_closed_report_lists_nothing(client, people, session):
    report = make_report(state="done")
    assert _act(client, people, report, "fly").status_code == 404
    refused = _act(client, people, report, "take_charge")
    assert refused.status_code == 409 and refused.json["allowed"] == []


def test_done_with_catalogue_message_and_photo(client, people, session):
    import base64

    from tests.media.factories import encode, scene

    report = make_report()
    messages = client.get(
        f"/api/v1/agent/reports/{report.reference}/done-messages", headers=bearer(people, "agent")
    ).json
    assert messages and all(m["category_id"] in (None, 2, 17) for m in messages)
    chosen = messages[0]
    photo = base64.b64encode(encode(scene(1))).decode()
    response = _act(client, people, report, "done", {"message_id": chosen["id"], "photo": photo})
    assert response.status_code == 200, response.json
    assert response.json["history"][-1]["message"] == chosen["message"]
    assert [p["view"] for p in response.json["photos"]] == ["done"]


def test_multipart_done_keeps_the_photo_and_the_message(client, people, session):
    """#19.4: the multipart form is read (photo as a file part), not answered 200 empty."""
    import io

    from tests.media.factories import encode, scene

    report = make_report()
    chosen = client.get(
        f"/api/v1/agent/reports/{report.reference}/done-messages", headers=bearer(people, "agent")
    ).json[0]
    headers = {**bearer(people, "agent"), "If-Match": f'"{report.version}"'}
    response = client.post(
        f"/api/v1/agent/reports/{report.reference}/actions/done",
        headers=headers,
        data={"message_id": str(chosen["id"]), "photo": (io.BytesIO(encode(scene(2))), "fait.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    assert response.json["history"][-1]["message"] == chosen["message"]
    assert [p["view"] for p in response.json["photos"]] == ["done"]
    stray = client.post(
        f"/api/v1/agent/reports/{make_report().reference}/actions/done",
        headers=headers,
        data={"image": (io.BytesIO(b"x"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert stray.status_code == 422  # an unknown file part is refused, not dropped


def test_a_body_format_the_route_does_not_read_is_refused(client, people, session):
    report = make_report()
    headers = {**bearer(people, "agent"), "If-Match": f'"{report.version}"'}
    url = f"/api/v1/agent/reports/{report.reference}/actions/take_charge"
    as_text = client.post(url, headers=headers, data="comment=x", content_type="text/plain")
    assert as_text.status_code == 415 and "application/json" in as_text.json["detail"]
    as_form = client.post("/api/v1/auth/login", data={"email": "a@b.c", "password": "x"})
    assert as_form.status_code == 415
    assert client.get(f"/api/v1/reports/{report.reference}").status_code == 200


def test_reject_with_reason_from_catalogue(client, people, session):
    report = make_report()
    reasons = client.get("/api/v1/agent/rejection-reasons", headers=bearer(people, "agent")).json
    response = _act(client, people, report, "reject", {"reason_id": reasons[1]["id"]})
    assert response.status_code == 200
    assert response.json["state"] == "rejected"
    assert reasons[1]["label"] in response.json["history"][-1]["message"]
    assert response.json["closed_at"]  # set by the SLA clock on entering a closed state
    none = _act(client, people, make_report(), "reject", {})
    assert none.status_code == 422


def test_mark_duplicate_moves_followers(client, people, session):
    original = make_report(reporter_email="a@example.org")
    duplicate = make_report(reporter_email="b@example.org")
    session.add_all(
        [
            Follower(report_id=duplicate.id, email="c@example.org"),
            Follower(report_id=duplicate.id, email="a@example.org"),
        ]
    )
    duplicate.followers_count = 2
    session.flush()
    response = _act(client, people, duplicate, "mark_duplicate", {"duplicate_of": original.reference})
    assert response.status_code == 200, response.json
    assert response.json["duplicate_of"] == original.reference
    assert response.json["state"] == "done"
    emails = {f.email for f in session.query(Follower).filter_by(report_id=original.id)}
    assert emails == {"b@example.org", "c@example.org"}
    session.refresh(original)
    assert original.followers_count == 2
    self_dup = _act(client, people, original, "mark_duplicate", {"duplicate_of": original.reference})
    assert self_dup.status_code == 422


def test_typed_texts_with_braces_are_kept_verbatim(client, people, session):
    report = make_report()
    done = _act(client, people, report, "done", {"message": "Réparé {vite} 100%"})
    assert done.status_code == 200
    assert done.json["history"][-1]["message"] == "Réparé {vite} 100%"
    other = make_report()
    rejected = _act(client, people, other, "reject", {"reason": "Voir {dossier}"})
    assert rejected.json["history"][-1]["message"].endswith("Voir {dossier}")
