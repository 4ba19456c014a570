"""Each server error or wrong-format answer the fuzzers found (#20.3), as the
concrete request that showed it, answered as its protocol answers errors."""

import json

import pytest

from dansmarue.models import Report
from dansmarue.workflow import contractors
from tests.fuzz import answers
from tests.fuzz.answers import Sender

DEEP = "[" * 100_000 + "]" * 100_000
FORM = "application/x-www-form-urlencoded"


def rpc(sender: Sender, stream: str | bytes, path: str = "/rest/signalement/api"):
    raw = stream.encode("utf-8", "surrogatepass") if isinstance(stream, str) else stream
    from urllib.parse import quote_from_bytes

    return sender.send("POST", path, body=b"jsonStream=" + quote_from_bytes(raw).encode(), content_type=FORM)


# ---- the edge: query strings, paths, forms, JSON ---------------------------


def test_a_raw_non_ascii_byte_in_the_query_string_is_read_as_an_escape(sender):
    # Was: UnicodeDecodeError in werkzeug's request.args (500).
    response = sender.send("GET", "/open311/v2/services.json", query=b"\xffjurisdiction_id=paris.fr")
    assert response.status_code == 200
    answers.open311(response, "json")


def test_a_nul_in_a_path_segment_matches_no_route(sender):
    # Was: a DataError from PostgreSQL (NUL in text), answered 422 problem+json everywhere.
    for path, check in [
        ("/media/photos/ab%00cd/display", answers.problem),
        ("/open311/v2/requests/G2026%00.json", lambda r: answers.open311(r, "json")),
        ("/open311/v2/tokens/a%00b.xml", lambda r: answers.open311(r, "xml")),
        ("/rest/signalement/getAnomalieByNumber/a%00b", answers.mobile),
    ]:
        response = sender.send("GET", path)
        assert response.status_code == 404, path
        check(response)


def test_a_multipart_part_without_a_name_is_dropped(sender, api_key):
    # Was: AttributeError ('NoneType' object has no attribute 'startswith') in Open311's form schema.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="a\rb"\r\n\r\nx\r\n'
        b'--b\r\nContent-Disposition: form-data; name="service_code"\r\n\r\n1\r\n--b--\r\n'
    )
    response = sender.send(
        "POST", "/open311/v2/requests.json", body=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 403  # no api_key: the form was read
    answers.open311(response, "json")


@pytest.mark.parametrize("body", [DEEP, '{"token": NaN, "status": "rejeter"}', "[Infinity]"])
def test_deep_or_nan_json_is_invalid_json(sender, report, body):
    # Was: RecursionError in the JSON parser (500).
    response = sender.send(
        "POST",
        f"/api/v1/contractors/callback/{report.reference}",
        body=body.encode(),
        content_type="application/json",
    )
    assert response.status_code == 400
    answers.problem(response)


# ---- the error format of each protocol -------------------------------------


def test_the_apps_get_their_own_error_object_for_an_unknown_address_or_a_huge_body(sender):
    # Was: problem+json, which the apps cannot read.
    response = sender.send("GET", "/rest/signalement/getActualite/a%2Fb")
    assert response.status_code == 404
    assert answers.mobile(response, wrapped=False)["error"] == 2
    big = b"a" * (sender.limit + 1)
    for path, code in [("/rest/signalement/getDossiersCourrantsByGeomWithLimit", 2)]:
        response = sender.send("POST", path, body=big, content_type="application/json")
        assert response.status_code == 413
        assert answers.mobile(response, wrapped=False)["error"] == code


def test_a_photo_streamed_past_the_request_limit_is_error_29(sender, report):
    environ = {"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": ""}
    import io

    stream = io.BytesIO(b"\xff\xd8" + b"0" * (sender.limit + 10))
    response = sender.client.open(
        "/rest/signalement/api/photo",
        method="POST",
        input_stream=stream,
        headers={"incident-id": str(report.id), "type": "far", "udid": "udid-reporter"},
        content_type="image/jpeg",
        environ_overrides=environ,
    )
    assert response.status_code == 413
    assert answers.mobile(response, wrapped=False)["error"] == 29


def test_an_oversized_rpc_body_is_refused_without_breaking_the_rate_limiter(sender):
    # Was: "flask-limiter: Failed to rate limit. Swallowing error" (the 413 raised in exempt_when).
    response = sender.send("POST", "/rest/signalement/api", body=b"a" * (sender.limit + 1), content_type=FORM)
    assert response.status_code == 413
    assert answers.mobile(response, wrapped=False)["error"] == 2


@pytest.mark.parametrize("path", ["/dashboard/login", "/agent/login", "/dashboard/logout"])
def test_the_staff_pages_answer_a_huge_body_with_a_page(sender, path):
    # Was: 413 as problem+json on a page a person reads.
    response = sender.send("POST", path, body=b"a" * (sender.limit + 1), content_type=FORM)
    assert response.status_code == 413
    answers.page(response)


@pytest.mark.parametrize("path", ["/agent/4", "/dashboard/nothing", "/agent/r/x/y/z"])
def test_the_staff_pages_answer_an_unknown_address_with_a_page(sender, path):
    response = sender.send("GET", path)
    assert response.status_code == 404
    answers.page(response)


def test_an_open311_post_with_an_xml_body_is_refused_in_open311_xml(sender, api_key):
    # Was: read as an empty form ("service_code manquant"), whatever the XML said.
    response = sender.send(
        "POST",
        "/open311/v2/requests.xml",
        query=f"api_key={api_key}".encode(),
        body=b"<service_request><service_code>1</service_code></service_request>",
        content_type="text/xml",
    )
    assert response.status_code == 400
    root = answers.open311(response, "xml")
    assert "text/xml" in root.findtext("error/description")


# ---- values past a column's range, or not numbers at all ------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_open311_request_id_beyond_bigint_is_not_found(sender, fmt):
    # Was: "bigint out of range" (DataError, 422 problem+json).
    response = sender.send("GET", f"/open311/v2/requests/19624666566117502976.{fmt}")
    assert response.status_code == 404
    answers.open311(response, fmt)
    response = sender.send(
        "GET", f"/open311/v2/requests.{fmt}", query=b"service_request_id=99999999999999999999999"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("incident_id", ["²", "٣", "99999999999999999999", "-1", ""])
def test_a_photo_for_no_readable_incident_id_is_error_15(sender, incident_id):
    # Was: ValueError from int("²") ("²".isdigit() is True), and bigint out of range.
    response = sender.send(
        "POST",
        "/rest/signalement/api/photo",
        body=b"\xff\xd8\xff",
        content_type="image/jpeg",
        headers={"incident-id": incident_id, "type": "far", "udid": "udid-reporter"},
    )
    assert response.status_code == 400
    assert answers.mobile(response, wrapped=False)["error"] == 15


def test_a_position_beyond_any_float_is_error_7(sender, leaf):
    # Was: OverflowError from float(10**400).
    stream = json.dumps(
        [
            {
                "request": "saveIncident",
                "udid": "u",
                "position": {"latitude": 10**400, "longitude": 2.35},
                "incident": {"categoryId": str(leaf.id), "origin": "G"},
            }
        ]
    )
    body = answers.mobile(rpc(sender, stream), wrapped=True)
    assert body[0]["error"] == 7


@pytest.mark.parametrize(
    "request_",
    [
        {"request": "getIncidentPhotos", "incidentId": "99999999999999999999"},
        {"request": "getIncidentPhotos", "incidentId": "²"},
        {"request": "getReports", "udid": "a\x00"},
        {"request": "getReports", "udid": "a\ud800"},
        {"request": "incidentResolved", "incidentId": "1", "numeroMessage": "²"},
    ],
)
def test_mobile_ids_and_texts_are_read_before_any_query(sender, request_):
    # Was: bigint out of range, ValueError, NUL in a query (DataError), UnicodeEncodeError.
    answers.mobile(rpc(sender, json.dumps([request_])), wrapped=True)


def test_identitystore_reads_any_guid_as_text(sender):
    # Was: AttributeError ('float' object has no attribute 'strip').
    response = sender.send(
        "POST", "/rest/signalement/identitystore", body=b'jsonStream={"guid":5e-324}', content_type=FORM
    )
    assert answers.mobile(response, wrapped=False)["error"] == 13


# ---- secrets compared with any text ---------------------------------------


def test_a_non_ascii_csrf_token_is_refused_not_a_crash(web):
    # Was: TypeError from hmac.compare_digest on non-ASCII str.
    response = web(None).send(
        "POST",
        "/agent/login",
        body="csrf_token=é&email=a&password=b".encode(),
        content_type=FORM,
    )
    assert response.status_code == 403
    answers.page(response)


def test_a_non_ascii_tracking_token_is_refused_not_a_crash(sender, report: Report):
    response = sender.send(
        "POST",
        f"/api/v1/reports/{report.reference}/resolve",
        body=json.dumps({"token": "é\ud800"}).encode(),
        content_type="application/json",
    )
    assert response.status_code < 500
    answers.problem(response)


def test_a_non_ascii_contractor_token_is_refused_not_a_crash(sender, report: Report):
    assert contractors.secret_for(report)
    response = sender.send(
        "POST",
        f"/api/v1/contractors/callback/{report.reference}",
        body=json.dumps({"token": "\ud800é", "status": "rejeter"}).encode(),
        content_type="application/json",
    )
    # Refused at the edge (a lone surrogate is no one's token), before the comparison.
    assert response.status_code == 422
    answers.problem(response)
    assert [e["field"] for e in response.json["errors"]] == ["token"]


def test_a_photo_failing_if_match_is_a_problem_not_the_image(sender, session, report: Report):
    from workers.jobs.photos import process_photo

    photo = report.photos[0]
    process_photo(photo.id)
    session.refresh(photo)
    response = sender.send(
        "GET", f"/media/photos/{photo.access_key}/thumb", headers={"If-Match": '"not-this-one"'}
    )
    assert response.status_code == 412
    answers.problem(response)


# ---- the staff pages' filters and forms ------------------------------------


def test_a_dashboard_direction_beyond_the_column_is_refused_field_by_field(web):
    # Was: "integer out of range" (DataError) before the choices were checked.
    response = web("admin").send("GET", "/dashboard", query=b"direction=99999999999")
    assert response.status_code == 422
    answers.page(response)
    assert "direction" in response.get_data(as_text=True)


def test_an_agent_queue_category_beyond_the_column_is_reported_beside_the_filter(web):
    # Was: "integer out of range" (DataError) from the queue's query.
    response = web("agent").send("GET", "/agent/", query=b"category_id=999999999999999999999999999999")
    assert response.status_code == 200
    answers.page(response)


@pytest.mark.parametrize(
    "headers,form", [({"If-Match": "²"}, ""), ({}, "&version=²&seen_event=99999999999999999999")]
)
def test_an_unreadable_version_is_no_version(web, report, headers, form):
    # Was: ValueError from int("²") in the agent's action form.
    response = web("agent").send(
        "POST",
        f"/agent/r/{report.reference}/comment",
        body=f"csrf_token=csrf-fuzz-token&comment=Vu{form}".encode(),
        content_type=FORM,
        headers=headers,
    )
    assert response.status_code < 500
    answers.page(response)


def test_an_action_parameter_beyond_the_column_is_refused(web, report):
    response = web("admin").send(
        "POST",
        f"/agent/r/{report.reference}/reject",
        body=b"csrf_token=csrf-fuzz-token&reason_id=99999999999999999999",
        content_type=FORM,
    )
    assert response.status_code == 422
    answers.page(response)
    assert "reason_id" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path,query",
    [
        ("requests", b"end_date=0001-01-01"),
        ("requests", b"start_date=9999-12-31"),
        ("servicerequestupdates", b"end_date=0001-01-01T00:00:00%2B14:00"),
        ("requests", b"page=99999999999999999999999"),
    ],
)
def test_open311_dates_and_pages_beyond_what_a_window_can_hold_are_400(sender, path, query):
    # Was: OverflowError (end - 90 days near year 1) and "bigint out of range" (the page's offset).
    response = sender.send("GET", f"/open311/v2/{path}.json", query=query)
    assert response.status_code == 400
    answers.open311(response, "json")


@pytest.mark.parametrize(
    "request_",
    [
        {"request": "follow", "guid": "g" * 65},
        {"request": "follow", "email": "a@b.fr", "udid": "u" * 129},
        {"request": "congratulateAnomalie", "guid": "g" * 300},
        {"request": "unfollow", "guid": "g" * 65},
    ],
)
def test_follow_and_congratulate_keep_to_the_intakes_lengths(sender, report, request_):
    # Was: "value too long for type character varying(64/128/254)" (DataError).
    body = answers.mobile(rpc(sender, json.dumps([{**request_, "incidentId": report.id}])), wrapped=True)
    assert body[0]["error"] in (3, 13)


def test_a_congratulation_by_the_longest_address_is_counted_once(sender, report):
    # "email:" + 254 characters is longer than the person_key column: kept as a digest.
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 61
    assert len(email) == 254
    request_ = {"request": "congratulateAnomalie", "incidentId": report.id, "email": email}
    for _ in range(2):
        body = answers.mobile(rpc(sender, json.dumps([request_])), wrapped=True)
        assert body[0]["answer"]["status"] == 0
    assert sender.send("GET", f"/api/v1/reports/{report.reference}").get_json()["congratulations"] == 1
