"""Open311 GET requests, requests/{id}, tokens and servicerequestupdates."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from dansmarue.workflow import history
from tests.interop.open311_client import assert_errors_json, assert_errors_xml, get, w3c

REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def _by_id(body, reference):
    return next(item for item in body if item["service_request_id"] == reference)


def _close(session, report, when=None):
    history.change_state(report, "done", "service_done", public_message="C'est réparé.")
    report.closed_at = report.resolved_at = when or datetime.now(UTC)
    session.flush()


def test_requests_json_shapes_and_types(client, make_report, leaf):
    report = make_report()
    response, body = get(client, "requests", "json")
    assert response.status_code == 200
    item = _by_id(body, report.reference)
    assert set(item) == REQUEST_KEYS
    assert isinstance(item["service_request_id"], str)
    assert item["service_code"] == str(leaf.id)
    assert item["service_name"] == leaf.label
    assert item["status"] == "open"
    assert isinstance(item["lat"], float) and isinstance(item["long"], float)
    assert item["lat"] == pytest.approx(48.856613) and item["long"] == pytest.approx(2.352222)
    assert item["zipcode"] == "75004"
    assert w3c(item["requested_datetime"]) <= w3c(item["updated_datetime"]) + timedelta(seconds=1)
    assert item["description"] == "Tag sur la façade"
    assert "resident@example.org" not in response.get_data(as_text=True)
    assert "guid-reporter" not in response.get_data(as_text=True)


def test_requests_xml(client, make_report):
    report = make_report()
    response, root = get(client, "requests", "xml")
    assert response.status_code == 200
    assert root.tag == "service_requests"
    item = next(r for r in root.findall("request") if r.findtext("service_request_id") == report.reference)
    assert {child.tag for child in item} == REQUEST_KEYS
    assert item.findtext("status") == "open"
    assert float(item.findtext("lat")) == pytest.approx(48.856613)
    w3c(item.findtext("requested_datetime"))


def test_closed_status_and_updated_datetime_is_the_close_time(client, session, make_report):
    report = make_report()
    closed_at = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    _close(session, report, closed_at)
    _, body = get(client, f"requests/{report.reference}", "json")
    [item] = body
    assert item["status"] == "closed"
    assert w3c(item["updated_datetime"]) == closed_at
    assert item["status_notes"] == "C'est réparé."


def test_status_filter(client, session, make_report):
    still_open, closed = make_report(), make_report()
    _close(session, closed)
    _, open_body = get(client, "requests", "json", status="open")
    _, closed_body = get(client, "requests", "json", status="closed")
    _, both = get(client, "requests", "json", status="open,closed")
    open_ids = {i["service_request_id"] for i in open_body}
    closed_ids = {i["service_request_id"] for i in closed_body}
    assert still_open.reference in open_ids and closed.reference not in open_ids
    assert closed.reference in closed_ids and still_open.reference not in closed_ids
    assert {still_open.reference, closed.reference} <= {i["service_request_id"] for i in both}
    _, repeated = get(client, "requests", "json", status=["open", "closed"])
    assert {i["service_request_id"] for i in repeated} == {i["service_request_id"] for i in both}


def test_bad_status_is_400(client):
    response, body = get(client, "requests", "json", status="pending")
    assert response.status_code == 400
    assert_errors_json(body, 400)


def test_service_request_id_list_overrides_other_filters(client, make_report):
    first, second, third = make_report(), make_report(), make_report()
    _, body = get(
        client,
        "requests",
        "json",
        service_request_id=f"{first.reference},{second.id}",
        status="closed",
        service_code="1",
    )
    assert {i["service_request_id"] for i in body} == {first.reference, second.reference}
    assert third.reference not in {i["service_request_id"] for i in body}


def test_service_code_filter(client, make_report, leaf):
    report = make_report()
    _, mine = get(client, "requests", "json", service_code=str(leaf.id))
    _, other = get(client, "requests", "json", service_code="999999")
    assert report.reference in {i["service_request_id"] for i in mine}
    assert all(i["service_code"] == str(leaf.id) for i in mine)
    assert other == []


def test_default_window_is_90_days_and_dates_filter_it(client, session, make_report):
    recent, old = make_report(), make_report()
    old.created_at = datetime.now(UTC) - timedelta(days=120)
    session.flush()
    session.expire_all()
    _, default = get(client, "requests", "json")
    ids = {i["service_request_id"] for i in default}
    assert recent.reference in ids and old.reference not in ids
    start = (old.created_at - timedelta(days=1)).isoformat()
    end = (old.created_at + timedelta(days=1)).isoformat()
    _, window = get(client, "requests", "json", start_date=start, end_date=end)
    assert [i["service_request_id"] for i in window] == [old.reference]
    # A date without zone is read as Paris time; Z is UTC.
    _, zulu = get(
        client,
        "requests",
        "json",
        start_date=(old.created_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert old.reference in {i["service_request_id"] for i in zulu}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
        {"start_date": "2024-06-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
        {"start_date": "hier"},
    ],
)
def test_bad_windows_are_400(client, params):
    for fmt in ("json", "xml"):
        response, body = get(client, "requests", fmt, **params)
        assert response.status_code == 400
        (assert_errors_json if fmt == "json" else assert_errors_xml)(body, 400)


def test_empty_parameters_count_as_absent(client, make_report):
    report = make_report()
    _, body = get(client, "requests", "json", start_date="", status="", service_code="", jurisdiction_id="")
    assert report.reference in {i["service_request_id"] for i in body}


def test_page_and_page_size(client, make_report):
    made = [make_report() for _ in range(3)]
    _, first = get(client, "requests", "json", page_size=2, page=1)
    _, second = get(client, "requests", "json", page_size=2, page=2)
    assert len(first) == 2
    seen = [i["service_request_id"] for i in first + second]
    assert len(seen) == len(set(seen))
    assert {r.reference for r in made} <= set(seen) | {
        i["service_request_id"] for i in get(client, "requests", "json")[1]
    }
    response, _ = get(client, "requests", "json", page_size=1001)
    assert response.status_code == 400


def test_updated_after_and_before(client, session, make_report):
    untouched, changed = make_report(), make_report()
    long_ago = datetime.now(UTC) - timedelta(days=200)
    session.execute(
        text("UPDATE report SET created_at = :t, updated_at = :t " "WHERE id IN (:a, :b)"),
        {"t": long_ago, "a": untouched.id, "b": changed.id},
    )
    session.execute(text("UPDATE report SET updated_at = now() WHERE id = :b"), {"b": changed.id})
    session.expire_all()
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    _, body = get(client, "requests", "json", updated_after=since)
    ids = {i["service_request_id"] for i in body}
    assert changed.reference in ids and untouched.reference not in ids
    _, before = get(
        client,
        "requests",
        "json",
        updated_before=since,
        updated_after=(long_ago - timedelta(days=1)).isoformat(),
    )
    ids = {i["service_request_id"] for i in before}
    assert untouched.reference in ids and changed.reference not in ids


def test_single_request_json_xml_and_numeric_id(client, make_report):
    report = make_report()
    response, body = get(client, f"requests/{report.reference}", "json")
    assert response.status_code == 200 and isinstance(body, list) and len(body) == 1
    _, by_number = get(client, f"requests/{report.id}", "json")
    assert by_number[0]["service_request_id"] == report.reference
    response, root = get(client, f"requests/{report.reference}", "xml")
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [report.reference]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(client, fmt):
    response, body = get(client, "requests/Z2026A999999", fmt)
    assert response.status_code == 404
    (assert_errors_json if fmt == "json" else assert_errors_xml)(body, 404)


def test_extensions_add_finer_state_and_notes(client, session, make_report):
    report = make_report()
    history.change_state(report, "to_process", "qualify", public_message="Pris en charge.")
    session.flush()
    _, plain = get(client, f"requests/{report.reference}", "json")
    assert "extended_attributes" not in plain[0] and "notes" not in plain[0]
    _, body = get(client, f"requests/{report.reference}", "json", extensions="true")
    item = body[0]
    extra = item["extended_attributes"]
    assert extra["state"] == "to_process" and extra["state_id"] == 8
    assert extra["status"] == "IN_PROGRESS" and extra["state_label"] == "Ouvert"
    assert extra["channel"] == "Android" and isinstance(extra["followers"], int)
    assert [n["type"] for n in item["notes"]] == ["creation", "qualify"]
    assert item["notes"][-1]["description"] == "Pris en charge."
    for note in item["notes"]:
        w3c(note["datetime"])
    _, root = get(client, f"requests/{report.reference}", "xml", extensions="true")
    notes = root.findall("request/notes/note")
    assert [n.findtext("type") for n in notes] == ["creation", "qualify"]
    assert root.findtext("request/extended_attributes/state") == "to_process"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens(client, make_report, fmt):
    report = make_report()
    response, body = get(client, f"tokens/{report.token}", fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert body == [{"service_request_id": report.reference, "token": report.token}]
    else:
        assert body.tag == "service_requests"
        assert body.findtext("request/service_request_id") == report.reference
        assert body.findtext("request/token") == report.token
    response, errors = get(client, "tokens/0000", fmt)
    assert response.status_code == 404


def test_servicerequestupdates_json_and_xml(client, session, make_report):
    report = make_report()
    _close(session, report)
    response, body = get(client, "servicerequestupdates", "json")
    assert response.status_code == 200
    mine = [u for u in body if u["service_request_id"] == report.reference]
    assert [u["status"] for u in mine] == ["OPEN", "FIXED"]
    update = mine[-1]
    assert set(update) == {
        "update_id",
        "service_request_id",
        "status",
        "external_status_code",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert isinstance(update["update_id"], str)
    assert update["description"] == "C'est réparé."
    w3c(update["updated_datetime"])
    response, root = get(client, "servicerequestupdates", "xml")
    assert root.tag == "service_request_updates"
    assert any(u.findtext("service_request_id") == report.reference for u in root.findall("request_update"))


def test_servicerequestupdates_window(client, session, make_report):
    report = make_report()
    _, body = get(
        client,
        "servicerequestupdates",
        "json",
        start_date="2020-01-01T00:00:00Z",
        end_date="2020-02-01T00:00:00Z",
    )
    assert report.reference not in {u["service_request_id"] for u in body}
    response, errors = get(
        client,
        "servicerequestupdates",
        "json",
        start_date="2020-01-01T00:00:00Z",
        end_date="2021-01-01T00:00:00Z",
    )
    assert response.status_code == 400
    assert_errors_json(errors, 400)


def test_text_with_markup_and_control_characters_stays_valid_xml(client, make_report):
    report = make_report(description="<b>Tag</b> & \x01bell\x0b « guillemets »")
    _, root = get(client, f"requests/{report.reference}", "xml")
    assert root.findtext("request/description") == "<b>Tag</b> & bell « guillemets »"
    _, body = get(client, f"requests/{report.reference}", "json")
    assert body[0]["description"] == "<b>Tag</b> & \x01bell\x0b « guillemets »"


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (
        "discovery",
        "services",
        "services/{code}",
        "requests",
        "requests/{request_id}",
        "tokens/{token}",
        "servicerequestupdates",
    ):
        assert f"/open311/v2/{path}.{{fmt}}" in paths
    assert "/rest/signalement/api" in paths and "/rest/signalement/api/photo" in paths


def test_every_state_names_its_open311_status_in_one_place(client, session, make_report, monkeypatch):
    """The status comes from the State row: a state the serializer has never heard
    of cannot make Open311 answer 500 (a KeyError in a second map, once)."""
    from dataclasses import replace

    from dansmarue.workflow import states

    report = make_report()
    history.change_state(report, "to_process", "qualify")
    session.flush()
    monkeypatch.setitem(
        states.STATES, "to_process", replace(states.STATES["to_process"], open311_status="INVESTIGATING")
    )
    response, body = get(client, f"requests/{report.reference}", "json", extensions="true")
    assert body[0]["extended_attributes"]["status"] == "INVESTIGATING"
    assert all(state.open311_status for state in states.STATES.values())
