"""Open311 POST requests: api_key, location, attributes, media, errors."""

import pytest
from sqlalchemy import func, select

from dansmarue.models import ApiClient, OutboxJob, Photo, Report
from tests.interop.conftest import HOTEL_DE_VILLE, jpeg_bytes
from tests.interop.open311_client import assert_errors_json, assert_errors_xml, get, post


def _form(api_key, leaf, **extra):
    data = {
        "api_key": api_key,
        "service_code": str(leaf.id),
        "lat": str(HOTEL_DE_VILLE[0]),
        "long": str(HOTEL_DE_VILLE[1]),
        "description": "Dépôt sauvage devant le 3",
        "email": "Someone@Example.org",
        "device_id": "device-1",
        "account_id": "acc-1",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "address_string": "3 rue de Rivoli",
    }
    data.update(extra)
    return data


def _count(session):
    return session.scalar(select(func.count(Report.id)))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_request(client, session, api_key, leaf, fmt):
    attributes = {"attribute[priority]": "1", "attribute[address_precision]": "face au 3"}
    response, body = post(client, "requests", fmt, data=_form(api_key, leaf, **attributes))
    assert response.status_code == 200, response.data
    if fmt == "json":
        [item] = body
        reference = item["service_request_id"]
        assert isinstance(reference, str)
        assert "token" not in item  # either an id or a token, never both
        assert item["account_id"] == "acc-1"
    else:
        assert body.tag == "service_requests"
        reference = body.findtext("request/service_request_id")
        assert body.find("request/token") is None
    report = session.scalar(select(Report).where(Report.reference == reference))
    assert report.origin == "O" and report.reference.startswith("O")
    assert report.priority == 1 and report.address_precision == "face au 3"
    assert report.address == "3 rue de Rivoli"
    assert report.reporter_guid == "acc-1" and report.reporter_udid == "device-1"
    assert report.state == "initial"
    jobs = set(session.scalars(select(OutboxJob.func).where(OutboxJob.args == [report.id])))
    assert "workers.jobs.dispatch.dispatch_report" in jobs  # the shared intake ran
    _, listed = get(client, f"requests/{reference}", "json")
    assert listed[0]["service_code"] == str(leaf.id)
    assert session.scalar(select(ApiClient.last_used_at)) is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_missing_or_bad_api_key_is_403(client, session, api_key, leaf, fmt, key):
    before = _count(session)
    data = _form(api_key, leaf)
    if key is None:
        del data["api_key"]
    else:
        data["api_key"] = key
    response, body = post(client, "requests", fmt, data=data)
    assert response.status_code == 403
    (assert_errors_json if fmt == "json" else assert_errors_xml)(body, 403)
    assert _count(session) == before


def test_inactive_client_is_refused(client, session, api_key, leaf):
    session.execute(ApiClient.__table__.update().values(active=False))
    response, _ = post(client, "requests", "json", data=_form(api_key, leaf))
    assert response.status_code == 403


def test_address_string_alone_is_400_without_geocoder(client, session, api_key, leaf):
    before = _count(session)
    data = _form(api_key, leaf)
    del data["lat"], data["long"]
    for fmt in ("json", "xml"):
        response, body = post(client, "requests", fmt, data=data)
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "géocodeur" in text and "lat" in text
    assert _count(session) == before


def test_missing_location_and_half_location_are_400(client, api_key, leaf):
    data = _form(api_key, leaf)
    del data["lat"], data["long"], data["address_string"]
    response, body = post(client, "requests", "json", data=data)
    assert response.status_code == 400
    assert_errors_json(body, 400)
    response, _ = post(client, "requests", "json", data=_form(api_key, leaf, long=""))
    assert response.status_code == 400


def test_unknown_service_code_is_404_and_jurisdiction_checked(client, api_key, leaf):
    response, body = post(client, "requests", "json", data=_form(api_key, leaf, service_code="999999"))
    assert response.status_code == 404
    assert_errors_json(body, 404)
    response, _ = post(client, "requests", "json", data=_form(api_key, leaf, jurisdiction_id="london.gov.uk"))
    assert response.status_code == 404
    response, _ = post(client, "requests", "json", data=_form(api_key, leaf, service_code=""))
    assert response.status_code == 400


def test_outside_paris_is_400_and_leaves_nothing(client, session, api_key, leaf):
    before = _count(session)
    response, body = post(client, "requests", "json", data=_form(api_key, leaf, lat="48.80", long="2.60"))
    assert response.status_code == 400
    assert_errors_json(body, 400)
    assert "Paris" in body[0]["description"]
    assert _count(session) == before


@pytest.mark.parametrize(
    "extra",
    [
        {"attribute[priority]": "9"},
        {"lat": "north"},
        {"description": "x" * 4001},
        {"email": "not-an-email"},
        {"media_url": "ftp://example.org/a.jpg"},
    ],
)
def test_invalid_fields_are_400(client, session, api_key, leaf, extra):
    before = _count(session)
    response, body = post(client, "requests", "json", data=_form(api_key, leaf, **extra))
    assert response.status_code == 400
    assert_errors_json(body, 400)
    assert _count(session) == before


def test_multipart_media_becomes_a_photo(client, session, api_key, leaf):
    import io

    data = _form(
        api_key,
        leaf,
        media=(io.BytesIO(jpeg_bytes(3)), "photo.jpg", "image/jpeg"),
        media_url="https://example.org/ignored.jpg",
    )
    response, body = post(client, "requests", "json", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    report = session.scalar(select(Report).where(Report.reference == body[0]["service_request_id"]))
    photos = session.scalars(select(Photo).where(Photo.report_id == report.id)).all()
    assert [p.view for p in photos] == ["close"]
    assert photos[0].status == "pending"
    assert body[0]["service_notice"] is None  # the upload wins over media_url (v2.1)


def test_bad_media_is_400_and_leaves_nothing(client, session, api_key, leaf):
    import io

    before = _count(session)
    data = _form(api_key, leaf, media=(io.BytesIO(b"not an image at all"), "x.jpg"))
    response, body = post(client, "requests", "json", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert_errors_json(body, 400)
    assert _count(session) == before


def test_media_url_is_kept_as_a_link_and_echoed(client, api_key, leaf):
    url = "https://images.example.org/pothole.jpg"
    response, body = post(client, "requests", "json", data=_form(api_key, leaf, media_url=url))
    assert response.status_code == 200
    assert body[0]["service_notice"]
    _, listed = get(client, f"requests/{body[0]['service_request_id']}", "json")
    assert listed[0]["media_url"] == url


def test_api_key_may_come_in_the_query_string(client, api_key, leaf):
    data = _form(api_key, leaf)
    del data["api_key"]
    response = client.post(f"/open311/v2/requests.json?api_key={api_key}", data=data)
    assert response.status_code == 200, response.data


def test_cli_creates_a_working_key(app, client, session, leaf):
    result = app.test_cli_runner().invoke(args=["open311", "create-key", "Partenaire X"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    stored = session.scalar(select(ApiClient).where(ApiClient.name == "Partenaire X"))
    assert stored is not None and key not in stored.key_hash  # only the hash is kept
    response, _ = post(client, "requests", "json", data=_form(key, leaf))
    assert response.status_code == 200


def test_out_of_scope_service_is_listed_and_refused_with_its_message(client, session, api_key, leaf):
    from dansmarue.models import Category

    oos = session.scalar(select(Category).where(Category.out_of_scope, Category.active))
    _, services = get(client, "services", "json")
    listed = next(s for s in services if s["service_code"] == str(oos.id))
    assert listed["keywords"] == "out_of_scope"
    assert listed["description"] == oos.out_of_scope_message
    response, body = post(client, "requests", "json", data=_form(api_key, leaf, service_code=str(oos.id)))
    assert response.status_code == 400
    assert body[0]["description"] == oos.out_of_scope_message


def test_field_errors_name_open311_parameters_not_rest_ones(client, api_key, leaf):
    """The domain says `photo:close`; an Open311 client hears `media` (REST: photos.close)."""
    import io

    refused = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": api_key,
            "service_code": str(leaf.id),
            "lat": "48.8566",
            "long": "2.3522",
            "media": (io.BytesIO(b"not an image at all"), "x.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    descriptions = " ".join(e["description"] for e in refused.json)
    assert "media : " in descriptions and "photos." not in descriptions, descriptions
