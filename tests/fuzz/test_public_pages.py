"""The residents' pages (/moi, #19.2) and the contractor's page (/prestataire,
#19.13), anonymous and signed in as staff: hostile path segments, query
strings and POST forms answer no 5xx, and always a page a person reads (HTML,
errors included) or a redirect inside the site, never a problem+json."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dansmarue.models import Report
from dansmarue.workflow import contractors
from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples
from tests.fuzz.test_pages import FORM

ROLES = [None, "agent"]


@st.composite
def requests_(draw: st.DrawFn, report: Report) -> tuple[str, str, bytes]:
    """(method, path, query or form body) of one request."""
    secret = contractors.secret_for(report)
    reference = fz.path_segment_bytes(draw(st.sampled_from([report.reference]) | fz.path_segments))
    token = fz.path_segment_bytes(draw(st.sampled_from(["jeton-inconnu", "ville"]) | fz.path_segments))
    target = draw(
        st.sampled_from(["home", "link", "landing", "spend", "out", "city", "back", "show", "post"])
    )
    fields: dict[str, Any]
    if target == "show":
        fields = draw(fz.mutated({"t": secret}, wrong=fz.form_values, text=True))
        return "GET", f"/prestataire/{reference}", draw(fz.urlencoded(fields))
    if target == "post":
        template = {
            "t": secret,
            "status": "programmer",
            "programming_date": "2031-01-01",
            "rejection_reason": "Hors marché",
            "comment": "Vu",
        }
        fields = draw(fz.mutated(template, wrong=fz.form_values, text=True))
        return "POST", f"/prestataire/{reference}", draw(fz.urlencoded(fields))
    form = draw(
        fz.mutated({"csrf_token": "csrf-fuzz-token", "email": "fuzz@example.org"}, wrong=fz.form_values)
    )
    method, path = {
        "home": ("GET", "/moi/"),
        "link": ("POST", "/moi/lien"),
        "landing": ("GET", f"/moi/connexion/{token}"),
        "spend": ("POST", f"/moi/connexion/{token}"),
        "out": ("POST", "/moi/deconnexion"),
        "city": ("GET", "/moi/connexion/ville"),
        "back": ("GET", "/moi/connexion/ville/retour"),
    }[target]
    return method, path, draw(fz.urlencoded(form))


@examples(60)
@given(data=st.data(), role=st.sampled_from(ROLES))
def test_public_pages_answer_html_or_a_redirect(web, report, data, role):
    method, path, payload = data.draw(requests_(report))
    sender = web(role)
    if method == "GET":
        response = sender.send("GET", path, query=payload)
    else:
        response = sender.send("POST", path, body=payload, content_type=FORM)
    answers.page(response)
