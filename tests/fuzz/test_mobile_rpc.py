"""The apps' jsonStream RPC (/rest/signalement/api, /rest/equipement/api, with
and without the trailing slash), identitystore, the bulky-item lookup and the
GET endpoints: hostile requests answer no 5xx, and always in the apps' own
envelope: [{"request", "answer": {"status": 0, …}}] or {"error": n,
"error_message": text} (in the array for a refused call, bare for a refused
envelope), never a problem+json the apps cannot read."""

from typing import Any
from urllib.parse import quote_from_bytes

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


@st.composite
def streams(draw: st.DrawFn, report: Report, leaf: Category) -> bytes:
    """jsonStream's text: a valid request with wrong fields, in an array or
    not, as broken JSON, or no JSON at all."""
    request = draw(fz.mutated(draw(st.sampled_from(templates(report, leaf)))))
    envelope = draw(
        st.sampled_from(["array"] * 6 + ["bare", "two", "nested"]).map(
            lambda kind: {
                "array": [request],
                "bare": request,
                "two": [request, request],
                "nested": [[request]],
            }[kind]
        )
    )
    if draw(st.integers(0, 9)) == 0:
        return draw(fz.any_json_document())
    return draw(fz.json_document(envelope))


@st.composite
def rpc_bodies(draw: st.DrawFn, report: Report, leaf: Category) -> tuple[bytes | fz.Oversized, str | None]:
    """The form around jsonStream: url-encoded (Android), raw (iOS writes
    "jsonStream=[…]" unescaped), multipart, another content type, oversized."""
    stream = draw(streams(report, leaf))
    kind = draw(st.sampled_from(["form"] * 8 + ["ios", "ios", "multipart", "other", "big"]))
    if kind == "form":
        body = b"jsonStream=" + quote_from_bytes(stream, safe="").encode()
        if draw(st.booleans()):
            body += b"&jsonStream=" + draw(fz.urlencoded({"x": draw(fz.form_values)}))
        return body, FORM
    if kind == "ios":
        return b"jsonStream=" + stream, draw(st.sampled_from([FORM, None]))
    if kind == "multipart":
        return fz.multipart_body({"jsonStream": stream.decode("utf-8", "surrogateescape")}, {}), (
            "multipart/form-data; boundary=fuzzfuzz"
        )
    if kind == "other":
        return stream, draw(fz.content_types)
    return draw(fz.oversized), FORM


@examples(90)
@given(data=st.data(), bearer=st.sampled_from([None, "agent", "junk"]))
def test_rpc_answers_in_the_apps_envelope(sender, staff, report, leaf, data, bearer):
    from dansmarue.access import auth

    path = data.draw(st.sampled_from(RPC_PATHS))
    body, content_type = data.draw(rpc_bodies(report, leaf))
    headers = {}
    if bearer == "agent":
        headers["Authorization"] = f"Bearer {auth.issue_token(staff['agent'])}"
    elif bearer == "junk":
        headers["Authorization"] = "Bearer " + data.draw(fz.header_values)
    response = sender.send("POST", path, body=body, content_type=content_type, headers=headers)
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
        stream = data.draw(fz.json_document(data.draw(fz.mutated({"guid": guid}))))
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
    position = data.draw(fz.mutated({"latitude": 48.85, "longitude": 2.35}))
    body = data.draw(st.one_of(fz.json_document(position), fz.oversized, fz.any_json_document()))
    content_type = data.draw(st.sampled_from(["application/json", None]) | fz.content_types)
    response = sender.send(
        "POST", "/rest/signalement/getDossiersCourrantsByGeomWithLimit", body=body, content_type=content_type
    )
    if response.status_code == 200 and response.get_json(silent=True) == []:
        return  # no pickup: what Android reads from "[" + body + "]"
    answers.mobile(response, wrapped=False)
