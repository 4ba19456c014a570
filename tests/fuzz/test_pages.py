"""The staff pages (/dashboard, /agent), signed in and anonymous: hostile query
strings, path segments and POST forms (login, logout, actions, mass actions)
answer no 5xx, and always a page a person reads: HTML (errors included) or a
redirect (to the login page, or back inside the app), never a stack trace
nor a problem+json. The agents' offline replay (Accept: application/json)
gets its JSON {status, title, detail}."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dansmarue.models import Report
from dansmarue.workflow import agent_queue
from dansmarue.workflow.transitions import MASS_ACTIONS, TRANSITIONS
from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples

FORM = "application/x-www-form-urlencoded"
ROLES = [None, "agent", "manager", "admin"]


def dashboard_query(report: Report) -> dict[str, str]:
    from dansmarue.stats.dashboard_figures import categories

    first_category = next(o.id for _, options in categories() for o in options)
    return {
        "period": "12",
        "direction": str(report.unit.direction_id),
        "unit": str(report.unit_id),
        "category": str(first_category),
        "district": "4",
        "from": "2024-01-01",
        "to": "2024-03-01",
        "sort": "late",
        "order": "desc",
        "page": "2",
    }


def agent_query(report: Report) -> dict[str, Any]:
    return {
        "state": ["new", "initial"],
        "category_id": [str(report.category_id)],
        "district": "4",
        "overdue": "true",
        "q": report.reference,
        "cursor": agent_queue._encode(report),
        "due_before": "2030-01-01",
        "lat": "48.85",
        "lon": "2.35",
        "sort": "distance",
        "page": "2",
        "date": "2030-01-01",
        "next": "/agent/",
    }


@st.composite
def get_pages(draw: st.DrawFn, report: Report) -> tuple[str, bytes, tuple[str, ...]]:
    """(path, raw query, the success types besides HTML) of one GET."""
    reference = fz.path_segment_bytes(draw(st.sampled_from([report.reference]) | fz.path_segments))
    action = fz.path_segment_bytes(draw(st.sampled_from(sorted(TRANSITIONS)) | fz.path_segments))
    path, others = draw(
        st.sampled_from(
            [
                ("/dashboard", ()),
                ("/dashboard/", ()),
                ("/dashboard/overdue.csv", ("text/csv",)),
                ("/dashboard/login", ()),
                ("/dashboard/logout", ()),
                ("/agent/", ()),
                (f"/agent/r/{reference}", ()),
                (f"/agent/r/{reference}/{action}", ()),
                ("/agent/tournee", ()),
                ("/agent/login", ()),
                ("/agent/logout", ()),
                ("/agent/sw.js", ("text/javascript",)),
                (f"/agent/{reference}", ()),
                (f"/dashboard/{reference}", ()),
            ]
        )
    )
    template = dashboard_query(report) if path.startswith("/dashboard") else agent_query(report)
    fields = draw(fz.mutated(template, wrong=fz.form_values, text=True))
    return path, draw(fz.urlencoded(fields)), others


@examples(70)
@given(data=st.data(), role=st.sampled_from(ROLES))
def test_get_pages_answer_html_or_a_redirect(web, report, data, role):
    path, query, others = data.draw(get_pages(report))
    response = web(role).send("GET", path, query=query)
    answers.page(response, others=others)


def action_form(report: Report, action: str) -> dict[str, str]:
    values = {
        "csrf_token": "csrf-fuzz-token",
        "version": str(report.version),
        "idempotency_key": "0b0f6c1e-fuzz",
        "seen_event": "1",
        "comment": "Vu sur place",
        "date": "2031-01-01",
        "message_id": "1",
        "message": "C'est fait",
        "reason_id": "1",
        "reason": "Hors périmètre",
        "duplicate_of": report.reference,
        "category_id": str(report.category_id),
        "latitude": "48.857",
        "longitude": "2.353",
        "address": "Place de l'Hôtel de Ville",
        "third_party": "RATP",
        "q": "G20",
    }
    return {k: v for k, v in values.items() if k in TRANSITIONS[action].params or k in PAGE_FIELDS}


PAGE_FIELDS = ("csrf_token", "version", "idempotency_key", "seen_event", "q")


@st.composite
def post_pages(
    draw: st.DrawFn, report: Report
) -> tuple[str, bytes | fz.Oversized, str | None, dict[str, str]]:
    """(path, body, content type, headers) of one POST."""
    target = draw(st.sampled_from(["act", "act", "act", "mass", "mass", "login", "logout"]))
    headers: dict[str, str] = {}
    if target == "act":
        action = draw(st.sampled_from(sorted(TRANSITIONS)))
        reference = draw(st.sampled_from([report.reference]) | fz.path_segments)
        path = f"/agent/r/{fz.path_segment_bytes(reference)}/{fz.path_segment_bytes(action)}"
        fields: dict[str, Any] = draw(
            fz.mutated(action_form(report, action), wrong=fz.form_values, text=True)
        )
        if draw(st.booleans()):
            headers["Accept"] = "application/json"
        for name in ("If-Match", "Idempotency-Key"):
            if draw(st.integers(0, 3)) == 0:
                headers[name] = draw(fz.header_values)
    elif target == "mass":
        path = "/agent/mass"
        template = {
            "csrf_token": "csrf-fuzz-token",
            "action": draw(st.sampled_from(MASS_ACTIONS)),
            "references": [report.reference, "G2099L000001"],
            "date": "2031-01-01",
            "category_id": str(report.category_id),
            "comment": "Lot",
            "back": "/agent/?page=2",
        }
        fields = draw(fz.mutated(template, wrong=fz.form_values, text=True))
        if draw(st.integers(0, 5)) == 0:
            fields["references"] = [f"G2024L{n:06d}" for n in range(600)]
    else:
        app = draw(st.sampled_from(["dashboard", "agent"]))
        path = f"/{app}/{target}"
        template = {
            "csrf_token": "csrf-fuzz-token",
            "email": "fuzz.agent@paris.example",
            "password": "not-the-password",
            "next": f"/{app}/",
        }
        fields = draw(fz.mutated(template, wrong=fz.form_values, text=True))
    kind = draw(st.sampled_from(["form"] * 6 + ["multipart", "multipart", "other", "big"]))
    if kind == "form":
        return path, draw(fz.urlencoded(fields)), FORM, headers
    if kind == "multipart":
        flat = {k: fz.wire_text(v[0] if isinstance(v, list) and v else v) for k, v in fields.items()}
        files = {"photo": draw(fz.image_like)} if draw(st.booleans()) else {}
        return path, fz.multipart_body(flat, files), "multipart/form-data; boundary=fuzzfuzz", headers
    if kind == "other":
        body = json.dumps({k: fz.wire_text(v) for k, v in fields.items()}).encode("utf-8", "surrogatepass")
        return path, body, draw(fz.content_types), headers
    return path, draw(fz.oversized), FORM, headers


@examples(80)
@given(data=st.data(), role=st.sampled_from(ROLES), address=st.ip_addresses(v=4).map(str))
def test_post_forms_answer_html_or_a_redirect(web, report, data, role, address):
    path, body, content_type, headers = data.draw(post_pages(report))
    sender = web(role)
    response = sender.send(
        "POST",
        path,
        body=body,
        content_type=content_type,
        headers=headers,
        environ={"REMOTE_ADDR": address},  # the login limit counts per address
    )
    if headers.get("Accept") == "application/json" and response.mimetype == "application/json":
        body_json = response.get_json()
        assert isinstance(body_json, dict), response.get_data()[:300]
        if response.status_code >= 400:
            assert {"status", "title", "detail"} <= set(body_json), body_json
        return
    answers.page(response)
