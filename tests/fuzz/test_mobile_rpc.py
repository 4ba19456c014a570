"""The apps' jsonStream RPC (/rest/signalement/api, /rest/equipement/api, with
and without the trailing slash), identitystore, the bulky-item lookup and the
GET endpoints: hostile requests answer no 5xx, and always in the apps' own
envelope: [{"request", "answer": {"status": 0, …}}] or {"error": n,
"error_message": text} (in the array for a refused call, bare for a refused
envelope), never a problem+json the apps cannot read."""

from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dansmarue.models import Category, Report
from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples

RPC_PATHS = [
    "/rest/signalement/api",
    "/rest/signalement/api/",
    "/rest/equipement/api",
    "/rest/equipement/api/",
]
FORM = "application/x-www-form-urlencoded"


def templates(report: Report, leaf: Category) -> list[dict[str, Any]]:
    """One valid request per name the apps send (handlers, agent calls, equipment)."""
    position = {"latitude": 48.856613, "longitude": 2.352222}
    user = {"guid": "guid-reporter", "email": "resident@example.org", "udid": "udid-reporter"}
    return [
        {"request": "getCategories", "curVersion": "0", "curVersionMobileProd": "4.3.2"},
        {
            "request": "saveIncident",
            **user,
            "userToken": "paris-account-token",
            "position": position,
            "incident": {
                "categoryId": str(leaf.id),
                "address": "Place de l'Hôtel de Ville",
                "descriptive": "Graffiti sur le mur",
                "priorityId": 2,
                "origin": "G",
                "precisionsTerrain": "Face au n° 3",
            },
        },
        {"request": "processWorkflow", "id": report.id},
        {"request": "getIncidentsByPosition", "position": position, "guid": "guid-reporter"},
        {"request": "getIncidentsByPosition", "searchByNumber": report.reference},
        {"request": "getIncidentById", "id": str(report.id), "source": "DansMaRue", **user},
        {"request": "follow", "incidentId": report.id, **user},
        {"request": "unfollow", "incidentId": report.id, **user},
        {"request": "congratulateAnomalie", "incidentId": report.id},
        {"request": "congratulateAnomalie", "incidentId": report.id, **user},
        {
            "request": "incidentResolved",
            "incidentId": report.id,
            **user,
            "comment": "C'est réparé",
            "numeroMessage": "1",
        },
        {"request": "getIncidentsByUser", "guid": "guid-reporter", "filterIncidentStatus": "R"},
        {"request": "getReports", "udid": "udid-reporter", "guid": "guid-reporter"},
        {"request": "checkVersion", "curVersion": "3.0"},
        {"request": "getIncidentPhotos", "incidentId": report.id},
        {
            "request": "changeStatus",
            "answer": {
                "id": report.id,
                "reference": report.reference,
                "token": "not-the-secret",
                "status": "requalifier",
                "id_type_anomalie": leaf.id,
                "comment": "Mauvais type",
                "rejection_reason": "Hors périmètre",
                "programming_date": "01/01/2031",
            },
        },
        {"request": "savePrecisionsTerrain", "idSignalement": report.id, "precisionsTerrain": "Au fond"},
        {"request": "saveInfosApresTournee", "idFDT": 1, "infosApresTournee": "RAS"},
        {"request": "getEquipements", "curVersion": 0},
        {"request": "getEquipementsByPosition", "position": position},
        {"request": "getIncidentsByEquipement", "equipementId": "1"},
    ]


NAMES = sorted({t["request"] for t in templates(Report(id=1, reference="R"), Category(id=1))})


@st.composite
def broken_request(draw: st.DrawFn, report: Report, leaf: Category, name: str | None = None) -> dict:
    """A valid request (named `name`) with some of its fields broken (the name kept)."""
    chosen = draw(st.sampled_from([t for t in templates(report, leaf) if name in (None, t["request"])]))
    fields = {k: v for k, v in chosen.items() if k != "request"}
    return {"request": chosen["request"], **draw(fz.mutated(fields, text=False))}


def form_of(stream: bytes) -> bytes:
    """Android's body: the url-encoded field."""
    return b"jsonStream=" + quote_from_bytes(stream, safe="").encode()


@st.composite
def rpc_bodies(draw: st.DrawFn, report: Report, leaf: Category) -> tuple[bytes | fz.Oversized, str | None]:
    """The envelope broken: not an array of one object, invalid JSON (duplicate
    keys, deep, NaN, invalid UTF-8), the form raw (iOS writes "jsonStream=[…]"
    unescaped), a multipart, another content type, a body too large."""
    request = draw(broken_request(report, leaf))
    envelope = draw(
        st.sampled_from(["array", "array", "bare", "two", "nested"]).map(
            lambda kind: {
                "array": [request],
                "bare": request,
                "two": [request, request],
                "nested": [[request]],
            }[kind]
        )
    )
    stream = draw(st.one_of(fz.json_document(envelope), fz.any_json_document()))
    kind = draw(st.sampled_from(["form", "form", "twice", "ios", "ios", "multipart", "other", "big"]))
    if kind == "form":
        return form_of(stream), FORM
    if kind == "twice":
        return form_of(stream) + b"&jsonStream=" + draw(fz.urlencoded({"x": draw(fz.form_values)})), FORM
    if kind == "ios":
        return b"jsonStream=" + stream, draw(st.sampled_from([FORM, None]))
    if kind == "multipart":
        return fz.multipart_body({"jsonStream": stream.decode("utf-8", "surrogateescape")}, {}), (
            "multipart/form-data; boundary=fuzzfuzz"
        )
    if kind == "other":
        return stream, draw(fz.content_types)
    return draw(fz.oversized), FORM


def bearer_header(data: st.DataObject, staff) -> dict[str, str]:
    from dansmarue.access import auth

    bearer = data.draw(st.sampled_from([None, "agent", "junk"]))
    if bearer == "agent":
        return {"Authorization": f"Bearer {auth.issue_token(staff['agent'])}"}
    if bearer == "junk":
        return {"Authorization": "Bearer " + data.draw(fz.header_values)}
    return {}


@pytest.mark.parametrize("name", NAMES)
@examples(10)
@given(data=st.data())
def test_each_request_answers_in_the_apps_envelope(sender, staff, report, leaf, name, data):
    """Each request name the apps send, in a valid envelope, its own fields broken."""
    request = data.draw(broken_request(report, leaf, name))
    stream = fz.json_bytes([request])
    path = data.draw(st.sampled_from(RPC_PATHS))
    response = sender.send(
        "POST", path, body=form_of(stream), content_type=FORM, headers=bearer_header(data, staff)
    )
    answers.mobile(response)


@examples(60)
@given(data=st.data())
def test_a_broken_envelope_answers_in_the_apps_envelope(sender, staff, report, leaf, data):
    path = data.draw(st.sampled_from(RPC_PATHS))
    body, content_type = data.draw(rpc_bodies(report, leaf))
    response = sender.send(
        "POST", path, body=body, content_type=content_type, headers=bearer_header(data, staff)
    )
    answers.mobile(response)


@examples(40)
@given(data=st.data())
def test_the_get_endpoints_answer_a_bare_envelope(sender, report, data):
    segment = fz.path_segment_bytes(
        data.draw(st.one_of(st.sampled_from([report.reference, str(report.id), "3"]), fz.path_segments))
    )
    guid = fz.path_segment_bytes(data.draw(fz.path_segments))
    path = data.draw(
        st.sampled_from(
            [
                f"/rest/signalement/getAnomalieByNumber/{segment}",
                f"/rest/signalement/api/getAnomalieByNumber/{segment}",
                f"/rest/signalement/api/getAnomalieByNumber/{segment}/{guid}",
                f"/rest/signalement/getActualite/{segment}",
                f"/rest/signalement/getAide/{segment}",
                f"/rest/signalement/searchIncidentsByIdFdt/{segment}",
                "/rest/signalement/isDmrOnline",
                "/rest/signalement/api/isDmrOnline",
            ]
        )
    )
    query = data.draw(fz.urlencoded({"guid": data.draw(fz.form_values)}))
    answers.mobile(sender.send("GET", path, query=query), wrapped=False)


@examples(40)
@given(data=st.data())
def test_identitystore_and_bulky_items_answer_a_bare_envelope(sender, staff, data):
    if data.draw(st.booleans()):
        guid = data.draw(st.sampled_from(["guid-unknown", ""]) | fz.wrong_values)
        stream = data.draw(fz.json_document(data.draw(fz.mutated({"guid": guid}, text=False))))
        body = data.draw(
            st.sampled_from(
                [b"jsonStream=" + quote_from_bytes(stream, safe="").encode(), b"jsonStream=" + stream, stream]
            )
        )
        response = sender.send(
            "POST", "/rest/signalement/identitystore", body=body, content_type=data.draw(fz.content_types)
        )
        answers.mobile(response, wrapped=False)
        return
    position = data.draw(fz.mutated({"latitude": 48.85, "longitude": 2.35}, text=False))
    body = data.draw(st.one_of(fz.json_document(position), fz.oversized, fz.any_json_document()))
    content_type = data.draw(st.sampled_from(["application/json", None]) | fz.content_types)
    response = sender.send(
        "POST", "/rest/signalement/getDossiersCourrantsByGeomWithLimit", body=body, content_type=content_type
    )
    if response.status_code == 200 and response.get_json(silent=True) == []:
        return  # no pickup: what Android reads from "[" + body + "]"
    answers.mobile(response, wrapped=False)
