"""The admin pages (/admin), signed in (mostly as an admin, so that the forms'
own refusals run) and not: hostile queries, path segments and POST forms
answer no 5xx, and always a page a person reads (HTML, errors included) or a
redirect inside the site, never a stack trace nor a problem+json."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples

FORM = "application/x-www-form-urlencoded"
ROLES = [None, "agent", "manager", "admin", "admin", "admin"]
GEOJSON = '{"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]}'
FORMS: dict[str, dict[str, Any]] = {
    "users/new": {"email": "fuzz.nouveau@example.org", "role": "agent", "unit_codes": ["DPE-STPP-DT"]},
    "users/{id}": {"full_name": "Fuzz", "role": "agent", "direction_code": "DPE"},
    "users/{id}/disable": {},
    "users/{id}/password-reset": {},
    "units/new": {"code": "FUZZ", "label": "Unité fuzz", "kind": "service", "parent_id": "1", "active": "on"},
    "units/{id}": {
        "code": "FUZZ",
        "label": "Unité",
        "webhook_url": "https://x.example/h",
        "webhook_secret": "s" * 20,
    },
    "categories/new": {
        "label": "Catégorie fuzz",
        "parent_id": "1",
        "unit_id": "1",
        "public_max_age_days": "30",
    },
    "categories/{id}": {"label": "Herbes", "default_priority": "2", "active": "on", "sort_order": "1"},
    "sla-targets/new": {"category_id": "17", "priority": "1", "ack_amount": "2", "ack_unit": "hours"},
    "sla-targets/{id}": {"resolve_amount": "3", "resolve_unit": "business_days", "category_id": "17"},
    "sla-targets/{id}/delete": {},
    "rejection-reasons/new": {"label": "Motif fuzz", "sort_order": "2", "active": "on"},
    "done-messages/{id}": {"title": "Titre", "message": "Message", "category_id": "17"},
    "requalification-rules/new": {"source_unit_id": "1", "target_unit_id": "2", "target_state": "new"},
    "sectors/new": {"name": "Secteur fuzz", "number": "FZ-1", "unit_ids": ["1"], "geometry": GEOJSON},
    "sectors/{id}": {"name": "Secteur", "geometry": GEOJSON},
}
QUERIES: dict[str, dict[str, Any]] = {
    "users": {"q": "agent", "role": "agent", "active": "true", "unit_code": "DVD-STV", "page": "2"},
    "units": {"q": "DPE"},
    "categories": {"q": "herbes"},
    "sla-targets": {"category_id": "17"},
    "done-messages": {"category_id": "17"},
    "requalification-rules": {"source_unit_id": "1"},
    "sectors": {"q": "Centre", "page": "2"},
    "preview": {"category_id": "17", "latitude": "48.8566", "longitude": "2.3522"},
    "audit": {"entity": "user", "entity_id": "1", "actor_id": "1", "page": "3"},
    "login": {"next": "/admin/users"},
}


def _path(draw: st.DrawFn, template: str) -> str:
    ident = fz.path_segment_bytes(draw(st.sampled_from(["1", "17", "999999999999"]) | fz.path_segments))
    return "/admin/" + template.replace("{id}", ident)


@examples(60)
@given(data=st.data(), role=st.sampled_from(ROLES))
def test_admin_get_pages_answer_html_or_a_redirect(web, data, role):
    name = data.draw(st.sampled_from([*sorted(QUERIES), "users/{id}", "sectors/{id}", "units/{id}", "{id}"]))
    fields = data.draw(fz.mutated(QUERIES.get(name, {"page": "1"}), wrong=fz.form_values, text=True))
    response = web(role).send("GET", _path(data.draw, name), query=data.draw(fz.urlencoded(fields)))
    answers.page(response)


@examples(80)
@given(data=st.data(), role=st.sampled_from(ROLES))
def test_admin_post_forms_answer_html_or_a_redirect(web, data, role):
    name = data.draw(st.sampled_from(sorted(FORMS)))
    fields = data.draw(
        fz.mutated({**FORMS[name], "csrf_token": "csrf-fuzz-token"}, wrong=fz.form_values, text=True)
    )
    kind = data.draw(st.sampled_from(["form"] * 5 + ["multipart", "big"]))
    if kind == "form":
        body: Any = data.draw(fz.urlencoded(fields))
        content_type = FORM
    elif kind == "multipart":
        flat = {k: fz.wire_text(v[0] if isinstance(v, list) and v else v) for k, v in fields.items()}
        files = {"geometry_file": data.draw(fz.image_like)} if data.draw(st.booleans()) else {}
        body, content_type = fz.multipart_body(flat, files), "multipart/form-data; boundary=fuzzfuzz"
    else:
        body, content_type = data.draw(fz.oversized), FORM
    response = web(role).send("POST", _path(data.draw, name), body=body, content_type=content_type)
    answers.page(response)
